"""Bad question-bank files, through the page and the API: a clear message each, nothing
half-saved, never a 500."""

from __future__ import annotations

import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from assessments import question_bank
from assessments.formats import gift
from assessments.models import Choice, Question, QuizVersion

GOOD = "Which channel is fastest?{=Chat ~Email}\n"
MB = 1024 * 1024

# (file bytes, what the page and the API say, how many questions would import)
CASES = {
    "empty": (b"", "The submitted file is empty.", 0),
    "blank-lines": (b"\n\n  \n", "The file is empty.", 0),
    "utf-16-bom": (codecs.BOM_UTF16_LE + "Caf\u00e9?{=Oui ~Non}\n".encode("utf-16-le"), "", 1),
    "utf-8-bom": (codecs.BOM_UTF8 + "Caf\u00e9?{=Oui ~Non}\n".encode(), "", 1),
    "latin-1": (
        (GOOD + "\nCaf\u00e9?{=Oui ~Non}\n").encode("latin-1"),
        "Line 3 is not UTF-8 text (it looks like Latin-1 or a Windows code page).",
        0,
    ),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "The file is not text", 0),
    "unbalanced": (
        (GOOD + "\nBroken?{=a ~b\n").encode(),
        "The braces around the answers are not balanced: 1 “{” and 0 “}”.",
        1,
    ),
    "no-correct-answer": (
        (GOOD + "\nNone right?{~a ~b}\n").encode(),
        "No answer is marked right (“=” or a positive weight).",
        1,
    ),
    "weights-dont-add-up": (
        (GOOD + "\nWeights?{~%50%a ~%20%b ~c}\n").encode(),
        "The positive weights add up to 70%, not 100%.",
        1,
    ),
    "only-problems": (b"Essay?{}\n", "An essay question can't be scored automatically", 0),
    "no-questions": (b"// only a comment\n", "The file holds no questions.", 0),
    "too-big": (b"x" * (10 * MB + 1), "The file is 10.1 MB; files of up to 10 MB can be", 0),
    # NUL past the first 4 KB reached PostgreSQL (a 500) when the question was saved.
    "nul-late": (
        (GOOD + "\n" + "// a comment\n" * 400 + "Nul?{=a\x00 ~b}\n").encode(),
        "not text",
        0,
    ),
    # A million "~a" took a minute to split; more than 100 answers is refused at once.
    "too-many-answers": (
        (GOOD + "\nMany?{=a " + "~b " * 101 + "}\n").encode(),
        "A question may have at most 100 answers; this one has 102.",
        1,
    ),
}


def snapshot():
    return (QuizVersion.objects.count(), Question.objects.count(), Choice.objects.count())


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("bank.gift", content)


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_the_page_says_what_is_wrong_and_saves_nothing(client, admin_user, quiz, case):
    content, message, importable = CASES[case]
    client.force_login(admin_user)
    before = snapshot()
    response = client.post(
        "/question-bank/import/", {"quiz": quiz.pk, "format": "gift", "file": upload(content)}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message.replace("“", "&ldquo;") in html or message in html.replace("&#x27;", "'")
    assert snapshot() == before
    plan = response.context.get("plan")
    assert (len(plan.questions) if plan else 0) == importable
    if importable:
        assert "Caf\u00e9" in html or "Which channel" in html
        done = client.post("/question-bank/import/", {"token": response.context["token"]})
        assert done.status_code == 302
        assert Question.objects.count() == before[1] + 3 + importable  # the copy + the new


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_the_api_says_what_is_wrong_and_saves_nothing(api_as, admin_user, quiz, case):
    content, message, importable = CASES[case]
    before = snapshot()
    response = api_as(admin_user).post(
        "/api/v1/quizzes/import/",
        {"quiz": quiz.pk, "file": upload(content), "dry_run": "true"},
        format="multipart",
    )
    body = response.json()
    if importable or case == "only-problems":
        assert response.status_code == 200
        assert len(body["questions"]) == importable
        if message:
            assert message in next(p["message"] for p in body["problems"])
    else:
        assert response.status_code == 400
        assert "file" in body.get("errors", body) or "file" in str(body)
        assert message.split(" (")[0] in str(body)
    assert snapshot() == before


def bank(count: int) -> str:
    return "\n".join(f"Question {n}?{{=right ~wrong}}\n" for n in range(count))


def test_5000_questions_import_and_5001_are_refused(quiz, api_as, admin_user):
    parsed = question_bank.question_bank_parse(text=bank(5000), fmt="gift")
    outcome = question_bank.question_bank_import(
        user=admin_user, quiz=quiz, parse_result=parsed, confirm=True
    )
    assert outcome.created == 5000
    before = snapshot()
    response = api_as(admin_user).post(
        "/api/v1/quizzes/import/",
        {"quiz": quiz.pk, "file": upload(bank(5001).encode())},
        format="multipart",
    )
    assert response.status_code == 400
    assert "The file holds 5001 questions; at most 5000 can be imported at once." in str(
        response.json()
    )
    assert snapshot() == before


@override_settings(QUESTION_IMPORT_MAX_BYTES=100, QUESTION_IMPORT_MAX_QUESTIONS=2)
def test_the_limits_are_settings(client, admin_user, quiz):
    client.force_login(admin_user)
    too_many = client.post(
        "/question-bank/import/",
        {"quiz": quiz.pk, "format": "gift", "file": upload(bank(3).encode())},
    )
    assert "at most 2 can be imported at once" in too_many.content.decode()
    too_big = client.post(
        "/question-bank/import/",
        {"quiz": quiz.pk, "format": "gift", "file": upload(b"x" * 101)},
    )
    assert "files of up to 0.1 MB can be imported" in too_big.content.decode()


def test_a_failure_mid_import_leaves_nothing_half_saved(quiz, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Choice.objects, "bulk_create", explode)
    before = snapshot()
    with pytest.raises(RuntimeError):
        question_bank.question_bank_import(
            user=None, quiz=quiz, parse_result=gift.parse(bank(3)), confirm=True
        )
    assert snapshot() == before
