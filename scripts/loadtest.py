#!/usr/bin/env python3
"""`make loadtest`: quiz day against the real stack, with figures that can be compared.

1. Rebuilds a throwaway PostgreSQL database (``LOADTEST_DATABASE_URL``), migrates, loads the
   demo (its agent knowledge check) and ``LEARNERS`` learners with API tokens and
   ``CANDIDATES`` candidate invitations.
2. Starts the real stack as ``make serve`` does (gunicorn, Celery worker and beat under
   supervisord with deploy/supervisord.conf, DEBUG off, PostgreSQL and Redis) on
   127.0.0.1:``LOADTEST_PORT``.
3. Runs scripts/locustfile.py headless in its own process: takers arriving over ``ARRIVAL``
   seconds as a Poisson process (``0``: all at the same moment), every question answered
   after a think time (``THINK`` seconds on average), one answer revisited, submit, poll
   until scored; a floor user calls ``/healthz`` and ``/api/v1/auth/ping/`` meanwhile.
   ``SCENARIO=quiz-day`` is the target (3,000 takers, 150 of them candidates, over 60 s,
   20 s per question); ``SCENARIO=stress`` the same people in the same second.
4. Prints per step p50/p95/p99 and errors, answers lost (what each client was told was saved
   against the database), attempts not scored exactly once, submit→scored latency,
   requests/s, the peak RSS and CPU seconds of each kind of process (Locust, PostgreSQL and
   Redis included), and the floor's figures from the same run.

Exit status 1 if anything was lost, failed or not scored exactly once; time targets are
printed against their aims (``STRICT=1`` or ``LOADTEST_STRICT=1`` makes them fail the run too). Bounded in
time (``LOADTEST_MAX_SECONDS``); traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import csv
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent

# SCENARIO=quiz-day: the realistic quiz day, 3,000 takers (150 of them candidates) arriving
# over 60 s, 20 s per question. SCENARIO=stress: the same people starting in the same second.
# Otherwise (and for anything set explicitly) LEARNERS, CANDIDATES, THINK and ARRIVAL.
SCENARIOS = {
    "quiz-day": {"LEARNERS": "2850", "CANDIDATES": "150", "THINK": "20", "ARRIVAL": "60"},
    "stress": {"LEARNERS": "2850", "CANDIDATES": "150", "THINK": "20", "ARRIVAL": "0"},
}
SCENARIO = os.environ.get("SCENARIO", "")
if SCENARIO and SCENARIO not in SCENARIOS:
    raise SystemExit(f"SCENARIO is one of {', '.join(SCENARIOS)} (or unset), not {SCENARIO!r}")
_PRESET = SCENARIOS.get(SCENARIO, {})


def _setting(name: str, default: str) -> str:
    return os.environ.get(name) or _PRESET.get(name, default)


LEARNERS = int(_setting("LEARNERS", "300"))
CANDIDATES = int(_setting("CANDIDATES", str(max(1, LEARNERS // 20))))
THINK = float(_setting("THINK", "0"))
ARRIVAL = float(_setting("ARRIVAL", "0"))  # seconds over which takers arrive; 0: all at once
PORT = int(os.environ.get("LOADTEST_PORT", "8731"))
HOST = "127.0.0.1"  # never anywhere else
DB_URL = os.environ.get(
    "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/readiness_loadtest"
)
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/4")
REDIS_CACHE_URL = os.environ.get("LOADTEST_REDIS_CACHE_URL", "redis://127.0.0.1:6379/5")
MAX_SECONDS = float(
    os.environ.get("LOADTEST_MAX_SECONDS", str(max(300, 60 + ARRIVAL + 30 * THINK * 1.5)))
)
# STRICT=1 (as for `make bench`) or LOADTEST_STRICT=1: the time aims fail the run too.
STRICT = any(
    os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}
    for name in ("STRICT", "LOADTEST_STRICT")
)
OUT_DIR = ROOT / "var" / "loadtest"
CPU_DUR = re.compile(r"cpu;dur=([0-9.]+)")  # core/timing.py's Server-Timing

# The aims (README, docs/operations.md). Times are in milliseconds.
AIMS = {
    "answer p95": 300.0,
    "start p95": 1000.0,
    "submit→scored p95": 10_000.0,
    "answer p95 / floor p95": 2.0,
}

STACK_ENV = {
    "DEBUG": "0",
    "DATABASE_URL": DB_URL,
    "REDIS_URL": REDIS_URL,
    "REDIS_CACHE_URL": REDIS_CACHE_URL,
    "SECRET_KEY": "loadtest-only-" + "k" * 40,
    "ALLOWED_HOSTS": f"{HOST},localhost",
    "SITE_URL": f"http://{HOST}:{PORT}",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "VAR_DIR": str(OUT_DIR / "var"),
    "PORT": str(PORT),
    "LOG_LEVEL": "WARNING",
    "REQUEST_CPU_TIMING": "1",  # each response says its web CPU (core/timing.py)
}


def say(message: str) -> None:
    print(f"[loadtest {time.strftime('%H:%M:%S')}] {message}", flush=True)


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, **STACK_ENV, **extra}


def manage(*args: str, **extra: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env(**extra), check=True)


def recreate_database() -> None:
    import psycopg
    from psycopg import sql

    name = DB_URL.rsplit("/", 1)[1]
    admin_url = DB_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def django_setup() -> None:
    os.environ.update(STACK_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["READINESS_SINGLE_PROCESS"] = "1"
    import django

    django.setup()


def load_people() -> dict[str, Any]:
    """Learners with API tokens in teams of 50, candidate invitations; the quiz's questions."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import ApiToken, Membership, Team, User
    from accounts.selectors import api_token_hash
    from assessments.models import CandidateInvitation, Question, Quiz
    from assessments.selectors import candidate_invitation_token, quiz_current_version

    quiz = Quiz.objects.get(slug="agent-knowledge-check")
    version = quiz_current_version(quiz)
    assert version is not None
    password = make_password(None)  # unusable: learners use their tokens
    users = User.objects.bulk_create(
        [
            User(email=f"learner{n}@load.test", name=f"Learner {n}", password=password)
            for n in range(LEARNERS)
        ],
        batch_size=1000,
    )
    teams = Team.objects.bulk_create(
        [Team(name=f"Quiz day {n}") for n in range((LEARNERS + 49) // 50)]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, team=teams[n // 50], role="member") for n, u in enumerate(users)],
        batch_size=1000,
    )
    keys = [f"loadtest-{n}-{os.urandom(12).hex()}" for n in range(LEARNERS)]
    now = timezone.now()
    ApiToken.objects.bulk_create(
        [
            ApiToken(user=u, key_hash=api_token_hash(k), prefix=k[:8], last_used_at=now)
            for u, k in zip(users, keys, strict=True)
        ],
        batch_size=1000,
    )
    lead = User.objects.get(email="lead@demo.test")
    team = Team.objects.get(name="Support EMEA")
    invitations = CandidateInvitation.objects.bulk_create(
        [
            CandidateInvitation(
                email=f"candidate{n}@load.test",
                quiz=quiz,
                team=team,
                invited_by=lead,
                expires_at=now + timedelta(days=2),
                sent_at=now,
            )
            for n in range(CANDIDATES)
        ]
    )
    questions = [
        {"id": q.pk, "choices": [c.pk for c in q.choices.all()]}
        for q in Question.objects.filter(version=version).prefetch_related("choices")
    ]
    return {
        "quiz": quiz.pk,
        "learners": keys,
        "candidates": [candidate_invitation_token(i) for i in invitations],
        "questions": questions,
    }


# --- the stack --------------------------------------------------------------------------------


class Stack:
    """``make serve``'s supervisord in its own process group, every process's peak RSS sampled."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.peaks: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self.log = open(OUT_DIR / "stack.log", "wb")  # noqa: SIM115

    def start(self) -> None:
        """What ``make serve`` runs, after its setup steps: collecting the static files is
        skipped when nothing changed since the last run (it takes minutes on a busy machine)."""
        if static_is_stale():
            manage("collectstatic", "--no-input", "-v", "0")
        manage("sync_schedules")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "supervisord"), "-c", "deploy/supervisord.conf"],
            cwd=ROOT,
            env=env(
                PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
                WEB_CONCURRENCY=os.environ.get("WEB_CONCURRENCY", "3"),
                WORKER_CONCURRENCY=os.environ.get("WORKER_CONCURRENCY", "2"),
            ),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=self._sample, daemon=True).start()

    def _descendants(self) -> list[int]:
        assert self.process is not None
        children: dict[int, list[int]] = defaultdict(list)
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                children[int(fields[1])].append(int(entry.name))
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += children.get(pid, [])
        return found

    def _sample(self) -> None:
        while not self._stop.is_set():
            for pid in self._descendants():
                try:
                    self._measure(pid)
                except (OSError, ValueError, IndexError):
                    continue  # the process ended meanwhile
            time.sleep(0.5)

    def _measure(self, pid: int) -> None:
        status = Path(f"/proc/{pid}/status").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        rss = next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")),
            0,
        )
        name = self._name(pid, cmdline.decode(errors="replace"))
        if name and rss > self.peaks.get(pid, ("", 0))[1]:
            self.peaks[pid] = (name, rss)

    def _name(self, pid: int, cmdline: str) -> str:
        if "supervisord" in cmdline:
            return "supervisord"
        if "gunicorn" in cmdline:
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            parent_cmd = Path(f"/proc/{parent}/cmdline").read_bytes()
            return "gunicorn worker" if b"gunicorn" in parent_cmd else "gunicorn master"
        if "celery" in cmdline and " beat" in cmdline:
            return "celery beat"
        if "celery" in cmdline and " worker" in cmdline:
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            parent_cmd = Path(f"/proc/{parent}/cmdline").read_bytes()
            return "celery pool process" if b"celery" in parent_cmd else "celery worker main"
        return ""

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds used so far by every process on the machine, by kind: the stack's
        (as named for the RSS), PostgreSQL's, Redis's, Locust's and everything else's."""
        ticks = os.sysconf("SC_CLK_TCK")
        stack = set(self._descendants())
        used: dict[str, float] = defaultdict(float)
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (
                    (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                )
                pid = int(entry.name)
                kind = self._name(pid, cmdline) if pid in stack else ""
            except (OSError, ValueError, IndexError):
                continue  # the process ended meanwhile
            if not kind:
                kind = (
                    "postgresql"
                    if cmdline.startswith("postgres")
                    else "redis"
                    if "redis-server" in cmdline
                    else "locust (the load)"
                    if "locust" in cmdline
                    else "other processes"
                )
            used[kind] += (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        return dict(used)

    def stop(self) -> None:
        self._stop.set()
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=70)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def static_is_stale() -> bool:
    manifest = Path(STACK_ENV["VAR_DIR"]) / "static" / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(path.stat().st_mtime > built for path in (ROOT / "static").rglob("*"))


def wait_until_up(deadline: float) -> None:
    url = f"http://{HOST}:{PORT}/healthz"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                if response.status == 200:
                    return
        except OSError:
            pass  # not listening yet: try again until the deadline
        time.sleep(1)
    raise SystemExit(f"the stack did not answer on {url}; see {OUT_DIR / 'stack.log'}")


def warm_up(plan: dict[str, Any], deadline: float) -> None:
    """One attempt through every step, scored by the worker: the stack is really up."""
    from accounts.models import User
    from accounts.services import api_token_create

    user = User.objects.create(email="warm-up@load.test", name="Warm-up")
    _token, key = api_token_create(user=user, name="loadtest warm-up")
    headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
    base = f"http://{HOST}:{PORT}/api/v1"

    def call(method: str, path: str, payload: Any = None) -> Any:
        request = urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
            f"{base}{path}",
            data=json.dumps(payload).encode() if payload is not None else None,
            headers=headers,
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return json.loads(exc.read() or b"null")

    body = call("POST", f"/quizzes/{plan['quiz']}/attempts/")
    attempt = body["id"]
    for question in body.get("questions", []):
        call("PUT", f"/attempts/{attempt}/answers/{question['id']}/", {"choices": []})
    call("POST", f"/attempts/{attempt}/submit/")
    while time.monotonic() < deadline:
        if call("GET", f"/attempts/{attempt}/")["status"] == "scored":
            return
        time.sleep(1)
    raise SystemExit("the worker did not score the warm-up attempt; see the stack log")


# --- figures ----------------------------------------------------------------------------------


def read_stats(prefix: Path) -> dict[str, dict[str, float]]:
    rows: dict[str, dict[str, float]] = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            rows[row["Name"]] = {
                "count": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
                "rps": float(row["Requests/s"] or 0),
            }
    return rows


def wait_for_scoring(deadline: float) -> None:
    from assessments.models import Attempt

    while time.monotonic() < deadline:
        if not Attempt.objects.filter(status=Attempt.Status.SUBMITTED).exists():
            return
        time.sleep(1)


def check_database(records: list[dict[str, Any]]) -> dict[str, int]:
    """What the clients were told against what the database holds."""
    from django.db.models import Count

    from assessments.models import Answer, Attempt
    from skills.models import SkillEvidence

    ids = [r["attempt"] for r in records if r.get("attempt")]
    saved = {
        (str(a), str(q)): c
        for a, q, c in Answer.objects.filter(attempt_id__in=ids).values_list(
            "attempt_id", "question_id", "choice_ids"
        )
    }
    lost = sum(
        saved.get((r["attempt"], question)) != choices
        for r in records
        if r.get("attempt")
        for question, choices in r["answers"].items()
    )
    submitted = [r["attempt"] for r in records if r.get("submitted")]
    scored = set(
        map(
            str,
            Attempt.objects.filter(pk__in=submitted, status=Attempt.Status.SCORED).values_list(
                "pk", flat=True
            ),
        )
    )
    answer_ids = Answer.objects.filter(attempt_id__in=submitted).values("pk")
    twice = (
        SkillEvidence.objects.filter(source=SkillEvidence.Source.ANSWER, source_id__in=answer_ids)
        .values("source_id", "skill_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    return {
        "takers": len(records),
        "attempts": len(ids),
        "answers acknowledged": sum(len(r["answers"]) for r in records),
        "answers lost": lost,
        "not scored": len(set(submitted) - scored),
        "scored twice (evidence rows repeated)": twice,
        # answers and submits (harmless to repeat) re-sent once after a reused keep-alive
        # connection closed with no answer, as a browser does (scripts/locustfile.py)
        "requests re-sent after a closed connection": sum(r.get("resent", 0) for r in records),
    }


def web_cpu_figures(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Per endpoint, the web CPU of a request (the server's ``Server-Timing``): median and
    mean in ms, and the median against the floor's (``/api/v1/auth/ping/``); printed."""
    floor_samples = samples.get("floor ping", [])
    floor = statistics.median(floor_samples) if floor_samples else 0.0
    figures = {}
    print()
    print(
        "web CPU per request (the server's own figure, median / mean ms; × the floor: a bare "
        "authenticated API call through the same stack)"
    )
    for name, values in sorted(samples.items()):
        median = statistics.median(values)
        figures[name] = {
            "n": len(values),
            "median_ms": median,
            "mean_ms": statistics.fmean(values),
            "x_floor": median / floor if floor else 0.0,
        }
        print(
            f"  {name:<28} {len(values):>7}  {median:6.2f} / {statistics.fmean(values):6.2f}"
            f"  {median / floor if floor else 0.0:5.2f}×"
        )
    return figures


def report(
    stats: dict[str, dict[str, float]],
    checks: dict[str, int],
    seconds: float,
    peaks: dict[int, tuple[str, int]],
    cpu: dict[str, float],
    web_cpu: dict[str, list[float]] | None = None,
) -> bool:
    print()
    arrival = (
        f"arriving over {ARRIVAL:g} s (Poisson)" if ARRIVAL > 0 else "starting at the same moment"
    )
    print(
        f"Quiz day: {LEARNERS} learners + {CANDIDATES} candidates {arrival}, think time "
        f"{THINK:g} s, {os.cpu_count()} cores, {seconds:.0f} s"
    )
    print(f"{'step':<28} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, row in stats.items():
        if name == "Aggregated":
            continue
        print(
            f"{name:<28} {row['count']:>9.0f} {row['failures']:>7.0f} {row['p50']:>8.0f} "
            f"{row['p95']:>8.0f} {row['p99']:>8.0f}"
        )
    total = stats.get("Aggregated", {})
    http = sum(r["count"] for n, r in stats.items() if n not in {"Aggregated", "submit→scored"})
    print(f"requests/s (all HTTP, over the run): {http / seconds:.1f}")
    print()
    for key, value in checks.items():
        print(f"{key:<40} {value}")
    print()
    print("peak RSS per process (MiB):")
    by_kind: dict[str, list[int]] = defaultdict(list)
    for name, rss in peaks.values():
        by_kind[name].append(rss)
    for name, values in sorted(by_kind.items()):
        print(f"  {name:<22} {len(values)} × up to {max(values) / 1024:.0f}")
    print()
    cores = os.cpu_count() or 1
    busy = sum(cpu.values())
    print(
        f"CPU during the run: {busy:.0f} s of the {cores * seconds:.0f} core-seconds there were "
        f"({100 * busy / (cores * seconds):.0f}%); per HTTP request "
        f"{1000 * busy / max(1, http):.1f} ms, of which:"
    )
    for name, used in sorted(cpu.items(), key=lambda item: -item[1]):
        print(f"  {name:<22} {used:>7.1f} s  {1000 * used / max(1, http):>6.2f} ms per request")
    web = web_cpu_figures(web_cpu or {})
    answer = stats.get("answer", {}).get("p95", 0.0)
    floor = stats.get("floor /healthz", {}).get("p95", 0.0) or 1.0
    figures = {
        "answer p95": answer,
        "start p95": stats.get("start", {}).get("p95", 0.0),
        "submit→scored p95": stats.get("submit→scored", {}).get("p95", 0.0),
        "answer p95 / floor p95": answer / floor,
    }
    print()
    print(f"floor /healthz p95 {floor:.0f} ms; answer p95 is {answer / floor:.2f}× the floor")
    over = []
    for key, aim in AIMS.items():
        ok = figures[key] <= aim
        print(f"  {key:<26} {figures[key]:>10.2f}  aim ≤ {aim:g}  {'ok' if ok else 'OVER'}")
        if not ok:
            over.append(key)
    errors = total.get("failures", 0)
    broken = (
        errors
        or checks["answers lost"]
        or checks["not scored"]
        or checks["scored twice (evidence rows repeated)"]
    )
    result = {
        "stats": stats,
        "checks": checks,
        "figures": figures,
        "seconds": seconds,
        "learners": LEARNERS,
        "candidates": CANDIDATES,
        "think": THINK,
        "arrival": ARRIVAL,
        "scenario": SCENARIO or "custom",
        "peak_rss_kib": {f"{n}:{p}": r for p, (n, r) in peaks.items()},
        "cpu_seconds": cpu,
        "web_cpu_ms": web,
    }
    (OUT_DIR / "report.json").write_text(json.dumps(result, indent=2))
    print(f"\nreport: {OUT_DIR / 'report.json'}")
    if broken:
        print("FAILED: errors, lost answers or attempts not scored exactly once.")
        return False
    if STRICT and over:
        print(f"FAILED (LOADTEST_STRICT): over the aim: {', '.join(over)}")
        return False
    print("Load test passed: 0 errors, 0 lost answers, every attempt scored exactly once.")
    return True


def profile() -> int:
    """``scripts/loadtest.py --profile``: where a quiz-day request's time goes, in process.

    The same settings as the stack (DEBUG off, PostgreSQL, Redis), Django's test client
    instead of gunicorn: milliseconds (wall and CPU) and SQL statements per request for
    ``/healthz``, a start, an answer save, the floor (``/api/v1/auth/ping/``) and the poll of
    a submitted attempt, each request's CPU against the floor's, then cProfile's top
    functions for ``PROFILE`` (``answer``, ``ping``, ``poll``, ``start``, ``submit``,
    ``result``; several with commas) sorted by
    ``PROFILE_SORT`` (``cumulative``, ``tottime``).
    """
    import cProfile
    import pstats

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    global LEARNERS, CANDIDATES
    LEARNERS, CANDIDATES = 120, 1
    recreate_database()
    manage("migrate", "--no-input", "-v", "0")
    manage("demo", "--no-banner", DEBUG="1")
    django_setup()
    from django.db import connection
    from django.test import Client

    plan = load_people()
    client = Client(HTTP_HOST=HOST)

    cpu: dict[str, float] = {}

    def timed(label: str, calls: list[tuple[str, str, Any]]) -> list[Any]:
        statements: list[str] = []

        def count(execute: Any, sql: str, *args: Any) -> Any:
            statements.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            method, path, body = calls[0]
            responses = [call(method, path, body)]
        started, web = time.perf_counter(), 0.0
        for method, path, body in calls[1:]:
            responses.append(call(method, path, body))
            found = CPU_DUR.search(responses[-1].get("Server-Timing", ""))
            web += float(found.group(1)) if found else 0.0
        n = max(1, len(calls) - 1)
        ms = (time.perf_counter() - started) * 1000 / n
        cpu[label] = web / n  # the server's own figure, as in the load test
        print(
            f"{label:<17} {ms:6.2f} ms per request ({cpu[label]:5.2f} ms web CPU), "
            f"{len(statements)} SQL statements"
        )
        return responses

    def call(method: str, path: str, body: Any) -> Any:
        key = plan["learners"][0]
        if isinstance(body, dict) and "_key" in body:  # another learner's token
            key = body["_key"]
            body = {k: v for k, v in body.items() if k != "_key"} or None
        response = getattr(client, method)(
            path,
            json.dumps(body) if body is not None else None,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {key}",
        )
        assert response.status_code < 400, (path, response.status_code, response.content[:200])
        return response

    timed("/healthz", [("get", "/healthz", None)] * 201)
    quiz = plan["quiz"]
    waiting = call(
        "post", f"/api/v1/quizzes/{quiz}/attempts/", {"_key": plan["learners"][1]}
    ).json()  # submitted below, then polled
    starts = [
        ("post", f"/api/v1/quizzes/{quiz}/attempts/", {"_key": k}) for k in plan["learners"][2:]
    ]
    half = len(starts) // 2
    started = [
        (r.json()["id"], c[2]["_key"])
        for r, c in zip(timed("start", starts[:half]), starts[:half], strict=True)
    ]
    attempt = call("post", f"/api/v1/quizzes/{quiz}/attempts/", None).json()
    answers = [
        ("put", f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}/", {"choices": [c["id"]]})
        for _ in range(20)
        for q in attempt["questions"]
        for c in q["choices"][:1]
    ]
    timed("answer save", answers)
    pings = [("get", "/api/v1/auth/ping/", None)] * 201
    timed("ping (floor)", pings)
    key = plan["learners"][1]
    call("post", f"/api/v1/attempts/{waiting['id']}/submit/", {"_key": key})
    polls = [("get", f"/api/v1/attempts/{waiting['id']}/", {"_key": key})] * 101
    status = call(*polls[0]).json()["status"]
    timed(f"poll ({status})", polls)
    submits = [("post", f"/api/v1/attempts/{a}/submit/", {"_key": k}) for a, k in started]
    timed("submit", submits[: half // 2])
    from assessments.services import attempts_score

    for attempt_id, _key in started[: half // 2]:
        attempts_score(attempt_id=attempt_id)
    results = [("get", f"/api/v1/attempts/{a}/", {"_key": k}) for a, k in started[: half // 2]]
    timed("result (scored)", results)
    floor = cpu["ping (floor)"]
    print(
        "CPU against the floor: "
        + ", ".join(f"{label} {ms / floor:.2f}×" for label, ms in cpu.items() if floor)
    )
    chosen: dict[str, list[tuple[str, str, Any]]] = {
        "answer": answers * 3,
        "ping": pings * 3,
        "poll": polls * 3,
        "start": starts[half:],  # each learner starts once, submits once
        "submit": submits[half // 2 :],
        "result": results * 3,
    }
    order = os.environ.get("PROFILE_SORT", "cumulative")
    for which in os.environ.get("PROFILE", "answer").split(","):
        calls = chosen[which.strip()]
        profiler = cProfile.Profile()
        profiler.enable()
        for method, path, body in calls:
            call(method, path, dict(body) if isinstance(body, dict) else body)
        profiler.disable()
        print(f"\ncProfile of {len(calls)} requests: {which} ({order}, top 40):")
        pstats.Stats(profiler).sort_stats(order).print_stats(40)
    return 0


def main() -> int:
    if "--profile" in sys.argv:
        return profile()
    started = time.monotonic()
    deadline = started + MAX_SECONDS
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    say(f"database {DB_URL.rsplit('/', 1)[1]}: rebuilding, migrating, loading the demo")
    recreate_database()
    manage("migrate", "--no-input", "-v", "0")
    manage("demo", "--no-banner", DEBUG="1")
    django_setup()
    plan = load_people()
    plan_file = OUT_DIR / "plan.json"
    plan_file.write_text(json.dumps(plan))
    say(
        f"{LEARNERS} learners and {CANDIDATES} candidates loaded; starting the stack (as `make serve`) on {HOST}:{PORT}"
    )
    stack = Stack()
    stack.start()
    try:
        # make serve migrates and collects the static files first: minutes on a busy machine
        wait_until_up(time.monotonic() + 600)
        warm_up(plan, time.monotonic() + 180)
        say("stack up and scoring; running Locust")
        users = LEARNERS + CANDIDATES + 1
        out = OUT_DIR / "clients.json"
        prefix = OUT_DIR / "locust"
        run_time = max(30, int(deadline - time.monotonic() - 60))
        began = time.monotonic()
        cpu_before = stack.cpu_seconds()
        load_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [
                str(VENV_BIN / "locust"),
                "-f",
                str(ROOT / "scripts" / "locustfile.py"),
                "--headless",
                "--host",
                f"http://{HOST}:{PORT}",
                "-u",
                str(users),
                "-r",
                str(min(users, 500)),
                "--run-time",
                f"{run_time}s",
                "--stop-timeout",
                "5",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "LOADTEST_PLAN": str(plan_file),
                "LOADTEST_OUT": str(out),
                "LOADTEST_CPU_OUT": str(OUT_DIR / "web_cpu.json"),
                "LOADTEST_THINK": str(THINK),
                "LOADTEST_ARRIVAL": str(ARRIVAL),
            },
            check=False,
        )
        seconds = time.monotonic() - began
        cpu_after = stack.cpu_seconds()
        load_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = {
            kind: used - cpu_before.get(kind, 0.0)
            for kind, used in cpu_after.items()
            if used - cpu_before.get(kind, 0.0) > 0.05
        }
        # Locust has ended by now: its CPU is what the children waited for used meanwhile
        cpu["locust (the load)"] = (load_after.ru_utime + load_after.ru_stime) - (
            load_before.ru_utime + load_before.ru_stime
        )
        wait_for_scoring(time.monotonic() + 60)
        records = json.loads(out.read_text()) if out.exists() else []
        checks = check_database(records)
        missing = LEARNERS + CANDIDATES - len(records)
        checks["takers that did not finish"] = missing
    finally:
        stack.stop()
    cpu_file = OUT_DIR / "web_cpu.json"
    web_cpu = json.loads(cpu_file.read_text()) if cpu_file.exists() else {}
    ok = report(read_stats(prefix), checks, seconds, stack.peaks, cpu, web_cpu) and not missing
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
