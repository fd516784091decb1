"""`make serve`, the real stack: gunicorn, a Celery worker and beat under supervisord
(deploy/supervisord.conf), with production settings (DEBUG off) against PostgreSQL and Redis,
working together, and coming back by themselves when one of them dies.

The test starts the README's command itself, in its own process group, on a free port and the
test database, with the virtualenv *not* on PATH (as for someone who never activated it).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.services import api_token_create
from assessments.models import Question
from config.settings import redis_db_url
from tests import factories
from tests.conftest import require

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


class Stack:
    def __init__(self, process: subprocess.Popen[str], log: Path, base: str) -> None:
        self.process, self.log, self.base = process, log, base

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def request(
        self, method: str, path: str, body: Any = None, token: str = "", https: bool = True
    ) -> tuple[int, dict[str, str], bytes]:
        """Call the stack as the proxy would for an HTTPS request (``https=False``: plain)."""
        headers = {"Content-Type": "application/json"}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if token:
            headers["Authorization"] = f"Token {token}"
        data = json.dumps(body).encode() if body is not None else None
        url = self.base + path  # always http://127.0.0.1:<port>/…
        request = urllib.request.Request(url, data, headers, method=method)  # noqa: S310
        try:
            with _OPENER.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def pid(self, program: str) -> int:
        """The pid supervisord last spawned ``program`` with."""
        spawned = re.findall(rf"spawned: '{program}' with pid (\d+)", self.output())
        assert spawned, f"supervisord never spawned {program}:\n{self.output()[-4000:]}"
        return int(spawned[-1])

    def wait_for(self, what: str, check: Any, seconds: float = 60) -> Any:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"`make serve` exited early:\n{self.output()[-4000:]}", pytrace=False)
            try:
                result = check()
            except (OSError, urllib.error.URLError):
                result = None
            if result:
                return result
            time.sleep(0.25)
        pytest.fail(f"timed out waiting for {what}:\n{self.output()[-4000:]}", pytrace=False)


@pytest.fixture
def stack(redis_url: str, tmp_path: Path) -> Iterator[Stack]:
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    require((VENV_BIN / "supervisord").exists(), "the virtualenv (make install)")
    # beat installs the schedules; pretend the one-minute sweep and heartbeat last ran an hour
    # ago so beat sends them as soon as it starts (instead of a minute later).
    call_command("sync_schedules", verbosity=0)
    PeriodicTask.objects.filter(
        name__in=["assessments.attempts_sweep", "core.heartbeat_record"]
    ).update(last_run_at=timezone.now() - timedelta(hours=1))
    port = _free_port()
    path = os.pathsep.join(
        p for p in os.environ.get("PATH", "").split(os.pathsep) if Path(p) != VENV_BIN
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "READINESS_", "MAKE", "VIRTUAL_ENV"))
        and key not in {"DEBUG", "EMAIL_BACKEND", "MFLAGS"}
    }
    env.update(
        PATH=path,
        DEBUG="0",
        SECRET_KEY="make-serve-test-" + "k" * 40,
        DATABASE_URL=_database_url(),
        REDIS_URL=redis_db_url(redis_url, 12),
        REDIS_CACHE_URL=redis_db_url(redis_url, 14),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL=f"http://127.0.0.1:{port}",
        # Behind a TLS-terminating proxy: it sets X-Forwarded-Proto (see Stack.request).
        USE_X_FORWARDED_PROTO="1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        WORKER_CONCURRENCY="1",
        VAR_DIR=str(tmp_path / "var"),
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        PYTHONUNBUFFERED="1",
    )
    import redis

    for db in (12, 14):
        redis.Redis.from_url(redis_db_url(redis_url, db)).flushdb()
    log = tmp_path / "make-serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "serve"],  # noqa: S607 (the README's command, from PATH)
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    stack = Stack(process, log, f"http://127.0.0.1:{port}")
    try:
        yield stack
    finally:
        _stop(stack)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _stop(stack: Stack) -> None:
    """SIGTERM to make's group (as Ctrl-C would): supervisord stops web, worker and beat, each
    in its own process group, before it exits. Wait for all of them; SIGKILL what lingers."""
    process = stack.process
    programs = [int(pid) for pid in re.findall(r"spawned: '\w+' with pid (\d+)", stack.output())]
    supervisord = [
        int(pid) for pid in re.findall(r"supervisord started with pid (\d+)", stack.output())
    ]
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and any(map(_alive, [*supervisord, *programs])):
        time.sleep(0.2)
    for pid in supervisord:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for pid in programs:  # each program leads its own process group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_make_serve_runs_web_worker_and_beat_together(stack: Stack, member) -> None:
    # given a published quiz and the member's API token
    quiz = factories.quiz_published()
    _token, key = api_token_create(user=member, name="make serve")

    # when the stack is up, /healthz sees the database and the broker
    def healthy() -> Any:
        status, _h, body = stack.request("GET", "/healthz", https=False)  # a load balancer
        return status == 200 and json.loads(body)

    health = stack.wait_for("GET /healthz to answer 200", healthy, seconds=120)
    assert health == {"status": "ok", "database": "ok", "broker": "ok"}

    # then plain HTTP is redirected to HTTPS (but not /healthz, above)
    status, headers, _body = stack.request("GET", "/accounts/login/", https=False)
    assert status == 301
    assert headers["Location"].startswith("https://")

    # and pages carry the production headers and static files come from whitenoise
    status, headers, html = stack.request("GET", "/accounts/login/")
    assert status == 200
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert b"/static/css/app." in html  # a hashed name from the manifest
    css = html.decode().split('href="/static/css/app.', 1)[1].split('"', 1)[0]
    status, headers, _body = stack.request("GET", f"/static/css/app.{css}")
    assert status == 200
    assert "immutable" in headers.get("Cache-Control", "")

    # and an attempt submitted to gunicorn is scored by the worker, through Redis
    attempt_id = _submit_all_right(stack, quiz, key)

    def scored() -> Any:
        _s, _h, body = stack.request("GET", f"/api/v1/attempts/{attempt_id}/", token=key)
        result = json.loads(body)
        return result if result["status"] == "scored" else None

    result = stack.wait_for("the worker to score the attempt", scored)
    assert result["percent"] == 100
    assert result["passed"] is True

    # and the readiness check sees the worker's heartbeat (beat sent it, the worker ran it)
    def ready() -> Any:
        status, _h, body = stack.request("GET", "/healthz/ready", https=False)
        return status == 200 and json.loads(body)

    readiness = stack.wait_for("GET /healthz/ready to answer 200", ready, seconds=90)
    assert readiness["reasons"] == []
    assert readiness["worker"]["status"] == "ok"
    assert readiness["backlogs"]["scoring"]["count"] == 0

    # and beat sends its periodic tasks to the worker
    stack.wait_for(
        "beat to send the attempts sweep and the worker to run it",
        lambda: (
            "Sending due task assessments.attempts_sweep" in stack.output()
            and re.search(r"Task assessments\.attempts_sweep\[[^\]]+\] succeeded", stack.output())
        ),
        seconds=90,
    )


def _submit_all_right(stack: Stack, quiz: Any, key: str) -> str:
    status, _h, body = stack.request("POST", f"/api/v1/quizzes/{quiz.pk}/attempts/", {}, key)
    assert status == 201, body
    attempt = json.loads(body)
    for item in attempt["questions"]:
        question = Question.objects.get(pk=item["id"])
        status, _h, body = stack.request(
            "PUT",
            f"/api/v1/attempts/{attempt['id']}/answers/{question.pk}/",
            {"choices": factories.right_choice_ids(question)},
            key,
        )
        assert status == 200, body
    status, _h, body = stack.request("POST", f"/api/v1/attempts/{attempt['id']}/submit/", {}, key)
    assert status == 202, body
    return str(attempt["id"])


def test_a_killed_worker_comes_back_and_web_keeps_serving(stack: Stack, member) -> None:
    # given the stack up and the worker running
    quiz = factories.quiz_published()
    _token, key = api_token_create(user=member, name="make serve")
    stack.wait_for(
        "GET /healthz to answer 200",
        lambda: stack.request("GET", "/healthz", https=False)[0] == 200,
        seconds=120,
    )
    stack.wait_for(
        "the worker to be ready", lambda: re.search(r"celery@\S+ ready\.", stack.output())
    )
    stack.wait_for(
        "supervisord to see the worker running",
        lambda: "success: worker entered RUNNING state" in stack.output(),
    )
    worker = stack.pid("worker")

    # when the worker is killed outright (the OOM killer, a crash)
    os.kill(worker, signal.SIGKILL)

    # then web keeps answering, and make serve is still running
    stack.wait_for(
        "supervisord to notice the worker died",
        lambda: re.search(r"exited: worker \(terminated by SIGKILL", stack.output()),
    )
    status, _h, _body = stack.request("GET", "/healthz", https=False)
    assert status == 200
    assert stack.process.poll() is None

    # and supervisord starts a new worker by itself
    stack.wait_for("a new worker", lambda: stack.pid("worker") != worker)
    stack.wait_for(
        "the new worker to be ready",
        lambda: len(re.findall(r"celery@\S+ ready\.", stack.output())) >= 2,
    )
    # and web and beat were never restarted
    assert len(re.findall(r"spawned: 'web' with pid", stack.output())) == 1
    assert len(re.findall(r"spawned: 'beat' with pid", stack.output())) == 1

    # and an attempt submitted afterwards is scored by the new worker
    attempt_id = _submit_all_right(stack, quiz, key)

    def scored() -> Any:
        _s, _h, body = stack.request("GET", f"/api/v1/attempts/{attempt_id}/", token=key)
        result = json.loads(body)
        return result if result["status"] == "scored" else None

    result = stack.wait_for("the new worker to score the attempt", scored)
    assert result["percent"] == 100
