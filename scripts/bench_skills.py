#!/usr/bin/env python3
"""Benchmark: the skill-gap API, the org-wide report and the projection rebuild at scale.

Builds, in a fresh PostgreSQL database (BENCH_DATABASE_URL): 10,000 learners in 200 teams,
12 skills, 1,000,000 scored answers and 100,000 QA findings (each with its skill evidence).
Then measures, at 10% of the answers and again at 100%:
- ``GET /api/v1/teams/{id}/skill-gaps/`` as each team's lead: p95 must be under 100 ms;
- the org-wide report page as an admin: p95 must be under 300 ms;
- the number of SQL statements of each, which must not change with the data;
- rebuilding every projection row from the evidence: under 60 s;
- a hand-written single SQL query computing the same team gaps, and hand-written SQL for the
  org report's figures and one page of its rows: the endpoint and the page against them
  (p95 / p95), enforced at the full size (team gaps ≤ 4.5×, org report ≤ 5.5×; the aims,
  2.5× and 4×, are printed). The absolute limits above are printed, and enforced only with
  STRICT=1 (a busy machine is not a failure).
"""

from __future__ import annotations

import io
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from typing import Any

from bench_setup import BENCH_URL, SCALE, recreate_database, verdict

# BENCH_SCALE shrinks the data (CI runs 0.02): query counts, answers and the comparison with
# hand-written SQL hold at any size; the time limits are meant for the full size.
PEOPLE, TEAMS = max(200, int(10_000 * SCALE)), max(4, int(200 * SCALE))
ANSWERS, FINDINGS = max(20_000, int(1_000_000 * SCALE)), max(2_000, int(100_000 * SCALE))
GAP_P95_MS, REPORT_P95_MS, REBUILD_S = 100.0, 300.0, 60.0
# p95 against the hand-written SQL's p95 in the same run. The limits guard against a change
# that makes an endpoint slower relative to its floor (measured on the 2-core machine: team
# gaps 3.3×, org report 4.0×); the aims are issue 30's targets, printed until they are met.
GAP_RATIO, REPORT_RATIO = 4.5, 5.5
GAP_AIM, REPORT_AIM = 2.5, 4.0
SAMPLES = 60

TEAM_GAPS_SQL = """
-- The team skill gaps in one statement: members × skills, level and confidence from the
-- projection with decay, the target from each member's role profile, largest gap first.
WITH members AS (
    SELECT u.id AS user_id, u.name, lp.role_profile_id
    FROM accounts_membership m
    JOIN accounts_user u ON u.id = m.user_id
    LEFT JOIN skills_learnerprofile lp ON lp.user_id = u.id
    WHERE m.team_id = %(team)s AND m.role = 'member'
), cells AS (
    SELECT mb.user_id, mb.name, s.slug, s.position,
           COALESCE(p.alpha * power(0.5, least((%(now)s - p.anchor_day) / %(h)s, 1000)), 0) AS a,
           COALESCE(p.beta * power(0.5, least((%(now)s - p.anchor_day) / %(h)s, 1000)), 0) AS b,
           t.level AS target
    FROM members mb
    CROSS JOIN skills_skill s
    LEFT JOIN skills_skillproficiency p ON p.user_id = mb.user_id AND p.skill_id = s.id
    LEFT JOIN skills_skilltarget t ON t.role_profile_id = mb.role_profile_id AND t.skill_id = s.id
)
SELECT user_id, name, slug,
       (1 + a) / (2 + a + b) AS level,
       (a + b) / (a + b + 4) AS confidence,
       target,
       CASE WHEN a + b >= %(min)s AND target IS NOT NULL
            THEN target - (1 + a) / (2 + a + b) END AS gap,
       max(CASE WHEN a + b >= %(min)s AND target IS NOT NULL
            THEN target - (1 + a) / (2 + a + b) END) OVER (PARTITION BY user_id) AS largest
FROM cells
ORDER BY largest DESC NULLS LAST, name, position
"""

ORG_REPORT_SQL = """
-- The org report's figures in one statement: per skill, over the active people measured
-- against a role profile with enough evidence, how many, their mean level and how many are
-- below their role's target (the page also asks the credible interval of those below).
WITH measured AS (
    SELECT p.skill_id,
           p.alpha * power(0.5, least((%(now)s - p.anchor_day) / %(h)s, 1000)) AS a,
           p.beta * power(0.5, least((%(now)s - p.anchor_day) / %(h)s, 1000)) AS b,
           t.level AS target
    FROM skills_skillproficiency p
    JOIN accounts_user u ON u.id = p.user_id AND u.is_active
    JOIN skills_learnerprofile lp ON lp.user_id = p.user_id AND lp.role_profile_id IS NOT NULL
    LEFT JOIN skills_skilltarget t
           ON t.role_profile_id = lp.role_profile_id AND t.skill_id = p.skill_id
)
SELECT skill_id, count(*), avg((1 + a) / (2 + a + b)),
       count(*) FILTER (WHERE target > (1 + a) / (2 + a + b))
FROM measured
WHERE a + b >= %(min)s
GROUP BY skill_id
"""

ORG_PAGE_SQL = """
-- One page of the report's rows: 50 people measured against a role profile, by name, with
-- their decayed projection per skill and their role's target.
WITH page AS (
    SELECT u.id, u.name, lp.role_profile_id
    FROM accounts_user u
    JOIN skills_learnerprofile lp ON lp.user_id = u.id AND lp.role_profile_id IS NOT NULL
    WHERE u.is_active
    ORDER BY u.name, u.id
    LIMIT 50 OFFSET %(offset)s
)
SELECT pg.id, pg.name, s.id,
       COALESCE(p.alpha * power(0.5, least((%(now)s - p.anchor_day) / %(h)s, 1000)), 0),
       COALESCE(p.beta * power(0.5, least((%(now)s - p.anchor_day) / %(h)s, 1000)), 0),
       t.level
FROM page pg
CROSS JOIN skills_skill s
LEFT JOIN skills_skillproficiency p ON p.user_id = pg.id AND p.skill_id = s.id
LEFT JOIN skills_skilltarget t ON t.role_profile_id = pg.role_profile_id AND t.skill_id = s.id
ORDER BY pg.name, pg.id, s.position
"""


def copy(cursor: Any, table: str, columns: list[str], rows: list[Any]) -> None:
    """COPY rows in (tab-separated; NULL as \\N)."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buffer.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as pipe:
        pipe.write(buffer.read())


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)


def main() -> int:
    recreate_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accounts.models import Membership, Team, User
    from accounts.services import api_token_create
    from assessments.models import Question, Quiz
    from assessments.services import quiz_version_create
    from skills import skill_model
    from skills.models import LearnerProfile, RoleProfile, Skill, SkillProficiency, SkillTarget
    from skills.services import profiles_rebuild

    print(f"Database: {BENCH_URL}")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    rng = random.Random(11)
    now = timezone.now()
    t0 = time.perf_counter()

    skills = Skill.objects.bulk_create(
        [Skill(slug=f"skill-{i}", name=f"Skill {i}", position=i) for i in range(12)]
    )
    profile = RoleProfile.objects.create(slug="agent", name="Agent")
    SkillTarget.objects.bulk_create(
        [
            SkillTarget(role_profile=profile, skill=s, level=0.6 + (i % 3) / 10)
            for i, s in enumerate(skills)
        ]
    )
    teams = Team.objects.bulk_create([Team(name=f"Team {i:03d}") for i in range(TEAMS)])
    users = User.objects.bulk_create(
        [
            User(email=f"person{i}@bench.test", name=f"Person {i:05d}", password="!")
            for i in range(PEOPLE)
        ],
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        [
            Membership(user=u, team=teams[i % TEAMS], role="lead" if i < TEAMS else "member")
            for i, u in enumerate(users)
        ],
        batch_size=5000,
    )
    learners = users[TEAMS:]
    LearnerProfile.objects.bulk_create(
        [LearnerProfile(user=u, role_profile=profile) for u in learners], batch_size=5000
    )
    admin = User.objects.create_user(
        email="admin@bench.test",
        name="Admin",
        password="bench-admin-pw",
        is_staff=True,
        is_superuser=True,
    )
    quiz = Quiz.objects.create(slug="bench", title="Bench quiz")
    version = quiz_version_create(quiz=quiz)
    version.published_at = now
    version.save()
    questions = Question.objects.bulk_create(
        [Question(version=version, position=i, text="Q", text_html="<p>Q</p>") for i in range(12)]
    )
    for question, skill in zip(questions, skills, strict=True):
        question.skills.add(skill)
    print(f"Built {len(learners):,} learners in {TEAMS} teams in {time.perf_counter() - t0:.1f} s")

    answer_id = 0

    def add_answers(count: int) -> None:
        nonlocal answer_id
        attempts, answers, evidence = [], [], []
        per_attempt = len(questions)
        for _ in range(count // per_attempt):
            user = rng.choice(learners)
            attempt = uuid.uuid4()
            when = now - timedelta(days=rng.uniform(0, 365))
            attempts.append(
                (
                    attempt,
                    1,
                    "scored",
                    when,
                    when,
                    False,
                    when,
                    6.0,
                    12.0,
                    50.0,
                    False,
                    user.pk,
                    quiz.pk,
                    version.pk,
                    "en",
                )
            )
            for question, skill in zip(questions, skills, strict=True):
                answer_id += 1
                credit = 1.0 if rng.random() < 0.6 else 0.0
                day = skill_model.day_number(when)
                answers.append((answer_id, "[]", when, credit, attempt, question.pk, ""))
                evidence.append(
                    (credit, 1.0, day, "answer", when, when, answer_id, skill.pk, user.pk, "{}")
                )
        with connection.cursor() as cursor:
            raw = cursor.cursor
            copy(
                raw,
                "assessments_attempt",
                [
                    "id",
                    "seed",
                    "status",
                    "started_at",
                    "submitted_at",
                    "auto_submitted",
                    "scored_at",
                    "score",
                    "max_score",
                    "percent",
                    "passed",
                    "user_id",
                    "quiz_id",
                    "quiz_version_id",
                    "language",
                ],
                attempts,
            )
            copy(
                raw,
                "assessments_answer",
                [
                    "id",
                    "choice_ids",
                    "saved_at",
                    "credit",
                    "attempt_id",
                    "question_id",
                    "response_text",
                ],
                answers,
            )
            copy(
                raw,
                "skills_skillevidence",
                [
                    "outcome",
                    "weight",
                    "occurred_day",
                    "source",
                    "occurred_at",
                    "created_at",
                    "source_id",
                    "skill_id",
                    "user_id",
                    "params",
                ],
                evidence,
            )

    def add_findings(count: int, offset: int) -> None:
        findings, evidence = [], []
        weights = settings.QA_SEVERITY_WEIGHTS
        severities = list(weights)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM qa_qafinding")
            next_id = cursor.fetchone()[0]
        for n in range(offset, offset + count):
            next_id += 1
            user = rng.choice(learners)
            skill = rng.choice(skills)
            severity = rng.choice(severities)
            when = now - timedelta(days=rng.uniform(0, 365))
            findings.append(
                (
                    next_id,
                    f"QA-{n}",
                    f"Criterion {n % 40}",
                    severity,
                    "",
                    when,
                    "csv",
                    when,
                    user.pk,
                    skill.pk,
                )
            )
            day = skill_model.day_number(when)
            evidence.append(
                (
                    0.0,
                    weights[severity],
                    day,
                    "qa_finding",
                    when,
                    when,
                    next_id,
                    skill.pk,
                    user.pk,
                    "{}",
                )
            )
        with connection.cursor() as cursor:
            raw = cursor.cursor
            copy(
                raw,
                "qa_qafinding",
                [
                    "id",
                    "interaction_ref",
                    "criterion",
                    "severity",
                    "note",
                    "occurred_at",
                    "source",
                    "created_at",
                    "agent_id",
                    "skill_id",
                ],
                findings,
            )
            copy(
                raw,
                "skills_skillevidence",
                [
                    "outcome",
                    "weight",
                    "occurred_day",
                    "source",
                    "occurred_at",
                    "created_at",
                    "source_id",
                    "skill_id",
                    "user_id",
                    "params",
                ],
                evidence,
            )

    lead_tokens = {}
    for team in teams:
        lead = users[team.pk - teams[0].pk]
        _token, key = api_token_create(user=lead, name="bench")
        lead_tokens[team.pk] = key

    class HttpsClient(Client):
        """DEBUG is off, so plain HTTP is redirected to HTTPS: ask over HTTPS as browsers do."""

        def get(self, path: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            kwargs["secure"] = True
            return super().get(path, *args, **kwargs)

    api = HttpsClient()
    page_client = HttpsClient()
    page_client.force_login(admin)

    def measure(stage: str) -> dict[str, float]:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        team_ids = [rng.choice(teams).pk for _ in range(SAMPLES)]
        # warm up (connections, caches), then count statements and time each call
        api.get(
            f"/api/v1/teams/{team_ids[0]}/skill-gaps/",
            HTTP_AUTHORIZATION=f"Token {lead_tokens[team_ids[0]]}",
        )
        page_client.get("/reports/skills/")
        with CaptureQueriesContext(connection) as gap_ctx:
            response = api.get(
                f"/api/v1/teams/{team_ids[0]}/skill-gaps/",
                HTTP_AUTHORIZATION=f"Token {lead_tokens[team_ids[0]]}",
            )
        assert response.status_code == 200, response.content[:300]
        gap_queries = len(gap_ctx.captured_queries)  # read now: later requests clear the log
        with CaptureQueriesContext(connection) as report_ctx:
            assert page_client.get("/reports/skills/?page=3").status_code == 200
        report_queries = len(report_ctx.captured_queries)
        gap_times, report_times, sql_times = [], [], []
        for team_id in team_ids:
            started = time.perf_counter()
            response = api.get(
                f"/api/v1/teams/{team_id}/skill-gaps/",
                HTTP_AUTHORIZATION=f"Token {lead_tokens[team_id]}",
            )
            gap_times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(
                    TEAM_GAPS_SQL,
                    {
                        "team": team_id,
                        "now": skill_model.day_number(timezone.now()),
                        "h": skill_model.half_life_days(),
                        "min": skill_model.min_evidence(),
                    },
                )
                rows = cursor.fetchall()
            sql_times.append((time.perf_counter() - started) * 1000)
            assert len(rows) == len(response.json()["members"]) * len(skills)
        org_sql_times = []
        for _ in range(SAMPLES // 2):
            page = rng.randint(1, len(learners) // 50)
            started = time.perf_counter()
            assert page_client.get(f"/reports/skills/?page={page}").status_code == 200
            report_times.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            params = {
                "now": skill_model.day_number(timezone.now()),
                "h": skill_model.half_life_days(),
                "min": skill_model.min_evidence(),
                "offset": (page - 1) * 50,
            }
            with connection.cursor() as cursor:
                cursor.execute(ORG_REPORT_SQL, params)
                assert len(cursor.fetchall()) <= len(skills)
                cursor.execute(ORG_PAGE_SQL, params)
                assert 0 < len(cursor.fetchall()) <= 50 * len(skills)
            org_sql_times.append((time.perf_counter() - started) * 1000)
        figures = {
            "gap_p95": p95(gap_times),
            "gap_queries": gap_queries,
            "report_p95": p95(report_times),
            "report_queries": report_queries,
            "sql_p95": p95(sql_times),
            "org_sql_p95": p95(org_sql_times),
        }
        print(
            f"{stage:>6}: team skill-gaps p95 {figures['gap_p95']:6.1f} ms ({figures['gap_queries']} queries) · "
            f"org report p95 {figures['report_p95']:6.1f} ms ({figures['report_queries']} queries) · "
            f"hand-written SQL p95 {figures['sql_p95']:5.1f} ms (gaps), "
            f"{figures['org_sql_p95']:5.1f} ms (org report)"
        )
        return figures

    t0 = time.perf_counter()
    add_answers(ANSWERS // 10)
    add_findings(FINDINGS // 10, 0)
    profiles_rebuild()
    print(
        f"10% of the data ({ANSWERS // 10:,} answers, {FINDINGS // 10:,} findings) in {time.perf_counter() - t0:.1f} s"
    )
    small = measure("10%")

    t0 = time.perf_counter()
    add_answers(ANSWERS - ANSWERS // 10)
    add_findings(FINDINGS - FINDINGS // 10, FINDINGS // 10)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT COUNT(*) FROM assessments_answer")
        answers_total = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM qa_qafinding")
        findings_total = cursor.fetchone()[0]
    print(
        f"All data: {answers_total:,} scored answers, {findings_total:,} QA findings (built in {time.perf_counter() - t0:.1f} s)"
    )
    started = time.perf_counter()
    rows = profiles_rebuild()
    rebuild = time.perf_counter() - started
    print(
        f"Rebuilt every projection: {rows:,} rows from {answers_total + findings_total:,} evidence rows in {rebuild:.1f} s"
    )
    assert SkillProficiency.objects.count() == rows
    large = measure("100%")
    gap_ratio = large["gap_p95"] / large["sql_p95"]
    report_ratio = large["report_p95"] / large["org_sql_p95"]
    print(
        f"Against hand-written SQL (p95 / p95): team skill-gaps {gap_ratio:.1f}× "
        f"(limit {GAP_RATIO:g}×, aim {GAP_AIM:g}×), org report {report_ratio:.1f}× "
        f"(limit {REPORT_RATIO:g}×, aim {REPORT_AIM:g}×)"
    )
    for name, ratio, aim in (
        ("team skill-gaps", gap_ratio, GAP_AIM),
        ("org report", report_ratio, REPORT_AIM),
    ):
        print(f"  ({'met' if ratio <= aim else 'not met'}, an aim)  {name} ≤ {aim:g}× its SQL")
    return verdict(
        {
            "skill-gaps queries do not grow": small["gap_queries"] == large["gap_queries"],
            "org report queries do not grow": small["report_queries"] == large["report_queries"],
        },
        ratios={
            f"team skill-gaps ≤ {GAP_RATIO:g}× its SQL": gap_ratio <= GAP_RATIO,
            f"org report ≤ {REPORT_RATIO:g}× its SQL": report_ratio <= REPORT_RATIO,
        },
        timed={
            f"team skill-gaps p95 < {GAP_P95_MS:.0f} ms": large["gap_p95"] < GAP_P95_MS,
            f"org report p95 < {REPORT_P95_MS:.0f} ms": large["report_p95"] < REPORT_P95_MS,
            f"rebuild < {REBUILD_S:.0f} s": rebuild < REBUILD_S,
        },
    )


if __name__ == "__main__":
    sys.exit(main())
