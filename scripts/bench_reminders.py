#!/usr/bin/env python3
"""Benchmark: one reminder sweep over 100,000 open assignments in PostgreSQL.

Builds a fresh database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/
readiness_bench), runs the sweep at 10,000 and at 100,000 open assignments, and prints the
time and the number of SQL statements of each. Exits non-zero unless the sweep over 100,000
takes under 30 seconds with the same number of statements as over 10,000.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import timedelta

from bench_setup import BENCH_URL, SCALE, recreate_database, verdict

LIMIT_SECONDS = 30.0
# BENCH_SCALE shrinks the data (CI runs 0.02): the statement counts and exactly-once checks
# hold at any size; the time limit is meant for the full size.
SMALL, LARGE = max(100, int(10_000 * SCALE)), max(1000, int(100_000 * SCALE))
PEOPLE, TEAMS = max(200, int(10_000 * SCALE)), max(4, int(200 * SCALE))


def main() -> int:
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Membership, Team, User
    from courses.models import Assignment, Module
    from notifications.models import Notification
    from notifications.reminders import reminders_send_due

    print(f"Database: {BENCH_URL}")
    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    now = timezone.now()

    started = time.perf_counter()
    teams = Team.objects.bulk_create([Team(name=f"Team {i:03d}") for i in range(TEAMS)])
    users = User.objects.bulk_create(
        [
            User(email=f"person{i}@bench.test", name=f"Person {i}", password="!")
            for i in range(PEOPLE)
        ],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [
            Membership(
                user=user,
                team=teams[i % TEAMS],
                role=Membership.Role.LEAD if i < TEAMS else Membership.Role.MEMBER,
            )
            for i, user in enumerate(users)
        ],
        batch_size=5000,
    )
    modules = Module.objects.bulk_create(
        [Module(slug=f"module-{i}", title=f"Module {i}") for i in range(100)]
    )

    def add_assignments(count: int, offset: int) -> None:
        rows = []
        for n in range(offset, offset + count):
            # one open assignment per (user, module): walk users, then modules
            user = users[TEAMS + n % (PEOPLE - TEAMS)]
            module = modules[n // (PEOPLE - TEAMS)]
            rows.append(
                Assignment(
                    user=user,
                    kind=Assignment.Kind.MODULE,
                    module=module,
                    source=Assignment.Source.MANUAL,
                    due_on=(now + timedelta(hours=rng.randint(-30 * 24, 30 * 24))).date(),
                )
            )
        Assignment.objects.bulk_create(rows, batch_size=10_000)

    add_assignments(SMALL, 0)
    print(f"Built {PEOPLE:,} people in {TEAMS} teams in {time.perf_counter() - started:.1f} s")
    connection.cursor().execute("ANALYZE")

    def sweep(label: str) -> tuple[float, int, int]:
        Notification.objects.all().delete()
        connection.cursor().execute("ANALYZE")
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            created = reminders_send_due(now=now)
            elapsed = time.perf_counter() - t0
        total = sum(created.values())
        open_count = Assignment.objects.filter(status="open").count()
        print(
            f"{label:>8}: {open_count:>7,} open assignments → {total:>7,} reminders "
            f"in {elapsed:6.2f} s with {len(ctx.captured_queries)} SQL statements"
        )
        return elapsed, len(ctx.captured_queries), total

    reminders_send_due(now=now)  # warm-up (first-use queries)
    _small_time, small_statements, _ = sweep("small")
    add_assignments(LARGE - SMALL, SMALL)
    connection.cursor().execute("ANALYZE")
    large_time, large_statements, large_total = sweep("large")
    again = reminders_send_due(now=now)
    print(f"   again: a second sweep at the same time creates {sum(again.values())} reminders")

    print(f"Statements: {small_statements} small, {large_statements} large")
    return verdict(
        {
            "statements do not grow with the data": large_statements == small_statements,
            "the sweep sends reminders": large_total > 0,
            "a second sweep sends nothing": sum(again.values()) == 0,
        },
        timed={f"sweep < {LIMIT_SECONDS:.0f} s": large_time < LIMIT_SECONDS},
    )


if __name__ == "__main__":
    sys.exit(main())
