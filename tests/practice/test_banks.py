"""Practice from day one: practice banks, sets that follow the day, partial credit scored as a
quiz scores it, typed answers, and questions in the learner's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import selectors as assessments_selectors
from assessments import services as assessments_services
from assessments.models import (
    Answer,
    Attempt,
    Choice,
    ChoiceTranslation,
    Question,
    QuestionTranslation,
    Quiz,
)
from core.errors import DomainError, ValidationFailed
from courses.selectors import assignable_quizzes, assignment_target_get
from practice import selectors, services
from practice.models import PracticeAnswer, PracticeSet
from practice.scheduling import rating_for
from tests import factories
from tests.practice.conftest import bank, questions_of, taken

pytestmark = pytest.mark.usefixtures("practice_settings")


def practice_bank(skill, count, **rules):
    return bank(skill, count, purpose="practice", **rules)


def today_ids(user, now=None):
    return services.practice_today_ensure(user=user, now=now).question_ids


# --- banks ---------------------------------------------------------------------------------------


def test_a_bank_is_practised_from_day_one_by_every_learner(member, team, catalogue):
    newcomer = factories.UserFactory.create(name="Nina New")
    factories.MembershipFactory.create(user=newcomer, team=team)
    drill = practice_bank(catalogue["escalations"], 3)
    assert not Attempt.objects.exists()  # nobody took anything
    for person in (member, newcomer):
        assert sorted(today_ids(person)) == sorted(questions_of(drill))


def test_a_bank_is_never_a_quiz_to_take_assign_or_send(member, lead, catalogue):
    drill = practice_bank(catalogue["escalations"], 2)
    quiz = bank(catalogue["escalations"], 2)
    assert list(assessments_selectors.quizzes_list(user=member)) == [quiz]
    assert list(assessments_selectors.quizzes_for_invitations()) == [quiz]
    assert list(assignable_quizzes()) == [quiz]
    with pytest.raises(DomainError):
        assessments_selectors.quiz_version_for_start(user=member, quiz_id=drill.pk)
    with pytest.raises(DomainError):
        assignment_target_get(quiz_id=drill.pk)


def test_bank_pages_and_api_answer_404_to_a_taker(client, api_as, member, catalogue):
    drill = practice_bank(catalogue["escalations"], 2)
    client.force_login(member)
    assert client.get(f"/quizzes/{drill.slug}/").status_code == 404
    api = api_as(member)
    assert api.get(f"/api/v1/quizzes/{drill.pk}/").status_code == 404
    assert api.post(f"/api/v1/quizzes/{drill.pk}/attempts/").status_code == 404
    listed = api.get("/api/v1/quizzes/").json()
    assert drill.pk not in [row["id"] for row in listed["results"]]


def test_a_bank_question_without_a_skill_refuses_to_publish(catalogue):
    drill = Quiz.objects.create(slug="drill", title="Drill", purpose=Quiz.Purpose.PRACTICE)
    version = assessments_services.quiz_version_create(quiz=drill)
    question = assessments_services.question_save(
        question=Question(version=version, position=1, text="Which?")
    )
    Choice.objects.create(question=question, position=1, text="A", is_correct=True)
    Choice.objects.create(question=question, position=2, text="B", is_correct=False)
    with pytest.raises(ValidationFailed) as refused:
        assessments_services.quiz_version_publish(version=version)
    assert "Question 1 needs a skill" in refused.value.message
    question.skills.set([catalogue["escalations"]])
    assessments_services.quiz_version_publish(version=version)  # with a skill it publishes


def test_an_unpublished_bank_gives_nothing(member, catalogue):
    drill = practice_bank(catalogue["escalations"], 2)
    Quiz.objects.filter(pk=drill.pk).update(is_published=False)
    assert today_ids(member) == []


def test_someone_in_no_team_is_told_why_there_is_no_practice(client, api_as, catalogue):
    practice_bank(catalogue["escalations"], 2)
    loner = factories.UserFactory.create(name="Lone Wolf")
    body = api_as(loner).get("/api/v1/practice/today/").json()
    assert body["total"] == 0
    assert body["reason"] == "no_team"
    client.force_login(loner)
    assert b"Practice is for members of a team" in client.get("/practice/").content


def test_a_learner_with_nothing_to_draw_from_is_told_what_feeds_practice(api_as, member):
    body = api_as(member).get("/api/v1/practice/today/").json()
    assert (body["total"], body["reason"]) == (0, "nothing_yet")


# --- sets that follow the day ---------------------------------------------------------------------


def test_finishing_a_quiz_at_noon_brings_its_questions_the_same_day(member, catalogue, settings):
    settings.PRACTICE_SET_SIZE = 4
    drill = practice_bank(catalogue["escalations"], 2)
    quiz = bank(catalogue["metrics"], 3)
    morning = today_ids(member)
    assert sorted(morning) == sorted(questions_of(drill))
    first = morning[0]
    services.practice_answer(
        user=member,
        question_id=first,
        choice_ids=[Choice.objects.get(question_id=first, is_correct=True).pk],
    )
    taken(member, quiz)  # finished at noon
    afternoon = today_ids(member)
    assert afternoon[0] == first  # what was answered stays, in its place
    assert len(afternoon) == 4
    assert set(afternoon) & set(questions_of(quiz))  # the quiz's questions come the same day
    assert PracticeAnswer.objects.get().question_id == first
    assert PracticeSet.objects.count() == 1


def test_a_bank_published_later_in_the_day_refills_the_set(member, catalogue):
    early = practice_bank(catalogue["escalations"], 1)
    assert today_ids(member) == questions_of(early)
    late = practice_bank(catalogue["metrics"], 2)
    assert sorted(today_ids(member)) == sorted(questions_of(early) + questions_of(late))


def test_starting_a_quiz_takes_its_questions_out_and_finishing_brings_them_back(member, catalogue):
    quiz = bank(catalogue["metrics"], 2)
    taken(member, quiz)
    assert sorted(today_ids(member)) == sorted(questions_of(quiz))
    second_try = taken(member, quiz, status="in_progress")
    assert today_ids(member) == []
    Attempt.objects.filter(pk=second_try.pk).update(status="scored")
    assert sorted(today_ids(member)) == sorted(questions_of(quiz))


def test_a_set_that_is_not_stale_is_not_rebuilt(member, catalogue):
    practice_bank(catalogue["escalations"], 2)
    built = services.practice_today_ensure(user=member)
    again = services.practice_today_ensure(user=member, now=timezone.now() + timedelta(minutes=5))
    assert again.built_at == built.built_at
    assert services.practice_sets_build() == 0


def test_the_page_and_the_api_agree_after_a_refill(client, api_as, member, catalogue):
    practice_bank(catalogue["escalations"], 1)
    client.force_login(member)
    client.get("/practice/")
    quiz = bank(catalogue["metrics"], 2)
    taken(member, quiz)
    page = client.get("/practice/")
    api = api_as(member).get("/api/v1/practice/today/").json()
    assert [q.pk for q in page.context["today"].questions] == [q["id"] for q in api["questions"]]
    assert api["total"] == 3


# --- scored as the quiz scores it ---------------------------------------------------------


def _engine_credit(user, quiz, question, *, choices=(), text=""):
    """The credit the quiz engine gives the same answer on an attempt."""
    version = quiz.versions.get()
    attempt = Attempt.objects.create(
        quiz=quiz,
        quiz_version=version,
        user=user,
        seed=1,
        status=Attempt.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    Answer.objects.create(
        attempt=attempt, question=question, choice_ids=list(choices), response_text=text
    )
    assessments_services.attempt_score(attempt_id=attempt.pk)
    return Answer.objects.get(attempt=attempt).credit


PARTIAL = [
    pytest.param(
        "single",
        [
            {"text": "Full", "is_correct": True, "fraction": 1.0},
            {"text": "Half", "is_correct": False, "fraction": 0.5},
            {"text": "None", "is_correct": False, "fraction": 0.0},
        ],
        ["Half"],
        "",
        0.5,
        id="a 50% option",
    ),
    pytest.param(
        "multiple",
        [
            {"text": "Most", "is_correct": True, "fraction": 0.8},
            {"text": "Some", "is_correct": True, "fraction": 0.2},
            {"text": "Wrong", "is_correct": False, "fraction": -1.0},
        ],
        ["Most"],
        "",
        0.8,
        id="an 80/20 multiple-response pick",
    ),
    pytest.param(
        "short_answer",
        [
            {"text": "supervisor", "is_correct": True, "fraction": 1.0},
            {"text": "manager", "is_correct": True, "fraction": 0.5},
        ],
        [],
        "  Manager ",
        0.5,
        id="a short answer worth half",
    ),
    pytest.param(
        "numerical",
        [
            {"text": "", "is_correct": True, "fraction": 1.0, "value": 80.0, "tolerance": 0.0},
            {"text": "", "is_correct": True, "fraction": 0.5, "value": 80.0, "tolerance": 5.0},
        ],
        [],
        "77,5",
        0.5,
        id="a number near enough for half",
    ),
]


@pytest.mark.parametrize(("kind", "choices", "picked", "text", "credit"), PARTIAL)
def test_practice_credit_is_the_quiz_engines(
    member, lead, catalogue, kind, choices, picked, text, credit
):
    quiz = factories.quiz_published(
        questions=[{"kind": kind, "skills": [catalogue["escalations"]], "choices": choices}],
        purpose="practice",
    )
    question = Question.objects.get(version__quiz=quiz)
    chosen = list(
        Choice.objects.filter(question=question, text__in=picked).values_list("pk", flat=True)
    )
    assert today_ids(member) == [question.pk]
    feedback = services.practice_answer(
        user=member, question_id=question.pk, choice_ids=chosen, response_text=text
    )
    assert feedback.answer.credit == pytest.approx(credit)
    assert feedback.answer.credit == pytest.approx(
        _engine_credit(lead, quiz, question, choices=chosen, text=text)
    )
    body = selectors.answer_as_dict(feedback.question, feedback.answer)
    assert body["partly"] is True
    assert body["correct"] is False


def test_fsrs_rates_credit_by_the_documented_rule():
    assert [rating_for(c).name for c in (1.0, 0.8, 0.5, 0.01, 0.0)] == [
        "Good",
        "Hard",
        "Hard",
        "Hard",
        "Again",
    ]


def test_a_typed_question_hides_its_accepted_answers_until_answered(api_as, member, catalogue):
    factories.quiz_published(
        questions=[
            {
                "kind": "short_answer",
                "skills": [catalogue["escalations"]],
                "choices": [{"text": "supervisor", "is_correct": True, "fraction": 1.0}],
            }
        ],
        purpose="practice",
    )
    api = api_as(member)
    question = api.get("/api/v1/practice/today/").json()["questions"][0]
    assert question["kind"] == "short_answer"
    assert question["choices"] == []
    assert "supervisor" not in str(question)
    blank = api.post("/api/v1/practice/answers/", {"question": question["id"]}, format="json")
    assert blank.status_code == 400
    assert "response" in blank.json()["errors"]
    too_long = api.post(
        "/api/v1/practice/answers/",
        {"question": question["id"], "response": "x" * 256},
        format="json",
    )
    assert too_long.status_code == 400
    answered = api.post(
        "/api/v1/practice/answers/",
        {"question": question["id"], "response": "Supervisor"},
        format="json",
    )
    assert answered.status_code == 201
    assert answered.json()["correct"] is True
    assert answered.json()["response"] == "Supervisor"
    assert PracticeAnswer.objects.count() == 1  # the refused answers saved nothing


def test_the_page_takes_a_typed_answer_and_says_partly_right(client, member, catalogue):
    factories.quiz_published(
        questions=[
            {
                "kind": "short_answer",
                "skills": [catalogue["escalations"]],
                "choices": [
                    {"text": "supervisor", "is_correct": True, "fraction": 1.0},
                    {"text": "manager", "is_correct": True, "fraction": 0.5},
                ],
            }
        ],
        purpose="practice",
    )
    client.force_login(member)
    page = client.get("/practice/")
    assert b'name="response"' in page.content
    assert b"supervisor" not in page.content
    qid = page.context["current"].pk
    response = client.post("/practice/answer/", {"question": qid, "response": "manager"})
    feedback = client.get(response["Location"])
    assert b"Partly right" in feedback.content
    assert b"supervisor" in feedback.content  # the accepted answers, after answering


# --- in the learner's language ----------------------------------------------------------


def test_a_polish_learner_practises_a_bank_in_polish(client, member, catalogue):
    member.language = "pl"
    member.save(update_fields=["language"])
    quiz = factories.quiz_published(
        questions=[
            {
                "kind": "short_answer",
                "skills": [catalogue["escalations"]],
                "choices": [{"text": "supervisor", "is_correct": True, "fraction": 1.0}],
            }
        ],
        purpose="practice",
    )
    question = Question.objects.get(version__quiz=quiz)
    QuestionTranslation.objects.create(
        question=question,
        language="pl",
        text="Komu przekazujesz?",
        text_html="<p>Komu przekazujesz?</p>",
    )
    ChoiceTranslation.objects.create(choice=question.choices.get(), language="pl", text="kierownik")
    client.force_login(member)
    page = client.get("/practice/")
    assert "Komu przekazujesz?" in page.content.decode()
    services.practice_answer(user=member, question_id=question.pk, response_text="Kierownik")
    assert PracticeAnswer.objects.get().credit == 1.0  # matched in the language it was shown in


def test_the_lead_sees_which_skills_have_no_practice_questions(client, lead, team, catalogue):
    practice_bank(catalogue["escalations"], 1)
    bank(catalogue["metrics"], 1)  # a quiz is not a bank: metrics is still uncovered
    assert [s.slug for s in selectors.skills_without_bank_questions()] == ["kpi-literacy"]
    client.force_login(lead)
    page = client.get(f"/practice/teams/{team.pk}/").content.decode()
    assert "Skills without practice questions" in page
    assert "Service metrics" in page


BANK_GIFT = """$CATEGORY: $course$/top/escalations

::Owner:: Who owns an escalated case? {=the agent who took it ~the lead ~the customer}

::Partial:: Which answer is best? {=Full ~%50%Half ~None}

$CATEGORY: $course$/top/somewhere-else

::Loose:: A question with no skill {=A ~B}
"""


def test_a_bank_is_imported_from_gift_categories_and_published_into_practice_the_same_day(
    member, catalogue
):
    from assessments import question_bank
    from assessments.formats import gift

    drill = Quiz.objects.create(slug="drill", title="Drill", purpose=Quiz.Purpose.PRACTICE)
    outcome = question_bank.question_bank_import(
        user=None, quiz=drill, parse_result=gift.parse(BANK_GIFT), confirm=True
    )
    assert outcome.created == 2
    (problem,) = outcome.plan.problems
    assert problem.line == 9
    assert "needs a skill" in problem.message
    assert today_ids(member) == []  # a draft is not practised
    assessments_services.quiz_version_publish(version=outcome.version)
    assert sorted(today_ids(member)) == sorted(questions_of(drill))
    half = Choice.objects.get(question__version__quiz=drill, text="Half")
    feedback = services.practice_answer(
        user=member, question_id=half.question_id, choice_ids=[half.pk]
    )
    assert feedback.answer.credit == 0.5  # GIFT's ~%50%, as the quiz engine scores it
    body = selectors.answer_as_dict(feedback.question, feedback.answer)
    assert body["partly"] is True
    assert body["right_choices"] == [Choice.objects.get(question=half.question, text="Full").pk]


def test_a_numerical_answer_that_is_no_number_is_refused_as_a_quiz_refuses_it(
    api_as, member, catalogue
):
    factories.quiz_published(
        questions=[
            {
                "kind": "numerical",
                "skills": [catalogue["escalations"]],
                "choices": [{"text": "", "is_correct": True, "fraction": 1.0, "value": 30.0}],
            }
        ],
        purpose="practice",
    )
    api = api_as(member)
    question = api.get("/api/v1/practice/today/").json()["questions"][0]
    refused = api.post(
        "/api/v1/practice/answers/",
        {"question": question["id"], "response": "thirty"},
        format="json",
    )
    assert refused.status_code == 400
    assert refused.json()["errors"]["response"] == ["Type a number, such as 12 or 1.5."]
    assert not PracticeAnswer.objects.exists()


def test_a_question_added_to_a_published_bank_in_place_reaches_todays_set(member, catalogue):
    """The editor edits a version nobody took in place: a bank's, always."""
    drill = practice_bank(catalogue["escalations"], 1)
    assert today_ids(member) == questions_of(drill)
    version = drill.versions.get()
    added = assessments_services.question_save(
        question=Question(version=version, position=2, text="One more")
    )
    added.skills.set([catalogue["escalations"]])
    Choice.objects.create(question=added, position=1, text="A", is_correct=True)
    Choice.objects.create(question=added, position=2, text="B", is_correct=False)
    assert sorted(today_ids(member)) == sorted(questions_of(drill))
