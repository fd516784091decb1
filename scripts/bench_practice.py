#!/usr/bin/env python3
"""Benchmark: building tomorrow's practice sets (``practice.build_sets``) at scale.

Builds, in a fresh PostgreSQL database (BENCH_DATABASE_URL): 10,000 learners, 12 skills with
100 questions each (one published quiz every learner has taken), a skill projection and recent
QA findings for everyone. Then runs the Celery task once for the next day and checks:
- it builds one set per learner, in under 60 s (checked at full size only);
- the statements are a constant number per batch (3 + 6 per batch);
- a second run inserts nothing (idempotent);
- serving one person's set takes at most 5 statements.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import timedelta

from bench_setup import BENCH_URL, SCALE, recreate_database

# BENCH_SCALE shrinks the people (CI runs 0.02); the time limit is meant for the full size.
PEOPLE = max(200, int(10_000 * SCALE))
SKILLS, PER_SKILL = 12, 100
BUILD_S = 60.0


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
    from assessments.models import Attempt, Choice, Question, Quiz
    from assessments.services import quiz_version_create
    from practice import selectors, services
    from practice.tasks import build_sets
    from qa.models import QAFinding
    from skills import skill_model
    from skills.models import Skill, SkillProficiency

    print(f"Database: {BENCH_URL}")
    call_command("migrate", verbosity=0)
    rng = random.Random(14)
    now = timezone.now()
    t0 = time.perf_counter()
    skills = Skill.objects.bulk_create(
        [Skill(slug=f"skill-{i}", name=f"Skill {i}", position=i) for i in range(SKILLS)]
    )
    team = Team.objects.create(name="Bench")
    users = User.objects.bulk_create(
        [User(email=f"p{i}@bench.test", name=f"P {i:05d}", password="!") for i in range(PEOPLE)],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [Membership(user=u, team=team, role="member") for u in users], batch_size=5000
    )
    quiz = Quiz.objects.create(slug="bank", title="Question bank")
    version = quiz_version_create(quiz=quiz, review_when="immediately", attempts_allowed=0)
    version.published_at = now
    version.save()
    questions = Question.objects.bulk_create(
        [
            Question(version=version, position=i, text="Q", text_html="<p>Q</p>")
            for i in range(SKILLS * PER_SKILL)
        ]
    )
    Question.skills.through.objects.bulk_create(
        [
            Question.skills.through(question_id=q.pk, skill_id=skills[i // PER_SKILL].pk)
            for i, q in enumerate(questions)
        ]
    )
    Choice.objects.bulk_create(
        [
            Choice(question=q, position=n, text=f"C{n}", is_correct=n == 0)
            for q in questions
            for n in range(3)
        ],
        batch_size=5000,
    )
    Attempt.objects.bulk_create(
        [Attempt(quiz=quiz, quiz_version=version, user=u, seed=1, status="scored") for u in users],
        batch_size=5000,
    )
    day = skill_model.day_number(now)
    SkillProficiency.objects.bulk_create(
        [
            SkillProficiency(
                user=u,
                skill=s,
                alpha=rng.uniform(0, 10),
                beta=rng.uniform(0, 10),
                anchor_day=day,
                evidence_count=5,
            )
            for u in users
            for s in skills
        ],
        batch_size=10_000,
    )
    QAFinding.objects.bulk_create(
        [
            QAFinding(
                agent=u,
                interaction_ref=f"T-{i}",
                criterion="C",
                skill=rng.choice(skills),
                occurred_at=now - timedelta(days=rng.uniform(0, 27)),
            )
            for i, u in enumerate(users)
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"Built {PEOPLE:,} learners, {len(questions):,} questions in {SKILLS} skills "
        f"in {time.perf_counter() - t0:.1f} s"
    )

    tomorrow = now + timedelta(days=1)
    batches = -(-PEOPLE // settings.PRACTICE_BUILD_BATCH)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        built = services.practice_sets_build(now=tomorrow)
    build = time.perf_counter() - started
    # BEGIN/COMMIT around each batch's INSERT (autocommit) are not statements about the data
    statements = sum(q["sql"] not in {"BEGIN", "COMMIT"} for q in ctx.captured_queries)
    print(f"Built {built:,} sets in {build:.1f} s with {statements} statements ({batches} batches)")
    if statements != 3 + 6 * batches:
        for query in ctx.captured_queries:
            print("   ", query["sql"][:110])
    again = services.practice_sets_build(now=tomorrow)
    # the Celery task, as beat runs it (today's sets: the same service)
    started = time.perf_counter()
    task_built = build_sets.apply().get()
    print(f"Celery task run (today): {task_built:,} sets in {time.perf_counter() - started:.1f} s")
    person = users[PEOPLE // 2]
    with CaptureQueriesContext(connection) as serve_ctx:
        practice_set = services.practice_today_ensure(user=person, now=tomorrow)
        today = selectors.practice_today(user=person, practice_set=practice_set)
        selectors.today_as_dict(today)
    serve = len(serve_ctx.captured_queries)
    print(f"Serving one set: {serve} statements, {len(today.questions)} questions")

    checks = {
        "one set per learner": built == PEOPLE,
        "constant statements per batch (3 + 6 per batch)": statements == 3 + 6 * batches,
        "second run inserts nothing": again == 0,
        "serving a set ≤ 5 statements": serve <= 5,
        "sets are full": len(today.questions) == settings.PRACTICE_SET_SIZE,
    }
    timed = {f"build < {BUILD_S:.0f} s": build < BUILD_S}
    if SCALE == 1:
        checks.update(timed)
    else:
        for name, ok in timed.items():
            print(f"  ({'pass' if ok else 'over'}, not checked at BENCH_SCALE={SCALE:g})  {name}")
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    print(f"Result: {'PASS' if all(checks.values()) else 'FAIL'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
