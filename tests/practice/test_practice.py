"""Building daily sets, answering, evidence, hidden questions, nudges, the API and the leads'
pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from core.errors import DomainError
from courses.models import Assignment
from notifications.models import Notification
from notifications.reminders import reminders_send_due
from practice import selectors, services
from practice.models import PracticeAnswer, PracticeCard, PracticePreference, PracticeSet
from practice.tasks import build_sets
from qa.models import QAFinding
from skills.models import SkillEvidence, SkillProficiency
from tests import factories
from tests.practice.conftest import bank, questions_of, taken

pytestmark = pytest.mark.usefixtures("practice_settings")


def today_ids(user, now=None):
    return services.practice_today_ensure(user=user, now=now).question_ids


def finding(agent, skill, n, when=None):
    return QAFinding.objects.create(
        agent=agent,
        interaction_ref=f"T-{n}",
        criterion="Escalated correctly",
        skill=skill,
        occurred_at=when or timezone.now() - timedelta(days=1),
    )


# --- what may be practised ----------------------------------------------------------------------


def test_questions_of_quizzes_not_taken_or_being_taken_never_appear(member, catalogue):
    escalations, metrics = catalogue["escalations"], catalogue["metrics"]
    done = bank(escalations, 3)
    untaken = bank(escalations, 3)
    open_now = bank(metrics, 3)
    assigned = bank(metrics, 3)
    hidden = bank(metrics, 3, review_when="never")
    taken(member, done)
    taken(member, open_now)
    taken(member, open_now, status="in_progress")
    taken(member, assigned)
    Assignment.objects.create(
        user=member, kind="quiz", quiz=assigned, source="manual", status="open"
    )
    taken(member, hidden)
    chosen = today_ids(member)
    assert sorted(chosen) == sorted(questions_of(done))
    for quiz in (untaken, open_now, assigned, hidden):
        assert not set(chosen) & set(questions_of(quiz))


def test_a_quiz_opened_after_the_set_was_built_is_hidden_when_served(member, catalogue):
    quiz = bank(catalogue["escalations"], 3)
    taken(member, quiz)
    practice_set = services.practice_today_ensure(user=member)
    assert len(practice_set.question_ids) == 3
    taken(member, quiz, status="in_progress")
    assert selectors.practice_today(user=member, practice_set=practice_set).questions == []
    with pytest.raises(Exception, match="not found"):
        services.practice_answer(
            user=member, question_id=practice_set.question_ids[0], choice_ids=[1]
        )


def test_after_last_attempt_review_waits_for_the_last_attempt(member, catalogue):
    quiz = bank(catalogue["escalations"], 2, review_when="after_last", attempts_allowed=2)
    taken(member, quiz)
    assert today_ids(member) == []  # one attempt left: answers still hidden
    PracticeSet.objects.all().delete()
    taken(member, quiz)
    assert sorted(today_ids(member)) == sorted(questions_of(quiz))


def test_a_fresh_finding_brings_that_skills_questions(member, catalogue, practice_settings):
    practice_settings.PRACTICE_SET_SIZE = 3
    escalations, metrics = catalogue["escalations"], catalogue["metrics"]
    esc, met = bank(escalations, 5), bank(metrics, 5)
    taken(member, esc)
    taken(member, met)
    # both skills known equally well (same evidence), so only the finding tells them apart
    now = timezone.now()
    for skill in (escalations, metrics):
        SkillProficiency.objects.create(
            user=member, skill=skill, alpha=6, beta=2, anchor_day=0, evidence_count=8
        )
        SkillProficiency.objects.filter(user=member).update(
            anchor_day=__import__("skills.skill_model", fromlist=["x"]).day_number(now)
        )
    finding(member, escalations, 1)
    chosen = today_ids(member, now)
    # escalations 1.5× the priority: esc, esc (halved .75 ≥ .5?) → esc, met, esc
    assert sum(q in questions_of(esc) for q in chosen) == 2
    assert sum(q in questions_of(met) for q in chosen) == 1


def test_practice_can_listen_to_some_finding_sources_only(member, catalogue, settings):
    escalations, metrics = catalogue["escalations"], catalogue["metrics"]
    finding(member, escalations, 1)  # recorded on the page (source "page")
    QAFinding.objects.filter(agent=member).update(source=QAFinding.Source.PAGE)
    reviewed = finding(member, metrics, 2)
    QAFinding.objects.filter(pk=reviewed.pk).update(source=QAFinding.Source.REVIEW)
    now = timezone.now()

    def counts():
        return selectors.recent_findings(user_ids=[member.pk], now=now)[member.pk]

    assert counts() == {escalations.pk: 1, metrics.pk: 1}  # by default: every source
    settings.PRACTICE_FINDING_SOURCES = ["review", "webhook"]
    assert counts() == {metrics.pk: 1}
    settings.PRACTICE_FINDING_SOURCES = ["page"]
    assert counts() == {escalations.pk: 1}


# --- building ------------------------------------------------------------------------------------


def test_build_is_idempotent_and_per_local_day(member, lead, catalogue):
    quiz = bank(catalogue["escalations"], 3)
    taken(member, quiz)
    member.time_zone = "Pacific/Auckland"
    member.save()
    now = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)  # already 3 March in Auckland
    assert services.practice_sets_build(now=now) == 1  # the lead is not a learner
    assert services.practice_sets_build(now=now) == 0
    assert PracticeSet.objects.get(user=member).day.isoformat() == "2026-03-03"
    assert build_sets.apply().get() >= 0  # the task runs the same service


def test_build_statements_are_constant_per_batch(team, catalogue, assert_queries):
    quiz = bank(catalogue["escalations"], 4)
    people = []
    for _ in range(8):
        person = factories.UserFactory.create()
        factories.MembershipFactory.create(user=person, team=team)
        taken(person, quiz)
        people.append(person)
    # 9 learners (the catalogue's member too): 3 statements before the batches (versions,
    # questions, people) + 6 per batch, whatever the batch's size
    with assert_queries(3 + 6 * 2):
        assert services.practice_sets_build(batch=5) == 9
    PracticeSet.objects.all().delete()
    with assert_queries(3 + 6 * 1):
        assert services.practice_sets_build(batch=9) == 9


def test_due_reviews_come_first(member, catalogue):
    quiz = bank(catalogue["escalations"], 8)
    taken(member, quiz)
    ids = questions_of(quiz)
    now = timezone.now()
    PracticeCard.objects.create(
        user=member, question_id=ids[7], state=2, due_at=now - timedelta(hours=1)
    )
    PracticeCard.objects.create(
        user=member, question_id=ids[6], state=2, due_at=now - timedelta(days=2)
    )
    PracticeCard.objects.create(
        user=member, question_id=ids[5], state=2, due_at=now + timedelta(days=9)
    )
    chosen = today_ids(member, now)
    assert chosen[:2] == [ids[6], ids[7]]
    assert ids[5] not in chosen  # not due, and not new
    assert len(chosen) == 5


# --- answering -----------------------------------------------------------------------------------


def test_answer_gives_feedback_moves_the_card_and_records_lower_weight_evidence(
    member, catalogue, django_capture_on_commit_callbacks
):
    quiz = bank(catalogue["escalations"], 1, weight=2.0)
    taken(member, quiz)
    (qid,) = today_ids(member)
    question = quiz.versions.first().questions.get()
    right = question.choices.get(is_correct=True)
    with django_capture_on_commit_callbacks(execute=True):
        feedback = services.practice_answer(user=member, question_id=qid, choice_ids=[right.pk])
    assert feedback.answer.correct is True
    assert feedback.right_choice_ids == [right.pk]
    assert {e[3] for e in feedback.explanations} == {"Because 0.", "Not 0."}
    card = PracticeCard.objects.get(user=member, question_id=qid)
    assert card.reviews == 1
    assert card.due_at >= feedback.answer.answered_at + timedelta(days=1)
    evidence = SkillEvidence.objects.get(user=member, source="practice")
    assert evidence.weight == pytest.approx(2.0 * 0.25)
    assert evidence.outcome == 1.0
    assert evidence.source_id == feedback.answer.pk
    proficiency = SkillProficiency.objects.get(user=member, skill=catalogue["escalations"])
    assert proficiency.alpha == pytest.approx(0.5, abs=1e-3)
    from skills.selectors import evidence_label

    assert "lower weight" in evidence_label(evidence)


def test_answer_once_and_only_own_choices(member, catalogue):
    quiz = bank(catalogue["escalations"], 1)
    other = bank(catalogue["metrics"], 1)
    taken(member, quiz)
    (qid,) = today_ids(member)
    foreign = other.versions.first().questions.get().choices.first()
    with pytest.raises(DomainError, match="Choose among") as refused:
        services.practice_answer(user=member, question_id=qid, choice_ids=[foreign.pk])
    assert refused.value.code == "not_in_set"
    wrong = quiz.versions.first().questions.get().choices.get(is_correct=False)
    services.practice_answer(user=member, question_id=qid, choice_ids=[wrong.pk])
    with pytest.raises(Exception, match="already been answered"):
        services.practice_answer(user=member, question_id=qid, choice_ids=[wrong.pk])
    assert PracticeAnswer.objects.count() == 1
    assert PracticeCard.objects.get().due_at < timezone.now() + timedelta(days=2)


# --- API -----------------------------------------------------------------------------------------


def test_api_today_and_answers(api_as, api_client, member, lead, catalogue):
    quiz = bank(catalogue["escalations"], 2)
    taken(member, quiz)
    client = api_as(member)
    today = client.get("/api/v1/practice/today/")
    assert today.status_code == 200
    body = today.json()
    assert body["total"] == 2
    assert body["answered"] == 0
    first = body["questions"][0]
    assert first["skills"] == ["Escalation handling"]
    assert "correct" not in first["choices"][0]
    right = next(c["id"] for c in first["choices"] if "right" in c["text"])
    answered = client.post(
        "/api/v1/practice/answers/", {"question": first["id"], "choices": [right]}, format="json"
    )
    assert answered.status_code == 201, answered.json()
    assert answered.json()["correct"] is True
    assert answered.json()["interval_days"] >= 1
    again = client.post(
        "/api/v1/practice/answers/", {"question": first["id"], "choices": [right]}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    missing = client.post(
        "/api/v1/practice/answers/", {"question": 999999, "choices": [right]}, format="json"
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    bad = client.post(
        "/api/v1/practice/answers/", {"question": "x", "choices": ["y"]}, format="json"
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"question", "choices"}
    # the lead has no such question in their own practice
    assert (
        api_as(lead)
        .post(
            "/api/v1/practice/answers/",
            {"question": first["id"], "choices": [right]},
            format="json",
        )
        .status_code
        == 404
    )
    assert api_client.get("/api/v1/practice/today/").status_code == 401
    after = client.get("/api/v1/practice/today/").json()
    assert after["answered"] == 1
    assert after["questions"][0]["answer"]["correct"] is True


@pytest.mark.parametrize("count", [2, 5])
def test_serving_today_is_at_most_eight_statements(member, catalogue, assert_queries, count):
    """Three to find today's set and check it is not stale, four to serve it, one for the SOPs
    that explain the answered question."""
    quiz = bank(catalogue["escalations"], count)
    taken(member, quiz)
    practice_set = services.practice_today_ensure(user=member)
    first = practice_set.question_ids[0]
    services.practice_answer(
        user=member,
        question_id=first,
        choice_ids=[quiz.versions.first().questions.get(pk=first).choices.first().pk],
    )
    with assert_queries(8):
        found = services.practice_today_ensure(user=member)
        today = selectors.practice_today(user=member, practice_set=found)
        body = selectors.today_as_dict(today)
    assert body["total"] == count
    assert body["answered"] == 1


# --- nudges --------------------------------------------------------------------------------------


def _sweep(at):
    return reminders_send_due(now=at)


def test_nudge_once_per_day_at_the_chosen_hour(member, catalogue, team):
    quiz = bank(catalogue["escalations"], 2)
    taken(member, quiz)
    member.time_zone = "Europe/Berlin"
    member.save()
    morning = datetime(2026, 3, 2, 6, 5, tzinfo=UTC)  # 07:05 in Berlin
    services.practice_sets_build(now=morning)
    _sweep(morning)
    assert not Notification.objects.filter(kind="practice_ready").exists()  # before 09:00
    nine = morning + timedelta(hours=2)
    _sweep(nine)
    _sweep(nine + timedelta(hours=1))
    nudges = Notification.objects.filter(user=member, kind="practice_ready")
    assert nudges.count() == 1
    assert nudges.get().url == "/practice/"
    next_day = nine + timedelta(days=1)
    services.practice_sets_build(now=next_day)
    _sweep(next_day)
    assert nudges.count() == 2


def test_nudge_respects_opt_out_and_is_off_for_non_learners(member, catalogue, team):
    quiz = bank(catalogue["escalations"], 1)
    candidate_like = factories.UserFactory.create()  # no team: not a learner
    taken(member, quiz)
    taken(candidate_like, quiz)
    at = datetime(2026, 3, 2, 12, 5, tzinfo=UTC)
    PracticeSet.objects.create(user=candidate_like, day=at.date(), question_ids=questions_of(quiz))
    services.practice_preference_set(user=member, nudge=False, nudge_hour=9)
    services.practice_sets_build(now=at)
    _sweep(at)
    assert not Notification.objects.filter(kind="practice_ready").exists()
    services.practice_preference_set(user=candidate_like, nudge=True, nudge_hour=12)
    _sweep(at)
    assert list(
        Notification.objects.filter(kind="practice_ready").values_list("user", flat=True)
    ) == [candidate_like.pk]


def test_preference_page_saves_and_rejects_a_bad_hour(client, member):
    client.force_login(member)
    page = client.get("/practice/settings/")
    assert page.status_code == 200
    assert b'name="nudge"' in page.content
    assert client.post("/practice/settings/", {"nudge_hour": "25"}).status_code == 200
    assert not PracticePreference.objects.exists()
    assert client.post("/practice/settings/", {"nudge_hour": "7"}).status_code == 302
    assert PracticePreference.objects.get(user=member).nudge is False


# --- pages ---------------------------------------------------------------------------------------


def test_practice_page_one_question_then_feedback(client, member, catalogue):
    quiz = bank(catalogue["escalations"], 2)
    taken(member, quiz)
    client.force_login(member)
    page = client.get("/practice/")
    assert page.status_code == 200
    assert page.content.count(b'name="choices"') == 2  # one question: its two choices
    qid = page.context["current"].pk
    wrong = page.context["current"].choices.get(is_correct=False).pk
    response = client.post("/practice/answer/", {"question": qid, "choices": [wrong]})
    assert response.status_code == 302
    assert f"answered={qid}" in response["Location"]
    feedback = client.get(response["Location"])
    assert b'aria-live="polite"' in feedback.content
    assert b"Not quite" in feedback.content
    assert b"Because" in feedback.content  # the explanation of the right answer
    assert client.post("/practice/answer/", {"question": "abc"}).status_code == 404
    again = client.post("/practice/answer/", {"question": qid, "choices": [wrong]})
    assert again.status_code == 302  # already answered: a message, not a 500


def test_lead_pages_adherence_trajectory_and_scope(client, lead, member, outsider, team, catalogue):
    quiz = bank(catalogue["escalations"], 2)
    taken(member, quiz)
    now = timezone.now()
    for days_ago in (1, 3, 40):
        practice_set = PracticeSet.objects.create(
            user=member,
            day=(now - timedelta(days=days_ago)).date(),
            question_ids=questions_of(quiz),
        )
        PracticeAnswer.objects.create(
            set=practice_set,
            question_id=questions_of(quiz)[0],
            credit=1,
            correct=True,
            answered_at=now - timedelta(days=days_ago),
        )
    SkillEvidence.objects.create(
        user=member,
        skill=catalogue["escalations"],
        outcome=0,
        weight=1,
        source="qa_finding",
        source_id=1,
        occurred_at=now - timedelta(days=30),
        occurred_day=0,
    )
    client.force_login(lead)
    page = client.get(f"/practice/teams/{team.pk}/")
    assert page.status_code == 200
    (row,) = page.context["rows"]
    assert row.days_practised == 2  # the answer 40 days ago is outside the 28 days
    trajectory = client.get(f"/practice/teams/{team.pk}/members/{member.pk}/")
    assert trajectory.status_code == 200
    assert b"<svg" in trajectory.content
    assert b'role="img"' in trajectory.content
    # Numbers in the drawing are never localized: a Polish lead's chart ("122,0" drew nothing).
    lead.language = "pl"
    lead.save(update_fields=["language"])
    polish = client.get(f"/practice/teams/{team.pk}/members/{member.pk}/").content.decode()
    start = polish.index('<svg class="trajectory-chart"')
    svg = polish[start : polish.index("</svg>", start)]
    numbers = re.findall(r'\s(?:x|y|x1|x2|y1|y2|cx|cy|r)="([^"]*)"', svg)
    assert numbers
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", n) for n in numbers), numbers
    path = re.search(r'<path d="([^"]*)"', svg).group(1)
    assert re.fullmatch(r"(?:[ML]-?\d+(?:\.\d+)?,-?\d+(?:\.\d+)?\s?)+", path), path
    client.force_login(outsider)
    assert client.get(f"/practice/teams/{team.pk}/").status_code == 404
    assert client.get(f"/practice/teams/{team.pk}/members/{member.pk}/").status_code == 404
    client.force_login(member)
    assert client.get(f"/practice/teams/{team.pk}/").status_code == 404


@pytest.mark.parametrize("members", [2, 6])
def test_adherence_page_query_count(client, lead, team, catalogue, assert_queries, members):
    for _ in range(members):
        person = factories.UserFactory.create()
        factories.MembershipFactory.create(user=person, team=team, role=Membership.Role.MEMBER)
        PracticeSet.objects.create(user=person, day=timezone.now().date(), question_ids=[])
    client.force_login(lead)
    client.get("/practice/")  # warm the session
    # + the nudge hold-out's groups (1), the skills no bank covers (2), and whether the lead
    # may import a bank (their permissions: 2)
    with assert_queries(12):
        assert client.get(f"/practice/teams/{team.pk}/").status_code == 200


def test_practice_effect_counts_findings_per_agent_week_before_and_after(
    lead, member, team, catalogue
):
    escalations = catalogue["escalations"]
    quiz = bank(escalations, 1)
    now = timezone.now()
    start = now - timedelta(days=40)
    practice_set = PracticeSet.objects.create(
        user=member, day=start.date(), question_ids=questions_of(quiz)
    )
    PracticeAnswer.objects.create(
        set=practice_set,
        question_id=questions_of(quiz)[0],
        credit=0,
        correct=False,
        answered_at=start,
    )
    for n, days in enumerate((-20, -10, -5, -1, 3)):  # 4 before, 1 after
        finding(member, escalations, n, when=start + timedelta(days=days))
    (effect,) = selectors.practice_effect(team=team, now=now)
    assert effect.agents == 1
    assert effect.before == pytest.approx(4 / 4)  # 4 findings in 4 weeks
    assert effect.after == pytest.approx(1 / 4)


def test_the_practice_effect_stands_beside_the_training_effect_on_the_skills_page(
    client, lead, member, team, catalogue
):
    escalations = catalogue["escalations"]
    quiz = bank(escalations, 1)
    start = timezone.now() - timedelta(days=40)
    practice_set = PracticeSet.objects.create(
        user=member, day=start.date(), question_ids=questions_of(quiz)
    )
    PracticeAnswer.objects.create(
        set=practice_set,
        question_id=questions_of(quiz)[0],
        credit=0,
        correct=False,
        answered_at=start,
    )
    for n, days in enumerate((-20, -10, -5, -1, 3)):
        finding(member, escalations, n, when=start + timedelta(days=days))
    client.force_login(lead)
    page = client.get(f"/teams/{team.pk}/skills/").content.decode()
    working = page[page.index('id="effect-h"') :]
    assert "Is practice working?" in working
    row = working[working.index("Escalation handling") :]
    assert "<td>1</td><td>1.00</td><td>0.25</td>" in row.replace("\n", "")
