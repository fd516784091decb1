#!/usr/bin/env python3
"""Benchmark: building (and refilling) the daily practice sets (``practice.build_sets``).

Builds, in a fresh PostgreSQL database (BENCH_DATABASE_URL): 10,000 learners, a practice
bank of 2,000 questions over 20 skills (practised from day one, nobody took anything) and a
quiz of 600 questions over 12 of the skills that every learner has taken, a skill projection
and recent QA findings for everyone. Then runs the Celery task once for the next day and checks:
- it builds one set per learner, in under 60 s (checked at full size only);
- the statements are a constant number per batch (3 + 6 per batch);
- a second run writes nothing (idempotent);
- a bank published later in the day makes every set stale: one run refills them all, at a
  constant number of statements per batch (3 + 8 per batch), also under 60 s at full size;
- serving one person's set takes at most 7 statements (staleness check included).
"""

from __future__ import annotations

import random
import sys
import time
from datetime import timedelta
from typing import Any

from bench_setup import BENCH_URL, SCALE, recreate_database, verdict

# BENCH_SCALE shrinks the people (CI runs 0.02); the time limit is meant for the full size.
PEOPLE = max(200, int(10_000 * SCALE))
SKILLS, PER_SKILL = 20, 100  # the bank: 2,000 questions
QUIZ_SKILLS, QUIZ_PER_SKILL = 12, 50  # the quiz everyone took: 600
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

    def published(slug: str, purpose: str, skills_used: int, per_skill: int) -> tuple[Any, Any]:
        quiz = Quiz.objects.create(slug=slug, title=slug, purpose=purpose)
        version = quiz_version_create(quiz=quiz, review_when="immediately", attempts_allowed=0)
        version.published_at = now
        version.save()
        made = Question.objects.bulk_create(
            [
                Question(version=version, position=i, text="Q", text_html="<p>Q</p>")
                for i in range(skills_used * per_skill)
            ],
            batch_size=5000,
        )
        Question.skills.through.objects.bulk_create(
            [
                Question.skills.through(question_id=q.pk, skill_id=skills[i // per_skill].pk)
                for i, q in enumerate(made)
            ],
            batch_size=5000,
        )
        Choice.objects.bulk_create(
            [
                Choice(question=q, position=n, text=f"C{n}", is_correct=n == 0)
                for q in made
                for n in range(3)
            ],
            batch_size=5000,
        )
        return version, made

    _bank_version, questions = published("bank", "practice", SKILLS, PER_SKILL)
    version, quiz_questions = published("quiz", "assessment", QUIZ_SKILLS, QUIZ_PER_SKILL)
    quiz = version.quiz
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
        f"Built {PEOPLE:,} learners, a bank of {len(questions):,} questions in {SKILLS} skills "
        f"and a taken quiz of {len(quiz_questions):,}, in {time.perf_counter() - t0:.1f} s"
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
    published("late-bank", "practice", 1, 10)  # published later that day: every set stale
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as refill_ctx:
        refilled = services.practice_sets_build(now=tomorrow)
    refill = time.perf_counter() - started
    refill_statements = sum(
        q["sql"] not in {"BEGIN", "COMMIT"} and not q["sql"].startswith("SAVEPOINT")
        for q in refill_ctx.captured_queries
    )
    print(
        f"Refilled {refilled:,} stale sets in {refill:.1f} s with {refill_statements} "
        f"statements ({batches} batches)"
    )
    if refill_statements != 3 + 8 * batches:
        for query in refill_ctx.captured_queries[:30]:
            print("   ", query["sql"][:110])
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
        "second run writes nothing": again == 0,
        "a late bank refills every set": refilled == PEOPLE,
        "constant statements per batch on refill (3 + 8 per batch)": refill_statements
        == 3 + 8 * batches,
        "serving a set ≤ 7 statements": serve <= 7,
        "sets are full": len(today.questions) == settings.PRACTICE_SET_SIZE,
    }
    timed = {
        f"build < {BUILD_S:.0f} s": build < BUILD_S,
        f"refill < {BUILD_S:.0f} s": refill < BUILD_S,
    }
    return verdict(checks, timed=timed)


if __name__ == "__main__":
    sys.exit(main())
