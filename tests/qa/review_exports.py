"""Review exports in the shapes QA tools write them, for the review-import tests.

``long_csv``: one row per review × category, 4-point ratings (Zendesk QA / Klaus style), with a
critical category, an N/A, an unknown category and a comment with a root cause.
``wide_csv``: one row per review, a column per category, pass/fail (a spreadsheet scorecard).
``latin1_csv``: the long export saved by a spreadsheet in Windows-1252, with a reviewer called
"José Müller" and a ';' delimiter. ``xlsx_bytes``: the long export as an XLSX workbook.
"""

from __future__ import annotations

import io
from datetime import datetime

LONG_HEADER = [
    "Review ID",
    "Conversation ID",
    "Reviewee email",
    "Reviewer",
    "Review date",
    "Category",
    "Rating",
    "Comment",
    "Root cause",
]


def long_rows(agent_email: str) -> list[list[str]]:
    return [
        ["R-1", "CONV-1", agent_email, "Rita Reviewer", "2026-01-10", "Empathy", "4", "", ""],
        [
            "R-1",
            "CONV-1",
            agent_email,
            "Rita Reviewer",
            "2026-01-10",
            "Escalation",
            "2",
            "Late",
            "Knowledge",
        ],
        [
            "R-1",
            "CONV-1",
            agent_email,
            "Rita Reviewer",
            "2026-01-10",
            "GDPR check",
            "1",
            "",
            "Process",
        ],
        ["R-1", "CONV-1", agent_email, "Rita Reviewer", "2026-01-10", "Tone", "N/A", "", ""],
        ["R-2", "CONV-2", agent_email, "Rita Reviewer", "2026-01-11", "Escalation", "3", "", ""],
        ["R-2", "CONV-2", agent_email, "Rita Reviewer", "2026-01-11", "Metrics talk", "2", "", ""],
    ]


def _csv(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def long_csv(agent_email: str) -> bytes:
    return _csv(LONG_HEADER, long_rows(agent_email)).encode()


WIDE_HEADER = ["Ticket", "Agent", "Date", "Greeting", "Escalation", "Data protection", "Total"]


def wide_csv(agent_name: str) -> bytes:
    rows = [
        ["T-100", agent_name, "2026-02-01", "Yes", "No", "yes", "66%"],
        ["T-101", agent_name, "2026-02-02", "Yes", "Yes", "", "100%"],
    ]
    return _csv(WIDE_HEADER, rows).encode()


def latin1_csv(agent_email: str) -> bytes:
    rows = [
        [
            "R-9",
            "CONV-9",
            agent_email,
            "José Müller",
            "2026-01-12",
            "Escalation",
            "1",
            "Très lent",
            "",
        ],
    ]
    return _csv(LONG_HEADER, rows, delimiter=";").encode("cp1252")


def xlsx_bytes(agent_email: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(LONG_HEADER)
    for row in long_rows(agent_email):
        values: list[object] = list(row)
        values[4] = datetime.fromisoformat(row[4])  # a real date cell, as Excel keeps it
        values[6] = int(row[6]) if row[6].isdigit() else row[6]  # numbers as numbers
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


LONG_MAPPING = {
    "review": "Review ID",
    "conversation": "Conversation ID",
    "agent": "Reviewee email",
    "reviewer": "Reviewer",
    "date": "Review date",
    "category": "Category",
    "rating": "Rating",
    "comment": "Comment",
    "root_cause": "Root cause",
}
WIDE_MAPPING = {"conversation": "Ticket", "agent": "Agent", "date": "Date"}
