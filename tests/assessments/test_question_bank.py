"""Question banks in: a Moodle GIFT file (the documentation's examples) into a quiz's draft,
previewed first, imported once, scored as Moodle scores it; the page, the API and the
command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from assessments import question_bank, services
from assessments.formats import gift
from assessments.models import Answer, Choice, Question, QuizVersion
from tests.assessments.test_gift import MOODLE_EXAMPLES


@pytest.fixture
def escalations(skill_factory):
    return skill_factory.create(slug="escalations", name="Escalations")


def imported(quiz, text=MOODLE_EXAMPLES, *, confirm=True):
    return question_bank.question_bank_import(
        user=None, quiz=quiz, parse_result=gift.parse(text), confirm=confirm
    )


def by_text(version, start, kind=None):
    questions = version.questions.filter(text__startswith=start).order_by("position")
    return (questions.filter(kind=kind) if kind else questions).first()


def test_the_preview_writes_nothing(quiz, escalations):
    before = (Question.objects.count(), Choice.objects.count(), QuizVersion.objects.count())
    outcome = imported(quiz, confirm=False)
    assert not outcome.saved
    assert len(outcome.plan.questions) == 11
    assert outcome.plan.problems == ()
    assert (Question.objects.count(), Choice.objects.count(), QuizVersion.objects.count()) == (
        before
    )


def test_moodle_examples_go_into_a_new_draft_with_kinds_weights_feedback_and_skills(
    quiz, escalations
):
    published = quiz.versions.get()
    outcome = imported(quiz)
    draft = outcome.version
    assert outcome.saved
    assert outcome.created == 11
    # the published version is untouched: the import waits for someone to publish the draft
    assert draft.number == 2
    assert draft.published_at is None
    assert published.questions.count() == 3
    assert draft.questions.count() == 3 + 11
    kinds = sorted(draft.questions.values_list("kind", flat=True)[3:])
    assert kinds == sorted(
        ["single"] * 4 + ["true_false"] * 2 + ["short_answer"] + ["numerical"] * 3 + ["multiple"]
    )
    multiple = draft.questions.get(kind="multiple")
    assert [(c.text, c.fraction, c.is_correct) for c in multiple.choices.all()] == [
        ("No one", -1.0, False),
        ("Grant", 0.5, True),
        ("Grant's wife", 0.5, True),
        ("Grant's father", -1.0, False),
    ]
    false = by_text(draft, "Grant is buried")
    assert [(c.text, c.is_correct, c.explanation) for c in false.choices.all()] == [
        ("True", False, "No one is buried in Grant's tomb."),
        ("False", True, "Right."),
    ]
    close = draft.questions.filter(kind="numerical", text__startswith="When was").last()
    assert [(c.value, c.tolerance, c.fraction, c.explanation) for c in close.choices.all()] == [
        (1822.0, 0.0, 1.0, "Correct! Full credit."),
        (1822.0, 2.0, 0.5, "He was born in 1822. Half credit for being close."),
        (None, None, 0.0, "Not even close."),
    ]
    escapes = draft.questions.get(name="Escapes")
    assert escapes.general_feedback == "General # feedback"
    assert list(escapes.skills.values_list("slug", flat=True)) == ["escalations"]
    assert "<strong>{not}</strong>" in escapes.text_html
    assert (
        not Question.objects.filter(version=draft, skills__isnull=False)
        .exclude(pk=escapes.pk)
        .exists()
    )
    assert outcome.plan.unmatched_categories == ("tom/dick/harry",)
    assert services.quiz_version_problems(draft) == []


def test_importing_the_same_file_twice_adds_nothing(quiz, escalations):
    first = imported(quiz)
    second = imported(quiz)
    assert (second.saved, second.created, len(second.plan.duplicates)) == (False, 0, 11)
    assert second.version == first.version
    assert quiz.versions.count() == 2
    assert first.version.questions.count() == 14
    # a file with one question twice imports both, as Moodle does, and only once
    doubled = "Q? {=a ~b}\n\nQ? {=a ~b}\n"
    assert imported(quiz, doubled).created == 2
    assert imported(quiz, doubled).created == 0


def test_an_unpublished_draft_nobody_took_gets_the_questions(quiz_published, escalations):
    quiz = quiz_published()
    draft = services.quiz_version_for_editing(quiz=quiz, unpublished=True)
    assert draft.number == 2
    outcome = imported(quiz, "Q? {=a ~b}")
    assert outcome.version == draft
    assert quiz.versions.count() == 2


def answer(attempt, version, start, kind=None, **given):
    question = by_text(version, start, kind)
    if "choices" in given:
        given["choice_ids"] = [question.choices.get(text=text).pk for text in given.pop("choices")]
    services.answer_save(attempt=attempt, question_id=question.pk, **given)
    return question


def test_imported_questions_score_as_moodle_does(quiz, member, escalations):
    draft = imported(quiz).version
    services.quiz_version_publish(version=draft)
    attempt = services.attempt_start(quiz=quiz, user=member)
    asked = {
        "short": answer(attempt, draft, "Who's buried", "short_answer", text="  NoBody "),
        "multi": answer(attempt, draft, "What two people", choices=["Grant", "Grant's wife"]),
        "close": answer(attempt, draft, "When was Ulysses S. Grant born?", text="1 823,5"),
        "pi": answer(attempt, draft, "What is the value of pi", text="3,1415"),
        "false": answer(attempt, draft, "Grant is buried", choices=["True"]),
    }
    services.attempt_submit(attempt=attempt)
    assert services.attempt_score(attempt_id=attempt.pk)
    credits = {
        key: Answer.objects.get(attempt=attempt, question=question).credit
        for key, question in asked.items()
    }
    # "When was … born" appears twice; the first, {#1822:5}, takes 1823.5 at full credit
    assert credits == {"short": 1.0, "multi": 1.0, "close": 1.0, "pi": 1.0, "false": 0.0}


def test_a_short_answer_earns_partial_credit_and_a_close_number_half(quiz, member, escalations):
    draft = imported(quiz).version
    services.quiz_version_publish(version=draft)
    attempt = services.attempt_start(quiz=quiz, user=member)
    short = answer(attempt, draft, "Who's buried", "short_answer", text="grant")
    close = draft.questions.filter(kind="numerical", text__startswith="When was").last()
    services.answer_save(attempt=attempt, question_id=close.pk, text="1820")
    services.attempt_submit(attempt=attempt)
    services.attempt_score(attempt_id=attempt.pk)
    credits = dict(Answer.objects.filter(attempt=attempt).values_list("question_id", "credit"))
    assert (credits[short.pk], credits[close.pk]) == (0.5, 0.5)


def test_long_names_and_answers_are_problems_not_errors(quiz):
    text = f"::{'n' * 201}:: Q? {{=a ~b}}\n\nQ2? {{={'x' * 501} ~b}}\n\nQ3? {{=a ~b}}\n"
    plan = imported(quiz, text, confirm=False).plan
    assert [(p.line, p.message) for p in plan.problems] == [
        (1, "The question name is longer than 200 characters."),
        (3, "An answer is longer than 500 characters."),
    ]
    assert [q.line for q in plan.questions] == [5]


def test_planning_and_importing_cost_the_same_queries_for_10_or_50_questions(
    quiz_published, escalations
):
    def bank(n):
        return "\n\n".join(
            f"$CATEGORY: escalations\n::Q{i}:: Question {i}? {{=right ~wrong}}" for i in range(n)
        )

    counts = []
    for size in (10, 50):
        quiz = quiz_published()
        parsed = gift.parse(bank(size))
        for confirm in (False, True):
            with _counting() as ctx:
                question_bank.question_bank_import(
                    user=None, quiz=quiz, parse_result=parsed, confirm=confirm
                )
            counts.append(len(ctx.captured_queries))
    assert counts[:2] == counts[2:], counts


def _counting():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    return CaptureQueriesContext(connection)


# --- the page ---------------------------------------------------------------------------------


def upload(name, content):
    return SimpleUploadedFile(name, content if isinstance(content, bytes) else content.encode())


def test_leads_without_the_permission_and_members_get_404(client, lead, member, quiz):
    for user in (lead, member):
        client.force_login(user)
        assert client.get("/question-bank/import/").status_code == 404
        response = client.post(
            "/question-bank/import/", {"quiz": quiz.pk, "file": upload("q.gift", "Q? {=a ~b}")}
        )
        assert response.status_code == 404
    assert quiz.versions.count() == 1


@pytest.fixture
def author_lead(lead):
    lead.user_permissions.add(Permission.objects.get(codename="add_question"))
    return lead


def test_a_lead_with_the_permission_previews_then_confirms_without_uploading_again(
    client, author_lead, quiz, escalations
):
    client.force_login(author_lead)
    page = client.get(f"/question-bank/import/?quiz={quiz.pk}")
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content
    preview = client.post(
        "/question-bank/import/",
        {"quiz": quiz.pk, "format": "gift", "file": upload("moodle.txt", MOODLE_EXAMPLES)},
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "11 questions to import." in html
    assert "Not even close." in html
    assert "-100%" in html
    assert "50%" in html
    assert "tom/dick/harry" in html
    assert quiz.versions.count() == 1  # nothing saved yet
    token = preview.context["token"]
    done = client.post("/question-bank/import/", {"token": token, "confirm": "1"})
    assert done.status_code == 302
    assert done["Location"] == f"/question-bank/import/?quiz={quiz.pk}"
    draft = quiz.versions.get(number=2)
    assert draft.questions.count() == 14
    # the token is spent: a second confirmation (say a double click) adds nothing
    again = client.post("/question-bank/import/", {"token": token, "confirm": "1"}, follow=True)
    assert "This preview has expired" in again.content.decode()
    assert draft.questions.count() == 14


def test_another_users_token_is_not_accepted(client, author_lead, admin_user, quiz):
    client.force_login(admin_user)
    preview = client.post(
        "/question-bank/import/",
        {"quiz": quiz.pk, "format": "gift", "file": upload("q.gift", "Q? {=a ~b}")},
    )
    client.force_login(author_lead)
    response = client.post(
        "/question-bank/import/", {"token": preview.context["token"]}, follow=True
    )
    assert "This preview has expired" in response.content.decode()
    assert quiz.versions.count() == 1


def test_an_admin_lands_on_the_draft_in_the_admin(client, admin_user, quiz):
    client.force_login(admin_user)
    preview = client.post(
        "/question-bank/import/",
        {
            "quiz": quiz.pk,
            "format": "aiken",
            "file": upload("bank.txt", "Q?\nA. a\nB. b\nANSWER: B\n"),
        },
    )
    done = client.post("/question-bank/import/", {"token": preview.context["token"]})
    draft = quiz.versions.get(number=2)
    assert done["Location"] == f"/admin/assessments/quizversion/{draft.pk}/change/"
    assert draft.questions.last().choices.get(is_correct=True).text == "b"


# --- the API ----------------------------------------------------------------------------------


def test_the_api_previews_with_dry_run_then_saves_with_201(api_as, admin_user, quiz, escalations):
    client = api_as(admin_user)
    preview = client.post(
        "/api/v1/quizzes/import/",
        {"quiz": quiz.pk, "dry_run": "true", "file": upload("moodle.gift", MOODLE_EXAMPLES)},
        format="multipart",
    )
    assert preview.status_code == 200, preview.json()
    body = preview.json()
    assert (body["saved"], body["created"], body["version"], body["format"]) == (
        False, 0, None, "gift"
    )  # fmt: skip
    assert len(body["questions"]) == 11
    assert body["problems"] == []
    multi = next(q for q in body["questions"] if q["kind"] == "multiple")
    assert [c["fraction"] for c in multi["choices"]] == [-1.0, 0.5, 0.5, -1.0]
    escapes = next(q for q in body["questions"] if q["name"] == "Escapes")
    assert escapes["skills"] == ["escalations"]
    assert escapes["general_feedback"] == "General # feedback"
    assert quiz.versions.count() == 1
    saved = client.post(
        "/api/v1/quizzes/import/",
        {"quiz": quiz.pk, "file": upload("moodle.gift", MOODLE_EXAMPLES)},
        format="multipart",
    )
    assert saved.status_code == 201
    assert (saved.json()["created"], saved.json()["version"]) == (11, 2)
    again = client.post(
        "/api/v1/quizzes/import/",
        {"quiz": quiz.pk, "file": upload("moodle.gift", MOODLE_EXAMPLES)},
        format="multipart",
    )
    assert again.status_code == 200
    assert (again.json()["created"], len(again.json()["duplicates"])) == (0, 11)


def test_the_api_answers_404_to_people_who_may_not_import(api_as, lead, member, quiz):
    for user in (lead, member):
        response = api_as(user).post(
            "/api/v1/quizzes/import/",
            {"quiz": quiz.pk, "file": upload("q.gift", "Q? {=a ~b}")},
            format="multipart",
        )
        assert response.status_code == 404
    assert quiz.versions.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"quiz": "1"}, "file"),
        ({"file": "x"}, "quiz"),
        ({"quiz": "abc", "file": "x"}, "quiz"),
        ({"quiz": "Q", "file": "x", "format": "xml"}, "format"),
    ],
    ids=["no-file", "no-quiz", "bad-quiz-id", "bad-format"],
)
def test_the_api_names_the_field_in_error(api_as, admin_user, quiz, data, field):
    data = {key: (quiz.pk if value == "Q" else value) for key, value in data.items()}
    if "file" in data:
        data["file"] = upload("q.gift", "Q? {=a ~b}")
    response = api_as(admin_user).post("/api/v1/quizzes/import/", data, format="multipart")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()


def test_a_quiz_that_does_not_exist_is_404(api_as, admin_user, quiz):
    response = api_as(admin_user).post(
        "/api/v1/quizzes/import/",
        {"quiz": 999999, "file": upload("q.gift", "Q? {=a ~b}")},
        format="multipart",
    )
    assert response.status_code == 404


# --- the command ------------------------------------------------------------------------------


def test_the_command_previews_with_dry_run_and_imports(tmp_path, quiz, escalations):
    path = tmp_path / "moodle.gift"
    path.write_text(MOODLE_EXAMPLES + "\nEssay? {}\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command(
        "import_questions", str(path), "--quiz", quiz.slug, "--dry-run", stdout=out, stderr=err
    )
    assert "11 questions to import, 1 skipped with a problem." in out.getvalue()
    assert "Dry run: nothing was saved." in out.getvalue()
    essay_line = MOODLE_EXAMPLES.count("\n") + 2
    assert f"{path}:{essay_line}: An essay question can't be scored" in err.getvalue()
    assert quiz.versions.count() == 1
    call_command("import_questions", str(path), "--quiz", quiz.slug, stdout=out, stderr=err)
    assert "Saved 11 question(s) in version 2" in out.getvalue()
    assert quiz.versions.get(number=2).questions.count() == 14


def test_the_command_refuses_clearly(tmp_path, quiz):
    with pytest.raises(CommandError, match="No quiz with the slug 'nope'"):
        call_command("import_questions", str(tmp_path / "x.gift"), "--quiz", "nope")
    with pytest.raises(CommandError, match="Can't read"):
        call_command("import_questions", str(tmp_path / "missing.gift"), "--quiz", quiz.slug)
    latin = tmp_path / "latin.gift"
    latin.write_bytes("Q? {=a ~b}\n\nCaf\xe9? {=a ~b}\n".encode("latin-1"))
    with pytest.raises(CommandError, match="Line 3 is not UTF-8 text"):
        call_command("import_questions", str(latin), "--quiz", quiz.slug)
    assert quiz.versions.count() == 1
