"""Words of the review import in the reader's language: the preview's outcome counts are
plurals ("1 finding", "19 findings"), and a finding's note (comment, root cause, reviewer,
rating) is stored in one stable form and shown with its labels in the reader's language."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from qa import services as qa_services
from qa.models import QAFinding
from qa.reviews import importer as review_importer
from qa.reviews import writer
from qa.reviews.files import read_table
from qa.reviews.lines import ReviewReport
from tests.qa import review_exports as exports
from tests.qa.conftest import as_user

pytestmark = pytest.mark.django_db


def import_long(source, importer, member, django_capture_on_commit_callbacks):
    table = read_table(exports.long_csv(member.email))
    with django_capture_on_commit_callbacks(execute=True):
        review_importer.reviews_import(source=source, table=table, importer=importer, commit=True)


# --- the preview's counts ----------------------------------------------------------------------


ALL_OUTCOMES = ("fail", "pass", "na", "ignored", "unknown", "duplicate", "error")


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (
            1,
            [
                "1 finding",
                "1 passed category",
                "1 line rated N/A",
                "1 line in an ignored category",
                "1 line in a category not mapped yet",
                "1 line already imported",
                "1 line with an error",
            ],
        ),
        (
            19,
            [
                "19 findings",
                "19 passed categories",
                "19 lines rated N/A",
                "19 lines in ignored categories",
                "19 lines in categories not mapped yet",
                "19 lines already imported",
                "19 lines with errors",
            ],
        ),
    ],
    ids=["one", "nineteen"],
)
def test_each_outcome_count_is_worded_for_its_number(count, expected):
    report = ReviewReport(counts=Counter(dict.fromkeys(ALL_OUTCOMES, count)))
    with translation.override("en"):
        assert report.outcome_counts == expected


def test_outcomes_not_seen_are_not_counted():
    report = ReviewReport(counts=Counter({"fail": 2, "duplicate": 0}))
    with translation.override("en"):
        assert report.outcome_counts == ["2 findings"]


def test_the_preview_page_words_each_count_with_its_number(lead, member, team, long_source):
    url = f"/teams/{team.pk}/qa-sources/{long_source.pk}/import/"
    upload = SimpleUploadedFile("export.csv", exports.long_csv(member.email))
    preview = as_user(lead).post(url, {"file": upload})
    assert preview.templates[0].name == "qa/review_preview.html"
    assert preview.context["report"].counts == {"pass": 2, "fail": 2, "na": 1, "unknown": 1}
    html = preview.content.decode()
    counts = html[html.index('<ul id="outcome-counts">') :]
    counts = counts[: counts.index("</ul>")]
    assert counts == (
        '<ul id="outcome-counts">'
        "<li>2 findings</li>"
        "<li>2 passed categories</li>"
        "<li>1 line rated N/A</li>"
        "<li>1 line in a category not mapped yet</li>"
    )


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 uwaga QA"),
        (2, "2 uwagi QA"),
        (5, "5 uwag QA"),
        (22, "22 uwagi QA"),
        (1, "1 wiersz zaimportowany już wcześniej"),
        (4, "4 wiersze zaimportowane już wcześniej"),
        (19, "19 wierszy zaimportowanych już wcześniej"),
    ],
    ids=["finding-1", "finding-2", "finding-5", "finding-22", "dup-1", "dup-4", "dup-19"],
)
def test_polish_counts_take_the_three_plural_forms(count, expected):
    """Needs the Polish catalogue with the new plurals (/tmp/pl/qa.json merged)."""
    outcome = "fail" if "uwag" in expected else "duplicate"
    report = ReviewReport(counts=Counter({outcome: count}))
    with translation.override("pl"):
        assert report.outcome_counts == [expected]


# --- the finding's note ------------------------------------------------------------------------


def test_the_note_is_stored_in_english_whatever_the_importers_language(
    lead, member, long_source, django_capture_on_commit_callbacks
):
    with translation.override("pl"):
        import_long(long_source, lead, member, django_capture_on_commit_callbacks)
    note = QAFinding.objects.get(criterion="Escalation").note
    assert note == "Late\nRoot cause: Knowledge\nReviewer: Rita Reviewer\nRating: 2"


def test_the_api_gives_the_stored_note_to_a_polish_reader(
    api_as, lead, member, long_source, django_capture_on_commit_callbacks
):
    import_long(long_source, lead, member, django_capture_on_commit_callbacks)
    lead.language = "pl"
    lead.save(update_fields=["language"])
    body = api_as(lead).get("/api/v1/qa-findings/").json()
    notes = {row["criterion"]: row["note"] for row in body["results"]}
    assert notes["Escalation"] == "Late\nRoot cause: Knowledge\nReviewer: Rita Reviewer\nRating: 2"


def test_a_polish_lead_reads_the_note_with_polish_labels(
    lead, member, team, long_source, django_capture_on_commit_callbacks
):
    import_long(long_source, lead, member, django_capture_on_commit_callbacks)
    lead.language = "pl"
    lead.save(update_fields=["language"])
    page = as_user(lead).get(f"/teams/{team.pk}/findings/")
    html = page.content.decode()
    assert "Late<br>Przyczyna źródłowa: Knowledge<br>Oceniający: Rita Reviewer<br>Nota: 2" in html
    assert "Root cause:" not in html
    assert "Reviewer:" not in html


def test_an_english_lead_reads_the_same_note_in_english(
    lead, member, team, long_source, django_capture_on_commit_callbacks
):
    import_long(long_source, lead, member, django_capture_on_commit_callbacks)
    page = as_user(lead).get(f"/teams/{team.pk}/findings/")
    assert "Late<br>Root cause: Knowledge<br>Reviewer: Rita Reviewer<br>Rating: 2" in (
        page.content.decode()
    )


@pytest.mark.parametrize(
    ("note", "language", "expected"),
    [
        (
            "Late\nRoot cause: Knowledge\nReviewer: Rita\nRating: 2",
            "pl",
            "Late\nPrzyczyna źródłowa: Knowledge\nOceniający: Rita\nNota: 2",
        ),
        # a note written before the labels were stored in English: in the importer's language
        (
            "Spóźniona\nPrzyczyna źródłowa: Wiedza\nOceniający: Rita\nNota: 2",
            "en",
            "Spóźniona\nRoot cause: Wiedza\nReviewer: Rita\nRating: 2",
        ),
        ("Reviewer: Rita\nRating: 1", "pl", "Oceniający: Rita\nNota: 1"),
        ("Rating: 1", "pl", "Nota: 1"),
        # only the lines that end the note, in their order, are labels
        ("Rating: 1\nsome text", "pl", "Rating: 1\nsome text"),
        ("Rating: 1\nReviewer: Rita", "pl", "Rating: 1\nOceniający: Rita"),
        ("", "pl", ""),
    ],
    ids=[
        "to-polish",
        "old-polish-to-english",
        "no-comment",
        "rating-only",
        "text",
        "order",
        "empty",
    ],
)
def test_a_written_note_is_labelled_again_in_the_readers_language(note, language, expected):
    with translation.override(language):
        assert writer.finding_note_display(note, source=QAFinding.Source.REVIEW) == expected


@pytest.mark.parametrize("source", ["page", "api", "csv"])
def test_a_note_a_person_wrote_is_shown_as_written(source):
    with translation.override("pl"):
        assert writer.finding_note_display("Rating: 2", source=source) == "Rating: 2"


def test_a_note_typed_on_the_page_keeps_its_words_on_a_polish_page(lead, member, team, catalogue):
    qa_services.finding_record(
        reviewer=lead,
        agent=member,
        interaction_ref="T-1",
        criterion="Greeting",
        skill=catalogue["escalations"],
        note="Reviewer: me\nRating: bad",
        occurred_at=timezone.now() - timedelta(hours=1),
    )
    lead.language = "pl"
    lead.save(update_fields=["language"])
    html = as_user(lead).get(f"/teams/{team.pk}/findings/").content.decode()
    assert "Reviewer: me<br>Rating: bad" in html
