"""docs/privacy.md, written from the register (``manage.py privacy_register``)."""

from __future__ import annotations

from django.utils import translation

from core.privacy import register

HEADER = """# Personal data

<!-- Generated from the register (core/privacy.py and each app's personal_data.py) by
`manage.py privacy_register --write`; tests/privacy fails when it is out of date. -->

What Readiness stores about people, why, for how long, and what erasing a person does to it.
Every model that refers to a person (a user or a candidate) is declared by its app;
`tests/privacy/test_register.py` fails on one that is not.

- **Erasure**: an admin erases a member (admin → user → *Erase personal data*, or
  `/privacy/people/<id>/erase/`) or a candidate (`/privacy/candidates/<id>/erase/`) after a
  confirmation that lists what goes. *deleted*: the rows go. *anonymised*: the link to the
  person is cut and the personal fields cleared; the rows stay, so figures resting on them
  (the questions' statistics) keep their counts and values. Their name and email are
  replaced by "[erased]" in the free text that mentions them (column *mentions*). The audit
  trail records that an erasure happened, by whom and when, without the erased data.
  Refused: erasing someone twice, a member or candidate with a quiz in progress or being
  scored (wait until it is scored), yourself.
- **Export**: a person downloads their data from their profile (*Download my data*,
  `/privacy/my-data.zip`); an admin for anyone (`/privacy/people/<id>/export.zip`,
  `/privacy/candidates/<id>/export.zip`, or the API): a ZIP of `data.json`, one CSV per kind
  and a README in their language. Past `PRIVACY_EXPORT_SYNC_MAX_ROWS` (20,000) rows the ZIP
  is built by Celery (`privacy.person_export_build`) and the person who asked gets a
  notification and an email with a link that works for `PRIVACY_EXPORT_LINK_HOURS` (24),
  for them only; the file is deleted after. Each kind holds at most 50,000 rows; the README
  says when one was cut. A candidate, who has no account, asks the team
  that invited them: an admin sends them a signed link to their data
  (*Email them a link to their data…* on the invitation's admin page), valid
  `CANDIDATE_DATA_LINK_DAYS` (7). Exporting someone erased answers "nothing to export".
- **Retention**: the daily task `privacy.retention_sweep` erases candidates
  `CANDIDATE_RETENTION_DAYS` (180) after their invitation expired, clears QA notes and
  comments older than `QA_COMMENT_RETENTION_DAYS` (730) and deletes delivered xAPI
  statements older than `XAPI_DELIVERED_RETENTION_DAYS` (90); `audit.events_purge` deletes
  audit events older than `AUDIT_RETENTION_DAYS` (730). Each step works in batches (100
  candidates, 500 rows) with the same number of statements whatever the batch holds, commits
  per batch, and goes on where it stopped; a second run finds nothing to do.

| Data (model) | Whose (field) | Personal fields | Why | How long | Erasing | Mentions |
|---|---|---|---|---|---|---|
"""


def register_markdown() -> str:
    """The register as docs/privacy.md, in English."""
    rows = []
    with translation.override("en"):
        for item in register():
            rows.append(
                "| "
                + " | ".join(
                    [
                        f"`{item.label}`",
                        f"`{item.person}`",
                        ", ".join(f"`{f}`" for f in item.fields) or "–",
                        str(item.purpose) + (f" {item.note}" if item.note else ""),
                        str(item.retention),
                        {"delete": "deleted", "anonymise": "anonymised", "custom": "see note"}[
                            item.on_erase
                        ],
                        ", ".join(f"`{f}`" for f in item.mentions) or "–",
                    ]
                )
                + " |"
            )
    return HEADER + "\n".join(rows) + "\n"
