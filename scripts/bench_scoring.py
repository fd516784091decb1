#!/usr/bin/env python3
"""Benchmark: quiz day's scoring, 10,000 submitted attempts scored by 2 worker processes.

Builds, in a fresh PostgreSQL database (BENCH_DATABASE_URL): 10,000 learners in teams of 50,
each with one submitted attempt on a 10-question quiz (12 skills, bands), every question
answered. Then two processes run the scoring task (``assessments.score_attempt``, as the
Celery worker's two pool processes would) over the attempts, each over its half plus a tenth
of the other's (so the same attempt is offered twice, as a redelivery or the sweep would). A
task scores its attempt with up to ``SCORING_BATCH - 1`` others waiting; the tasks of those
others then find them scored. Checks:
- every attempt is scored exactly once: all ``scored``, one evidence row per answer and skill,
  one result notification per attempt;
- a batch costs the same statements early (10,000 waiting) and late (nothing else waiting),
  and a full batch no more than a batch of one: constant per attempt, and per batch;
- 10,000 attempts in under 60 s (checked at full size only; ``BENCH_SCALE`` shrinks the data).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import sys
import time
from datetime import timedelta

# No broker is needed: the follow-up tasks scoring enqueues go to the embedded filesystem
# queue under var/bench (nobody consumes them), not to a Redis that a real worker may read.
for name in ("REDIS_URL", "REDIS_CACHE_URL"):
    os.environ.pop(name, None)

from bench_setup import BENCH_URL, SCALE, STRICT, recreate_database  # noqa: E402

ATTEMPTS = max(200, int(10_000 * SCALE))
QUESTIONS, SKILLS, TEAM_SIZE = 10, 12, 50
PROCESSES = 2
LIMIT_S = 60.0


def score(ids: list[str]) -> tuple[int, int, int, float]:
    """One worker process: the task body, message after message, as the worker runs it. A
    task whose attempt another batch holds is retried later (Celery sends it again after
    ``BUSY_RETRY_SECONDS``; here it goes to the end of this process's queue). Returns the
    attempts its tasks scored, the tasks that scored, the retries, and the seconds."""
    from django.db import connection

    from assessments.services import AttemptBusy, attempts_score

    connection.close()  # a connection of its own, not the parent's
    started = time.perf_counter()
    queue, counts, retries = list(ids), [], 0
    while queue:
        attempt_id = queue.pop(0)
        try:
            counts.append(attempts_score(attempt_id=attempt_id, wait=False))
        except AttemptBusy:
            retries += 1
            queue.append(attempt_id)
    connection.close()
    return sum(counts), sum(1 for n in counts if n), retries, time.perf_counter() - started


def main() -> int:
    recreate_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Membership, Team, User
    from assessments.models import Answer, Attempt, Choice, Question, Quiz, ResultBand
    from assessments.services import attempts_score, quiz_version_create
    from notifications.models import Notification
    from skills.models import Skill, SkillEvidence

    batch = settings.SCORING_BATCH
    probes = 1 + 2 * batch
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
        [Team(name=f"Team {i}") for i in range((ATTEMPTS + probes + TEAM_SIZE - 1) // TEAM_SIZE)]
    )
    users = User.objects.bulk_create(
        [
            User(email=f"s{i}@bench.test", name=f"S {i}", password="!")
            for i in range(ATTEMPTS + probes)
        ],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [
            Membership(user=u, team=teams[i // TEAM_SIZE], role="member")
            for i, u in enumerate(users)
        ],
        batch_size=5000,
    )
    # The probes (a warm-up attempt, two batches of SCORING_BATCH answered alike) stay in
    # progress until their turn, so the scoring run doesn't take them.
    attempts = Attempt.objects.bulk_create(
        [
            Attempt(
                quiz=quiz,
                quiz_version=version,
                user=u,
                seed=i,
                status=Attempt.Status.IN_PROGRESS if i < probes else Attempt.Status.SUBMITTED,
                started_at=now,
                submitted_at=None if i < probes else now,
            )
            for i, u in enumerate(users)
        ],
        batch_size=5000,
    )
    warm, first_batch, last_batch = (
        attempts[0],
        attempts[1 : 1 + batch],
        attempts[1 + batch : probes],
    )
    attempts = attempts[probes:]
    pattern = random.Random(7)
    probe_choices = [[pattern.randrange(3) for _q in questions] for _a in range(batch)]

    def picks(a: Attempt) -> list[int]:
        if a.pk == warm.pk:
            return [0] * QUESTIONS
        for group in (first_batch, last_batch):
            for n, probe in enumerate(group):
                if probe.pk == a.pk:
                    return probe_choices[n]
        return [rng.randrange(3) for _q in questions]

    Answer.objects.bulk_create(
        [
            Answer(attempt=a, question=q, choice_ids=[by_question[q.pk][pick]], saved_at=now)
            for a in (warm, *first_batch, *last_batch, *attempts)
            for q, pick in zip(questions, picks(a), strict=True)
        ],
        batch_size=10_000,
    )
    print(
        f"{len(attempts):,} submitted attempts of {QUESTIONS} answers built in "
        f"{time.perf_counter() - t0:.1f} s"
    )

    def statements(group: list[Attempt]) -> int:
        """Submit ``group`` (just before everyone else) and score it as one batch."""
        Attempt.objects.filter(pk__in=[a.pk for a in group]).update(
            status=Attempt.Status.SUBMITTED, submitted_at=now - timedelta(seconds=1)
        )
        with CaptureQueriesContext(connection) as ctx:
            scored = attempts_score(attempt_id=group[0].pk, batch=len(group))
        assert scored == len(group), (scored, len(group))
        return len(ctx.captured_queries)

    single = statements([warm])  # also warms the process up (it reads the version once)
    first = statements(first_batch)
    ids = [str(a.pk) for a in attempts]
    half = len(ids) // 2
    overlap = len(ids) // 10
    shares = [ids[:half] + ids[half : half + overlap], ids[half:] + ids[:overlap]]
    connection.close()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        results = pool.map(score, shares)
    elapsed = time.perf_counter() - started
    now = timezone.now()  # (attempts waiting longer than the sweep's interval aren't batched)
    last = statements(last_batch)

    scored_by_tasks = sum(r[0] for r in results)
    batches = sum(r[1] for r in results)
    retries = sum(r[2] for r in results)
    not_scored = Attempt.objects.exclude(status=Attempt.Status.SCORED).count()
    evidence = SkillEvidence.objects.filter(source=SkillEvidence.Source.ANSWER).count()
    expected_evidence = (len(attempts) + probes) * QUESTIONS  # one skill per question
    notes = Notification.objects.filter(kind="quiz_result").count()
    rate = len(attempts) / elapsed

    print(
        f"scored {len(attempts):,} attempts with {PROCESSES} processes in {elapsed:.1f} s "
        f"({rate:.0f}/s; limit {LIMIT_S:.0f} s at full size)"
    )
    print(
        f"  offered {sum(len(s) for s in shares):,} times, scored {scored_by_tasks:,} (each once) "
        f"by {batches:,} batches of up to {batch}; the other tasks found theirs scored "
        f"({retries:,} found it in another batch's hands and looked again later)"
    )
    print(
        f"  statements: {single} for a batch of 1; for a batch of {batch}: {first} first, "
        f"{last} last ({last / batch:.2f} per attempt)"
    )
    print(f"  evidence rows {evidence:,} (expected {expected_evidence:,}), notifications {notes:,}")
    failures = []
    if scored_by_tasks != len(attempts) or not_scored:
        failures.append(f"{not_scored} attempts not scored, {scored_by_tasks} scored by the tasks")
    if evidence != expected_evidence or notes != len(attempts) + probes:
        failures.append("evidence or notifications are not exactly one per answer / attempt")
    if first != last:
        failures.append(f"statements per batch grew: {first} → {last}")
    if first > single + 2:  # a mixed batch may pass and fail: the follow-ups of both
        failures.append(f"a batch of {batch} costs {first} statements, a batch of one {single}")
    if elapsed > LIMIT_S:  # an absolute time: enforced with STRICT=1 at full size only
        if SCALE >= 1 and STRICT:
            failures.append(f"scoring took {elapsed:.1f} s > {LIMIT_S:.0f} s")
        else:
            print(f"  (over, enforced with STRICT=1 at full size only)  scoring < {LIMIT_S:.0f} s")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
