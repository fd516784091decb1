#!/usr/bin/env python3
"""Benchmark: quiz day's scoring, 10,000 submitted attempts scored by 2 worker processes.

Builds, in a fresh PostgreSQL database (BENCH_DATABASE_URL): 10,000 learners in teams of 50,
each with one submitted attempt on a 10-question quiz (12 skills, bands), every question
answered. Then two processes run the scoring task (``assessments.score_attempt``, as the
Celery worker's two pool processes would) over the attempts, each over its half plus a tenth
of the other's (so the same attempt is offered twice, as a redelivery or the sweep would), and
checks:
- every attempt is scored exactly once: all ``scored``, one evidence row per answer and skill,
  one result notification per attempt;
- scoring one attempt costs the same statements early and late (constant per attempt);
- 10,000 attempts in under 60 s (checked at full size only; ``BENCH_SCALE`` shrinks the data).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import sys
import time

# No broker is needed: the follow-up tasks scoring enqueues go to the embedded filesystem
# queue under var/bench (nobody consumes them), not to a Redis that a real worker may read.
for name in ("REDIS_URL", "REDIS_CACHE_URL"):
    os.environ.pop(name, None)

from bench_setup import BENCH_URL, SCALE, recreate_database  # noqa: E402

ATTEMPTS = max(200, int(10_000 * SCALE))
QUESTIONS, SKILLS, TEAM_SIZE = 10, 12, 50
PROCESSES = 2
LIMIT_S = 60.0


def score(ids: list[str]) -> tuple[int, float]:
    """One worker process: the task body, attempt after attempt."""
    from django.db import connection

    from assessments.tasks import score_attempt_task

    connection.close()  # a connection of its own, not the parent's
    started = time.perf_counter()
    scored = sum(bool(score_attempt_task.run(attempt_id)) for attempt_id in ids)
    connection.close()
    return scored, time.perf_counter() - started


def main() -> int:
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Membership, Team, User
    from assessments.models import Answer, Attempt, Choice, Question, Quiz, ResultBand
    from assessments.services import attempt_score, quiz_version_create
    from notifications.models import Notification
    from skills.models import Skill, SkillEvidence

    print(f"Database: {BENCH_URL}")
    call_command("migrate", verbosity=0)
    rng = random.Random(12)
    now = timezone.now()
    t0 = time.perf_counter()
    skills = Skill.objects.bulk_create(
        [Skill(slug=f"skill-{i}", name=f"Skill {i}", position=i) for i in range(SKILLS)]
    )
    quiz = Quiz.objects.create(slug="quiz-day", title="Quiz day")
    version = quiz_version_create(quiz=quiz, review_when="immediately", attempts_allowed=3)
    version.published_at = now
    version.save()
    questions = Question.objects.bulk_create(
        [
            Question(version=version, position=i, text="Q", text_html="<p>Q</p>")
            for i in range(QUESTIONS)
        ]
    )
    Question.skills.through.objects.bulk_create(
        [
            Question.skills.through(question_id=q.pk, skill_id=skills[i % SKILLS].pk)
            for i, q in enumerate(questions)
        ]
    )
    choices = Choice.objects.bulk_create(
        [
            Choice(question=q, position=p, text=f"C{p}", is_correct=p == 0)
            for q in questions
            for p in range(3)
        ]
    )
    by_question: dict[int, list[int]] = {}
    for choice in choices:
        by_question.setdefault(choice.question_id, []).append(choice.pk)
    ResultBand.objects.bulk_create(
        [
            ResultBand(version=version, min_score=0, max_score=5, label="Not yet", message="."),
            ResultBand(version=version, min_score=5, max_score=10, label="Ready", message="."),
        ]
    )
    teams = Team.objects.bulk_create(
        [Team(name=f"Team {i}") for i in range((ATTEMPTS + 3 + TEAM_SIZE - 1) // TEAM_SIZE)]
    )
    users = User.objects.bulk_create(
        [User(email=f"s{i}@bench.test", name=f"S {i}", password="!") for i in range(ATTEMPTS + 3)],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [
            Membership(user=u, team=teams[i // TEAM_SIZE], role="member")
            for i, u in enumerate(users)
        ],
        batch_size=5000,
    )
    attempts = Attempt.objects.bulk_create(
        [
            Attempt(
                quiz=quiz,
                quiz_version=version,
                user=u,
                seed=i,
                status=Attempt.Status.SUBMITTED,
                started_at=now,
                submitted_at=now,
            )
            for i, u in enumerate(users)
        ],
        batch_size=5000,
    )
    # the first three and the last attempt answer alike (all right), for the statement
    # comparison: one warms the process up (its first scoring reads the version), then one
    # before and one after the 10,000
    warm, probe_first, probe_last = attempts[0], attempts[1], attempts[-1]
    attempts = attempts[2:-1]
    Answer.objects.bulk_create(
        [
            Answer(
                attempt=a,
                question=q,
                choice_ids=[by_question[q.pk][0]]
                if a.pk in (warm.pk, probe_first.pk, probe_last.pk)
                else [rng.choice(by_question[q.pk])],
                saved_at=now,
            )
            for a in (warm, probe_first, *attempts, probe_last)
            for q in questions
        ],
        batch_size=10_000,
    )
    print(
        f"{len(attempts):,} submitted attempts of {QUESTIONS} answers built in "
        f"{time.perf_counter() - t0:.1f} s"
    )

    def statements(attempt: Attempt) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert attempt_score(attempt_id=attempt.pk)
        return len(ctx.captured_queries)

    statements(warm)
    first = statements(probe_first)
    ids = [str(a.pk) for a in attempts]
    half = len(ids) // 2
    overlap = len(ids) // 10
    shares = [ids[:half] + ids[half : half + overlap], ids[half:] + ids[:overlap]]
    connection.close()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        results = pool.map(score, shares)
    elapsed = time.perf_counter() - started
    last = statements(probe_last)

    scored_by_tasks = sum(n for n, _s in results)
    not_scored = Attempt.objects.exclude(status=Attempt.Status.SCORED).count()
    evidence = SkillEvidence.objects.filter(source=SkillEvidence.Source.ANSWER).count()
    expected_evidence = (len(attempts) + 3) * QUESTIONS  # one skill per question
    notes = Notification.objects.filter(kind="quiz_result").count()
    rate = len(attempts) / elapsed

    print(
        f"scored {len(attempts):,} attempts with {PROCESSES} processes in {elapsed:.1f} s "
        f"({rate:.0f}/s; limit {LIMIT_S:.0f} s at full size)"
    )
    print(
        f"  offered {sum(len(s) for s in shares):,} times, scored {scored_by_tasks:,} (each once)"
    )
    print(f"  statements to score one attempt: {first} first, {last} last (constant)")
    print(f"  evidence rows {evidence:,} (expected {expected_evidence:,}), notifications {notes:,}")
    failures = []
    if scored_by_tasks != len(attempts) or not_scored:
        failures.append(f"{not_scored} attempts not scored, {scored_by_tasks} scored by the tasks")
    if evidence != expected_evidence or notes != len(attempts) + 3:
        failures.append("evidence or notifications are not exactly one per answer / attempt")
    if first != last:
        failures.append(f"statements per attempt grew: {first} → {last}")
    if SCALE >= 1 and elapsed > LIMIT_S:
        failures.append(f"scoring took {elapsed:.1f} s > {LIMIT_S:.0f} s")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
