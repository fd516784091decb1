"""Short-answer and numerical questions: typed on the page (autosaved like the choices) and
through the API's ``{"text": …}``, scored, and reviewed only as the review policy allows."""

from __future__ import annotations

import pytest

from assessments import question_bank, services
from assessments.formats import gift
from assessments.models import Answer, Question, QuizVersion
from tests import factories

TYPED = """\
Capital of France?{=Paris#Right, Paris. =%50%Lutetia#The Roman name: half.
####Paris is the capital.}

How many minutes is the first-response target?{#4:0.5#On target. ~#Look again at the SLA.}
"""
KEY = ["Right, Paris.", "Paris is the capital.", "Lutetia", "On target.", "Look again at the SLA."]


def typed_quiz(**rules):
    """A published quiz: one choice question and the two typed ones, with ``rules``."""
    quiz = factories.quiz_published(
        questions=[{"kind": "single", "choices": [("Yes", True, "Yes!"), ("No", False, "No.")]}],
        **rules,
    )
    draft = question_bank.question_bank_import(
        user=None, quiz=quiz, parse_result=gift.parse(TYPED), confirm=True
    ).version
    QuizVersion.objects.filter(pk=draft.pk).update(**rules)
    services.quiz_version_publish(version=draft)
    return quiz


def questions(attempt):
    version = attempt.quiz_version
    return (
        version.questions.get(kind="single"),
        version.questions.get(kind="short_answer"),
        version.questions.get(kind="numerical"),
    )


@pytest.fixture
def started(member):
    quiz = typed_quiz(review_when="immediately")
    return services.attempt_start(quiz=quiz, user=member)


def test_the_page_has_labelled_text_inputs_and_never_the_accepted_answers(client, member, started):
    client.force_login(member)
    html = client.get(f"/attempts/{started.pk}/").content.decode()
    _choice, short, number = questions(started)
    assert f'<label for="t-{short.pk}">Your answer</label>' in html
    assert f'<label for="t-{number.pk}">Your answer (a number)</label>' in html
    assert f'id="t-{number.pk}" name="t{number.pk}"' in html
    assert 'inputmode="decimal"' in html
    for secret in KEY:
        assert secret not in html


def test_typed_answers_autosave_like_choices(client, member, started):
    client.force_login(member)
    _choice, short, number = questions(started)
    url = f"/attempts/{started.pk}/answers/"
    saved = client.post(f"{url}{short.pk}/", {f"t{short.pk}": " paris "}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert "Saved at" in saved.content.decode()
    refused = client.post(f"{url}{number.pk}/", {f"t{number.pk}": "four"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400
    assert "Type a number, such as 12 or 1.5." in refused.content.decode()
    assert dict(
        Answer.objects.filter(attempt=started).values_list("question_id", "response_text")
    ) == {short.pk: "paris"}
    page = client.get(f"/attempts/{started.pk}/").content.decode()
    assert f'name="t{short.pk}" value="paris"' in page
    assert "1 of 3 answered" in page


def test_the_whole_form_saves_typed_answers_without_javascript(client, member, started):
    client.force_login(member)
    choice, short, number = questions(started)
    response = client.post(
        f"/attempts/{started.pk}/",
        {
            f"q{choice.pk}": str(choice.choices.first().pk),
            f"t{short.pk}": "Lutetia",
            f"t{number.pk}": "4,2",
            "save": "1",
        },
    )
    assert response.status_code == 302
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=started)}
    assert (answers[short.pk].response_text, answers[number.pk].response_text) == ("Lutetia", "4,2")
    services.attempt_submit(attempt=started)
    services.attempt_score(attempt_id=started.pk)
    started.refresh_from_db()
    credits = dict(Answer.objects.filter(attempt=started).values_list("question_id", "credit"))
    assert credits == {choice.pk: 1.0, short.pk: 0.5, number.pk: 1.0}
    assert started.score == 2.5


@pytest.mark.parametrize(
    ("target", "body", "field"),
    [
        ("single", {"text": "Yes"}, "choices"),
        ("short", {"choices": [1]}, "text"),
        ("number", {"text": "four"}, "text"),
        ("short", {"text": "x", "choices": []}, "non_field_errors"),
        ("short", {}, "non_field_errors"),
        ("short", {"text": "x" * 256}, "text"),
        ("short", {"text": ["a"]}, "text"),
    ],
    ids=["text-on-choices", "choices-on-text", "not-a-number", "both", "neither", "long", "list"],
)
def test_the_api_says_which_shape_a_question_wants(api_as, member, started, target, body, field):
    choice, short, number = questions(started)
    question = {"single": choice, "short": short, "number": number}[target]
    response = api_as(member).put(
        f"/api/v1/attempts/{started.pk}/answers/{question.pk}/", body, format="json"
    )
    assert response.status_code == 400, response.json()
    assert field in str(response.json())
    assert not Answer.objects.filter(attempt=started).exists()


def test_the_api_takes_text_and_shows_it_back_without_the_key(api_as, member, started):
    client = api_as(member)
    _choice, _short, number = questions(started)
    saved = client.put(
        f"/api/v1/attempts/{started.pk}/answers/{number.pk}/", {"text": "4.4"}, format="json"
    )
    assert saved.status_code == 200
    assert (saved.json()["text"], saved.json()["choices"]) == ("4.4", [])
    body = client.get(f"/api/v1/attempts/{started.pk}/").json()
    assert body["answer_texts"] == {str(number.pk): "4.4"}
    typed = [q for q in body["questions"] if q["kind"] in ("short_answer", "numerical")]
    assert [q["choices"] for q in typed] == [[], []]
    for secret in KEY:
        assert secret not in str(body)


def answer_and_score(quiz, member, texts):
    attempt = services.attempt_start(quiz=quiz, user=member)
    _choice, short, number = questions(attempt)
    services.answer_save(attempt=attempt, question_id=short.pk, text=texts[0])
    services.answer_save(attempt=attempt, question_id=number.pk, text=texts[1])
    services.attempt_submit(attempt=attempt)
    assert services.attempt_score(attempt_id=attempt.pk)
    return attempt


def test_the_review_shows_accepted_answers_feedback_and_general_feedback(client, member):
    quiz = typed_quiz(review_when="immediately")
    attempt = answer_and_score(quiz, member, ["paris", "9"])
    client.force_login(member)
    html = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
    for shown in ["Right, Paris.", "Paris is the capital.", "Lutetia", "Look again at the SLA."]:
        assert shown in html
    assert "50% of the mark" in html
    assert "4 ± 0.5" in html


def test_the_typed_key_waits_for_the_last_attempt(client, api_as, member):
    quiz = typed_quiz(review_when=QuizVersion.ReviewWhen.AFTER_LAST_ATTEMPT, attempts_allowed=2)
    first = answer_and_score(quiz, member, ["Rome", "9"])
    client.force_login(member)
    for body in (
        client.get(f"/attempts/{first.pk}/result/").content.decode(),
        str(api_as(member).get(f"/api/v1/attempts/{first.pk}/").json()),
    ):
        for secret in KEY:
            assert secret not in body
    answer_and_score(quiz, member, ["Rome", "9"])  # the last attempt opens both reviews
    review = api_as(member).get(f"/api/v1/attempts/{first.pk}/").json()["review"]
    short = next(item for item in review if item["kind"] == "short_answer")
    assert short["general_feedback"] == "Paris is the capital."
    assert [(c["text"], c["fraction"]) for c in short["choices"]] == [
        ("Paris", 1.0),
        ("Lutetia", 0.5),
    ]
    number = next(item for item in review if item["kind"] == "numerical")
    assert (number["your_text"], number["feedback"], number["credit"]) == (
        "9", "Look again at the SLA.", 0.0
    )  # fmt: skip


def test_explanations_without_correctness_never_show_the_accepted_answers(api_as, member):
    quiz = typed_quiz(review_when="immediately", review_correctness=False)
    attempt = answer_and_score(quiz, member, ["paris", "4"])
    review = api_as(member).get(f"/api/v1/attempts/{attempt.pk}/").json()["review"]
    short = next(item for item in review if item["kind"] == "short_answer")
    assert (short["feedback"], short["general_feedback"], short["choices"]) == (
        "Right, Paris.", "Paris is the capital.", []
    )  # fmt: skip
    assert "correct" not in short
    assert "Lutetia" not in str(review)


def test_publishing_needs_an_accepted_answer(quiz_published):
    quiz = quiz_published()
    draft = services.quiz_version_for_editing(quiz=quiz, unpublished=True)
    question = Question.objects.create(
        version=draft, position=4, text="How many?", kind="numerical"
    )
    assert "Question 4 needs at least one accepted answer." in services.quiz_version_problems(draft)
    question.choices.create(text="4", value=4, tolerance=0, fraction=1, is_correct=True)
    assert services.quiz_version_problems(draft) == []


def test_practice_draws_typed_questions_too(member):
    """Practice takes every kind of question; a typed one's accepted answers stay hidden until
    it is answered (``tests/practice/test_banks.py``)."""
    from practice.selectors import question_skills

    quiz = typed_quiz(review_when="immediately")
    version = quiz.versions.order_by("-number").first()
    skill = factories.SkillFactory.create(slug="geography")
    for question in version.questions.all():
        question.skills.add(skill)
    picked = question_skills([version.pk])[version.pk][skill.pk]
    assert picked == sorted(version.questions.values_list("pk", flat=True))
