"""Scoring in batches: one task scores its attempt and the others waiting, with a fixed number
of statements; the tasks of those others find them scored. Everything a single scoring did
(credits, bands, evidence, follow-up training, onboarding steps, notifications) still happens
exactly once per attempt."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from assessments import services
from assessments.models import Answer, Attempt, Question
from assessments.services import grading
from assessments.tasks import score_attempt_task
from courses.models import Assignment
from notifications.models import Notification
from notifications.selectors import notification_title
from onboarding import services as onboarding_services
from skills.models import SkillEvidence
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(team, lead):
    """A quiz of three questions (two on "empathy", one on "tone"), a module teaching
    "empathy", and a candidate invitation to the same quiz."""
    empathy = factories.SkillFactory.create(slug="empathy", name="Empathy")
    tone = factories.SkillFactory.create(slug="tone", name="Tone")
    module = factories.ModuleFactory.create(slug="empathy-101", title="Empathy 101")
    module.skills.add(empathy)
    choices = [("Right", True, ""), ("Wrong", False, "")]
    quiz = factories.quiz_published(
        questions=[
            {"kind": "single", "skills": [empathy], "choices": choices},
            {"kind": "single", "skills": [empathy], "choices": choices},
            {"kind": "single", "skills": [tone], "choices": choices},
        ],
        pass_percent=60,
    )
    return {"quiz": quiz, "module": module, "team": team, "lead": lead}


def submitted(quiz, *, user=None, invitation=None, right=3, seconds_ago=10):
    """A submitted attempt with the first ``right`` questions answered right, the rest wrong."""
    attempt = services.attempt_start(quiz=quiz, user=user, invitation=invitation)
    for n, question in enumerate(Question.objects.filter(version=attempt.quiz_version)):
        picks = factories.right_choice_ids if n < right else factories.wrong_choice_ids
        services.answer_save(attempt=attempt, question_id=question.pk, choice_ids=picks(question))
    services.attempt_submit(attempt=attempt)
    Attempt.objects.filter(pk=attempt.pk).update(
        submitted_at=timezone.now() - timedelta(seconds=seconds_ago)
    )
    return attempt


def learners(team, n):
    people = factories.UserFactory.create_batch(n)
    for person in people:
        factories.MembershipFactory.create(user=person, team=team)
    return people


def invite(world, email="cand@example.test"):
    return services.candidate_invitation_create(
        invited_by=world["lead"],
        email=email,
        quiz=world["quiz"],
        expires_at=timezone.now() + timedelta(days=3),
        name="Cand Idate",
    )


def test_one_task_scores_the_waiting_attempts_and_theirs_find_them_scored(world, team):
    quiz = world["quiz"]
    passer, weak, failer = learners(team, 3)
    template = factories.checklist((0, "quiz", quiz))
    plan = onboarding_services.onboarding_plan_start(
        user=passer, template=template, start_date=timezone.localdate()
    )
    first = submitted(quiz, user=passer, right=3, seconds_ago=60)
    second = submitted(quiz, user=weak, right=1, seconds_ago=50)  # empathy 1 of 2: not weak
    third = submitted(quiz, user=failer, right=0, seconds_ago=40)  # empathy 0 of 2: weak
    candidate = submitted(quiz, invitation=invite(world), right=2, seconds_ago=30)

    # the first attempt's task scores all four…
    assert score_attempt_task.run(str(first.pk)) == 4
    # …and the tasks of the other three find theirs scored
    for other in (second, third, candidate):
        assert score_attempt_task.run(str(other.pk)) == 0

    scores = dict(Attempt.objects.values_list("pk", "score"))
    assert [scores[a.pk] for a in (first, second, third, candidate)] == [3.0, 1.0, 0.0, 2.0]
    passed = dict(Attempt.objects.values_list("pk", "passed"))
    assert [passed[a.pk] for a in (first, second, third, candidate)] == [True, False, False, True]
    assert set(Answer.objects.values_list("credit", flat=True)) == {0.0, 1.0}
    # evidence: one row per answer and skill, learners only
    assert SkillEvidence.objects.filter(source=SkillEvidence.Source.ANSWER).count() == 9
    # follow-up: the module teaching the skill where the attempt earned under half the credit
    follow_ups = Assignment.objects.filter(source=Assignment.Source.QUIZ_RESULT)
    assert list(follow_ups.values_list("user_id", "module_id")) == [(failer.pk, world["module"].pk)]
    assert "0%" in follow_ups.get().reason
    # the passer's onboarding step ticked itself and the plan is complete
    plan.refresh_from_db()
    assert plan.completed_at is not None
    # one result notice per learner, one "finished" for the inviting lead
    assert Notification.objects.filter(kind="quiz_result").count() == 3
    assert Notification.objects.filter(kind="candidate_result", user=world["lead"]).count() == 1


def test_a_batch_of_one_scores_only_its_own_attempt(world, team):
    quiz = world["quiz"]
    one, two = learners(team, 2)
    first = submitted(quiz, user=one)
    second = submitted(quiz, user=two)
    assert services.attempt_score(attempt_id=second.pk) is True
    assert Attempt.objects.get(pk=first.pk).status == Attempt.Status.SUBMITTED
    assert services.attempts_score(attempt_id=first.pk, batch=5) == 1


def test_the_batch_takes_the_oldest_submissions_and_leaves_attempts_in_progress(world, team):
    quiz = world["quiz"]
    people = learners(team, 4)
    oldest = submitted(quiz, user=people[0], seconds_ago=90)
    newest = submitted(quiz, user=people[1], seconds_ago=5)
    own = submitted(quiz, user=people[2], seconds_ago=30)
    open_attempt = services.attempt_start(quiz=quiz, user=people[3])
    assert services.attempts_score(attempt_id=own.pk, batch=2) == 2
    status = dict(Attempt.objects.values_list("pk", "status"))
    assert status[own.pk] == status[oldest.pk] == Attempt.Status.SCORED
    assert status[newest.pk] == Attempt.Status.SUBMITTED
    assert status[open_attempt.pk] == Attempt.Status.IN_PROGRESS


@pytest.mark.parametrize("size", [2, 8])
def test_a_batch_costs_the_same_statements_whatever_its_size(world, team, size):
    """Passed, failed (with follow-up training) and candidate attempts in every batch: the
    statement count is the same for 2 × 3 attempts as for 8 × 3 (and for both sizes)."""
    quiz = world["quiz"]
    people = learners(team, 2 * size)
    attempts = []
    for n in range(size):
        attempts.append(submitted(quiz, user=people[2 * n], right=3))
        attempts.append(submitted(quiz, user=people[2 * n + 1], right=0))
        attempts.append(submitted(quiz, invitation=invite(world, f"c{n}@example.test"), right=1))
    services.attempt_score(attempt_id=attempts.pop().pk)  # warms the per-process version cache
    with CaptureQueriesContext(connection) as ctx:
        scored = services.attempts_score(attempt_id=attempts[0].pk, batch=len(attempts))
    assert scored == len(attempts) == 3 * size - 1
    assert len(ctx.captured_queries) == 18, "\n".join(q["sql"][:90] for q in ctx.captured_queries)


def test_result_notices_read_in_the_readers_language(world, team):
    (person,) = learners(team, 1)
    attempt = submitted(world["quiz"], user=person)
    services.attempt_score(attempt_id=attempt.pk)
    notice = Notification.objects.get(kind="quiz_result")
    quiz = world["quiz"].title
    assert notification_title(notice) == f"Your result for “{quiz}” is ready"
    with translation.override("pl"):
        polish = notification_title(notice)
    assert polish != notice.title
    assert quiz in polish


def test_attempts_waiting_longer_than_the_sweep_interval_are_left_to_their_own_tasks(world, team):
    quiz = world["quiz"]
    one, two = learners(team, 2)
    waited = int(services.STALE_SUBMISSION.total_seconds()) + 5
    stale = submitted(quiz, user=one, seconds_ago=waited)
    own = submitted(quiz, user=two, seconds_ago=1)
    assert services.attempts_score(attempt_id=own.pk, batch=10) == 1
    assert Attempt.objects.get(pk=stale.pk).status == Attempt.Status.SUBMITTED
    assert services.attempts_score(attempt_id=stale.pk, batch=10) == 1


def test_an_attempt_whose_scoring_fails_does_not_stop_the_others(world, team, monkeypatch):
    """The batch rolls back, and the task scores its own attempt alone; the attempt at fault
    stays submitted, for the retries and the sweep (and the lead's eyes in the logs)."""
    quiz = world["quiz"]
    people = learners(team, 3)
    broken = submitted(quiz, user=people[0], seconds_ago=60)  # the oldest: in every batch
    first = submitted(quiz, user=people[1], seconds_ago=30)
    second = submitted(quiz, user=people[2], seconds_ago=20)
    real = grading._result_notification

    def fails_for_broken(attempt):
        if attempt.pk == broken.pk:
            raise ValueError("bad data")
        return real(attempt)

    monkeypatch.setattr(grading, "_result_notification", fails_for_broken)
    assert services.attempts_score(attempt_id=first.pk, batch=10) == 1
    assert score_attempt_task.run(str(second.pk)) == 1
    status = dict(Attempt.objects.values_list("pk", "status"))
    assert status[first.pk] == status[second.pk] == Attempt.Status.SCORED
    assert status[broken.pk] == Attempt.Status.SUBMITTED
    assert Notification.objects.filter(kind="quiz_result").count() == 2
    with pytest.raises(ValueError, match="bad data"):  # alone, it fails as itself
        services.attempts_score(attempt_id=broken.pk, batch=10)
