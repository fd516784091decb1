"""PostgreSQL goes away and comes back: pages, the API, candidates and ``/healthz`` answer 503
with ``Retry-After`` meanwhile, never 500, and everything works again afterwards with nothing
lost that was acknowledged.

As the broker fault tests stop a ``redis-server`` of their own, this test runs a PostgreSQL
cluster of its own (``initdb`` into a temporary folder, its own port and socket folder; as root,
as the ``postgres`` user) and never touches the shared one. gunicorn serves the app against it
with production settings (tests/integration/outage_server_settings.py); the cluster is stopped
with ``pg_ctl stop -m immediate`` (as a crash or a failover would) and started again.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require

pytestmark = [pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
SETTINGS = "tests.integration.outage_server_settings"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A page that redirects to the login page must show as a redirect, not as that page."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(what: str, check: Callable[[], Any], seconds: float, log: Callable[[], str]) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            result = check()
            if result:
                return result
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}:\n{log()[-6000:]}", pytrace=False)


def _postgres_bin() -> Path | None:
    """The newest installed server's programs (Debian keeps them out of PATH)."""
    found = sorted(
        (Path(path).parent for path in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    """A throwaway PostgreSQL cluster: trust authentication on 127.0.0.1:<port> only, its
    socket in its own folder. ``fsync=off`` makes it quick to create; committed transactions
    still survive ``stop -m immediate`` (the WAL is written before a commit answers, only not
    flushed to the disk, which matters for a machine's crash, not a server's)."""

    def __init__(self, programs: Path) -> None:
        self.programs = programs
        self.as_root = os.geteuid() == 0
        # As root the server runs as ``postgres``, which can't enter pytest's private tmp_path.
        self.directory = Path(tempfile.mkdtemp(prefix="rd-outage-pg-"))
        if self.as_root:
            shutil.chown(self.directory, user="postgres", group="postgres")
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        self.port = _free_port()
        self.url = f"postgres://readiness@127.0.0.1:{self.port}/readiness"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.programs / program), *args]
        if self.as_root:
            command = [shutil.which("runuser") or "runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0:
            pytest.fail(
                f"{program} failed:\n{done.stdout}{done.stderr}\n{self.output()}", pytrace=False
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    def create(self) -> None:
        self._run(
            "initdb",
            *("-D", str(self.data), "-U", "readiness", "--auth=trust", "--no-sync"),
            *("-E", "UTF8", "--locale=C.UTF-8"),
        )
        self.start()
        self._run(
            "createdb", *("-h", "127.0.0.1", "-p", str(self.port), "-U", "readiness"), "readiness"
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", *("-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        )

    def stop(self) -> None:
        """As a crash would: no checkpoint, every connection cut."""
        self._run("pg_ctl", *("-D", str(self.data), "-m", "immediate", "-w", "stop"))

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(BaseException):
                self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def _environment(cluster: Cluster, var_dir: Path) -> dict[str, str]:
    """Production settings against the cluster; no Redis (one web process: the embedded
    broker and a per-process cache), tasks run inline so a submit is scored at once."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "READINESS_", "REDIS_", "DATABASE_"))
        and key not in {"DEBUG", "EMAIL_BACKEND"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DEBUG="0",
        SECRET_KEY="database-outage-test-" + "k" * 40,
        DATABASE_URL=cluster.url,
        READINESS_SINGLE_PROCESS="1",
        CELERY_TASK_ALWAYS_EAGER="1",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1",
        VAR_DIR=str(var_dir),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONUNBUFFERED="1",
    )
    return env


def seed() -> None:
    """Run in a subprocess against the cluster (``python -c``): a team with a lead and a
    member, a published quiz, the member's API token and browser session, a candidate's
    invitation. Prints what the test needs as JSON."""
    from datetime import timedelta

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from accounts.models import Membership
    from accounts.services import api_token_create
    from assessments import selectors, services
    from assessments.models import Question
    from tests import factories

    team = factories.TeamFactory.create(name="Support EMEA")
    lead = factories.UserFactory.create(email="lead@example.test")
    member = factories.UserFactory.create(email="agent@example.test")
    factories.MembershipFactory.create(user=lead, team=team, role=Membership.Role.LEAD)
    factories.MembershipFactory.create(user=member, team=team)
    quiz = factories.quiz_published()
    _token, key = api_token_create(user=member, name="outage test")
    session = SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    invitation = services.candidate_invitation_create(
        invited_by=lead,
        email="candidate@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=7),
    )
    right = {
        str(question.pk): factories.right_choice_ids(question)
        for question in Question.objects.filter(version__quiz=quiz).prefetch_related("choices")
    }
    print(
        json.dumps(
            {
                "quiz": quiz.pk,
                "token": key,
                "session": session.session_key,
                "candidate": selectors.candidate_invitation_url(invitation),
                "right": right,
            }
        )
    )


class Server:
    """gunicorn as the Procfile runs it (one process, four threads), in its own group."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = _free_port()
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [
                    str(VENV_BIN / "gunicorn"),
                    "config.wsgi",
                    *("--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4"),
                    *("--access-logfile", "-"),
                    "--no-control-socket",  # not ~/.gunicorn/gunicorn.ctl, which others use
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def request(
        self, method: str, path: str, body: Any = None, token: str = "", session: str = ""
    ) -> tuple[int, dict[str, str], str]:
        headers = {"Content-Type": "application/json", "Accept-Language": "en"}
        if token:
            headers["Authorization"] = f"Token {token}"
        if session:
            headers["Cookie"] = f"sessionid={session}"
        data = json.dumps(body).encode() if body is not None else None
        url = f"http://127.0.0.1:{self.port}{path}"
        request = urllib.request.Request(url, data, headers, method=method)
        try:
            with _OPENER.open(request, timeout=15) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    programs = _postgres_bin()
    require(programs is not None, "PostgreSQL's server programs (initdb, pg_ctl)")
    assert programs is not None
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            require(False, "a postgres user to run a throwaway cluster as (running as root)")
        require(shutil.which("runuser") is not None, "runuser (util-linux), to run as postgres")
    server = Cluster(programs)
    try:
        server.create()
        yield server
    finally:
        server.remove()


@pytest.fixture
def site(cluster: Cluster, tmp_path: Path) -> Iterator[tuple[Server, dict[str, Any]]]:
    """The cluster migrated and seeded, and gunicorn serving it."""
    env = _environment(cluster, tmp_path / "var")
    (tmp_path / "var" / "static").mkdir(parents=True)  # STATIC_ROOT, or WhiteNoise warns
    python = str(VENV_BIN / "python")
    migrated = subprocess.run(
        [python, "manage.py", "migrate", "--run-syncdb", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr[-4000:]
    seeded = subprocess.run(
        [
            python,
            "-c",
            "import django; django.setup(); "
            "from tests.integration.test_database_outage import seed; seed()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert seeded.returncode == 0, seeded.stderr[-4000:]
    data = json.loads(seeded.stdout.strip().splitlines()[-1])
    server = Server(env, tmp_path / "gunicorn.log")
    try:
        _wait(
            "gunicorn to answer /healthz",
            lambda: server.request("GET", "/healthz")[0] == 200,
            60,
            server.output,
        )
        yield server, data
    finally:
        server.stop()


def _unavailable_page(answer: tuple[int, dict[str, str], str]) -> None:
    status, headers, html = answer
    assert status == 503, html[:2000]
    assert headers["Retry-After"] == "10"
    assert headers["Content-Type"].startswith("text/html")
    assert "<h1>Readiness is unavailable for a moment</h1>" in html


def _unavailable_json(answer: tuple[int, dict[str, str], str]) -> None:
    status, headers, body = answer
    assert status == 503, body[:2000]
    assert headers["Retry-After"] == "10"
    assert json.loads(body)["code"] == "unavailable"


def test_pages_api_candidates_and_healthz_answer_503_while_postgresql_is_away(
    cluster: Cluster, site: tuple[Server, dict[str, Any]]
) -> None:
    server, data = site
    token, session, candidate = data["token"], data["session"], data["candidate"]

    # given a member's attempt with the first answer saved (acknowledged: 200)
    status, _h, body = server.request(
        "POST", f"/api/v1/quizzes/{data['quiz']}/attempts/", {}, token
    )
    assert status == 201, body
    attempt = json.loads(body)
    questions = [str(item["id"]) for item in attempt["questions"]]
    answers = f"/api/v1/attempts/{attempt['id']}/answers"
    first = server.request(
        "PUT", f"{answers}/{questions[0]}/", {"choices": data["right"][questions[0]]}, token
    )
    assert first[0] == 200, first[2]
    # and the member's page and a candidate's page answering
    assert server.request("GET", "/training/", session=session)[0] == 200
    assert server.request("GET", candidate)[0] == 200

    # when PostgreSQL goes away
    cluster.stop()

    # then pages, saves, submits and a candidate's page answer 503 with Retry-After
    _unavailable_page(server.request("GET", "/training/", session=session))
    _unavailable_page(server.request("GET", candidate))
    second = {"choices": data["right"][questions[1]]}
    _unavailable_json(server.request("PUT", f"{answers}/{questions[1]}/", second, token))
    _unavailable_json(
        server.request("POST", f"/api/v1/attempts/{attempt['id']}/submit/", {}, token)
    )
    _unavailable_json(server.request("GET", "/api/v1/me/", session=session))
    # and /healthz answers its own 503, with or without a session cookie
    for cookie in ("", session):
        status, headers, body = server.request("GET", "/healthz", session=cookie)
        assert status == 503, body
        assert headers["Retry-After"] == "10"
        assert json.loads(body)["database"].startswith("error: ")
        assert json.loads(body)["status"] == "unavailable"

    # when PostgreSQL is back (nobody restarts the web process)
    cluster.start()

    # then everything answers again: the same session (not logged out), the same token
    _wait(
        "/healthz to answer 200 again",
        lambda: server.request("GET", "/healthz", session=session)[0] == 200,
        30,
        server.output,
    )
    assert server.request("GET", "/training/", session=session)[0] == 200
    assert server.request("GET", candidate)[0] == 200
    # and the refused submit changed nothing
    status, _h, body = server.request("GET", f"/api/v1/attempts/{attempt['id']}/", token=token)
    assert (status, json.loads(body)["status"]) == (200, "in_progress")
    for question in questions[1:]:
        saved = server.request(
            "PUT", f"{answers}/{question}/", {"choices": data["right"][question]}, token
        )
        assert saved[0] == 200, saved[2]
    submitted = server.request("POST", f"/api/v1/attempts/{attempt['id']}/submit/", {}, token)
    assert submitted[0] == 202, submitted[2]
    # and the answer saved before the outage counted: every answer right, 100 %
    status, _h, body = server.request("GET", f"/api/v1/attempts/{attempt['id']}/", token=token)
    result = json.loads(body)
    assert (status, result["status"], result["percent"]) == (200, "scored", 100)
    # and no answer was a 500
    log = server.output()
    assert "Internal Server Error" not in log, log[-4000:]
    assert not re.search(r'" 500 \d', log), log[-4000:]
