#!/usr/bin/env python3
"""Benchmark: importing a QA tool's review export, and the signed webhook, at scale.

Builds, in a fresh PostgreSQL database (BENCH_DATABASE_URL): one team of 1,000 agents, 12
skills, a source with 10 rating categories (4-point, one critical) and a long-form CSV export
of 100,000 review rows (10,000 reviews × 10 categories, some N/A). Then checks:
- parsing and importing the file takes under 60 s (checked at full size only);
- the statements are 2 + 7 per batch of ``review_importer.BATCH`` lines (6 to import, 1 for
  its audit event), whatever the data;
- every failed rating is a finding, every passed one positive evidence;
- importing the same file again creates nothing;
- the webhook takes at least 50 signed reviews per second (one review of 10 categories per
  request, 3 worker processes as the Procfile runs gunicorn, each sending requests one after
  another; checked at full size only).
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import random
import sys
import time

from bench_setup import BENCH_URL, SCALE, recreate_database, verdict

# BENCH_SCALE shrinks the export (CI runs 0.02); the time limits are meant for the full size.
ROWS = max(2_000, int(100_000 * SCALE))
AGENTS = max(50, int(1_000 * SCALE))
CATEGORIES = 10
WEBHOOK_REVIEWS = max(50, int(500 * SCALE))
WEBHOOK_PROCESSES = 3  # gunicorn's worker processes in the Procfile (WEB_CONCURRENCY=3)
IMPORT_S, WEBHOOK_PER_S = 60.0, 50.0
HEADER = ["Review ID", "Conversation ID", "Agent", "Reviewer", "Date", "Category", "Rating"]
MAPPING = {
    "review": "Review ID",
    "conversation": "Conversation ID",
    "agent": "Agent",
    "reviewer": "Reviewer",
    "date": "Date",
    "category": "Category",
    "rating": "Rating",
}


def export(rng: random.Random, agents: list[str], reviews: int, first: int = 0) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for n in range(first, first + reviews):
        agent = agents[n % len(agents)]
        day = f"2026-{1 + n % 9:02d}-{1 + n % 28:02d}"
        for c in range(CATEGORIES):
            rating = "N/A" if rng.random() < 0.05 else str(rng.choice((1, 2, 3, 3, 4, 4, 4)))
            writer.writerow([f"R{n}", f"T{n}", agent, "Rita", day, f"Category {c}", rating])
    return buffer.getvalue().encode()


def main() -> int:
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import Membership, Team, User
    from qa.models import QAFinding, ReviewRating
    from qa.reviews import importer as review_importer
    from qa.reviews import sources as review_sources
    from qa.reviews.files import read_table
    from skills.models import Skill, SkillEvidence

    print(f"Database: {BENCH_URL}")
    call_command("migrate", verbosity=0)
    rng = random.Random(19)
    t0 = time.perf_counter()
    skills = Skill.objects.bulk_create(
        [Skill(slug=f"skill-{i}", name=f"Skill {i}", position=i) for i in range(12)]
    )
    team = Team.objects.create(name="Bench")
    lead = User.objects.create_user(email="lead@bench.test", name="Lead", password="!")
    agents = User.objects.bulk_create(
        [User(email=f"a{i}@bench.test", name=f"A {i:05d}", password="!") for i in range(AGENTS)],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [Membership(user=lead, team=team, role="lead")]
        + [Membership(user=a, team=team, role="member") for a in agents],
        batch_size=5000,
    )
    source, secret = review_sources.review_source_create(
        team=team, created_by=lead, name="Bench QA tool", columns=MAPPING, webhook_enabled=True
    )
    review_sources.review_categories_save(
        source=source,
        categories=[
            review_sources.CategoryInput(
                name=f"Category {c}", skill=skills[c], scale="4", pass_mark=3, critical=c == 0
            )
            for c in range(CATEGORIES)
        ],
    )
    emails = [a.email for a in agents]
    data = export(rng, emails, ROWS // CATEGORIES)
    print(
        f"Built {AGENTS:,} agents and an export of {ROWS:,} rows ({len(data) / 1e6:.1f} MB) "
        f"in {time.perf_counter() - t0:.1f} s"
    )

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        table = read_table(data, filename="export.csv")
        report = review_importer.reviews_import(
            source=source, table=table, importer=lead, commit=True
        )
    took = time.perf_counter() - started
    statements = sum(
        q["sql"] not in {"BEGIN", "COMMIT"} and not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
        for q in ctx.captured_queries
    )
    lines = len(report.lines)
    batches = -(-lines // review_importer.BATCH)
    expected = 2 + 7 * batches
    print(
        f"Imported {lines:,} lines in {took:.1f} s ({lines / took:,.0f} lines/s): "
        f"{report.created_findings:,} findings, {report.created_passes:,} passes, "
        f"{report.counts['na']:,} N/A; {statements} statements ({batches} batches)"
    )
    if statements != expected:
        for query in ctx.captured_queries:
            print("   ", query["sql"][:110])

    started = time.perf_counter()
    again = review_importer.reviews_import(
        source=source, table=read_table(data), importer=lead, commit=True
    )
    print(f"Second import: {again.created} new lines in {time.perf_counter() - started:.1f} s")

    # the webhook: one review (10 categories) per signed request
    client = Client()
    url = f"/api/v1/qa-review-sources/{source.pk}/webhook/"
    payloads = []
    for n in range(WEBHOOK_REVIEWS):
        rows = [
            dict(zip(HEADER, row, strict=True))
            for row in csv.reader(
                io.StringIO(export(rng, emails, 1, first=10_000_000 + n).decode())
            )
        ][1:]
        payloads.append(json.dumps({"rows": rows}).encode())

    # as gunicorn serves it: its worker processes, each taking requests one by one (the
    # Procfile also gives each 4 threads; not used here, so the figure is a floor)
    assert _push(url, secret, [payloads.pop()]) == 1  # warm up: loads Celery's task modules
    connections.close_all()  # the forked workers open their own connections
    chunks = [payloads[n::WEBHOOK_PROCESSES] for n in range(WEBHOOK_PROCESSES)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(WEBHOOK_PROCESSES) as pool:
        accepted = sum(pool.starmap(_push, [(url, secret, chunk) for chunk in chunks]))
    hook_s = time.perf_counter() - started
    rate = len(payloads) / hook_s
    print(
        f"Webhook: {accepted}/{len(payloads)} reviews accepted in {hook_s:.1f} s ({rate:.0f}/s, "
        f"{WEBHOOK_PROCESSES} processes)"
    )
    replay = client.post(
        url,
        payloads[0],
        content_type="application/json",
        secure=True,
        HTTP_X_READINESS_TIMESTAMP="1",
        HTTP_X_READINESS_SIGNATURE="sha256=0",
    )

    findings = QAFinding.objects.count()
    checks = {
        "constant statements per batch (2 + 7 per batch)": statements == expected,
        "every failed rating is a finding": findings
        == ReviewRating.objects.filter(result="fail", finding__isnull=False).count()
        == ReviewRating.objects.filter(result="fail").count(),
        "every passed rating is positive evidence": SkillEvidence.objects.filter(
            source="qa_pass"
        ).count()
        == ReviewRating.objects.filter(result="pass").count(),
        "second import creates nothing": again.created == 0
        and again.counts["duplicate"] == report.created,
        "every webhook review accepted": accepted == len(payloads),
        "unsigned or stale webhook refused (401)": replay.status_code == 401,
    }
    timed = {
        f"import of {ROWS:,} rows < {IMPORT_S:.0f} s": took < IMPORT_S,
        f"webhook ≥ {WEBHOOK_PER_S:.0f} reviews/s": rate >= WEBHOOK_PER_S,
    }
    return verdict(checks, timed=timed)


def _push(url: str, secret: str, bodies: list[bytes]) -> int:
    """Send signed webhook requests one after another; returns how many were accepted."""
    from django.test import Client

    from qa.reviews.webhook import webhook_signature

    client, accepted = Client(), 0
    for body in bodies:
        stamp = str(int(time.time()))
        answer = client.post(
            url,
            body,
            content_type="application/json",
            secure=True,
            HTTP_X_READINESS_TIMESTAMP=stamp,
            HTTP_X_READINESS_SIGNATURE=webhook_signature(secret, stamp, body),
        )
        accepted += answer.status_code in (200, 201)
    return accepted


if __name__ == "__main__":
    sys.exit(main())
