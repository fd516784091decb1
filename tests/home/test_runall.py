"""`make run` (the `runall` command): web, worker and beat that come back when one dies, and
the URL and logins printed last, with the port asked for."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management.base import OutputWrapper

from home.management.commands.runall import BACKOFF_MAX, Child, Children

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
STARTED = re.compile(r"runall: started \w+ \(pid (\d+)\)")


def _wait(what: str, check, process: subprocess.Popen[str], log: Path, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`make run` exited early:\n{log.read_text()[-4000:]}", pytrace=False)
        result = check()
        if result:
            return result
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text()[-4000:]}", pytrace=False)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _healthz(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


@pytest.fixture
def make_run(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path, int]]:
    """`PORT=<free port> make run` on a throwaway SQLite database and var/ folder."""
    if not (VENV_BIN / "gunicorn").exists():
        pytest.fail("the virtualenv is missing (make install)", pytrace=False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "READINESS_", "REDIS_", "MAKE"))
        and key not in {"DEBUG", "SITE_URL", "DATABASE_URL", "EMAIL_BACKEND", "MFLAGS", "HOST"}
    }
    env.update(
        PORT=str(port),
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        VAR_DIR=str(tmp_path / "var"),
        PYTHONUNBUFFERED="1",
    )
    log = tmp_path / "make-run.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "run"],  # noqa: S607 (the README's command)
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    try:
        yield process, log, port
    finally:
        children = [int(pid) for pid in STARTED.findall(log.read_text())]
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # make and runall; runall stops its children
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and any(map(_alive, children)):
            time.sleep(0.2)
        for pid in children:
            if _alive(pid):
                os.killpg(pid, signal.SIGKILL)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def test_make_run_prints_the_url_last_with_its_port_and_restarts_a_killed_worker(make_run):
    process, log, port = make_run

    # when make run is up
    _wait("the banner", lambda: "Press Ctrl-C to stop." in log.read_text(), process, log, 240)
    output = log.read_text()

    # then the URL, the logins and the candidate link carry the port asked for, and nothing
    # printed mentions the default port
    url = f"http://127.0.0.1:{port}"
    assert f"Readiness is running at {url}\n" in output
    assert "admin@demo.test" in output
    assert re.search(rf"\n  {re.escape(url)}/c/\S+/\n", output)
    assert ":8000" not in output
    # and the banner comes after the worker's and beat's own start-up banners
    banner_at = output.index("Readiness is running at")
    assert re.search(r"celery@\S+ ready\.", output[:banner_at])
    assert "beat: Starting..." in output[:banner_at]
    assert "celery@" not in output[banner_at:]  # the worker's banner is not after it
    assert output.count("Readiness is running at") == 1  # not also printed by `demo`

    # when the worker is killed outright
    worker = int(re.findall(r"runall: started worker \(pid (\d+)\)", output)[-1])
    os.kill(worker, signal.SIGKILL)

    # then runall says so and starts another one after a pause; web kept answering
    _wait(
        "runall to restart the worker",
        lambda: "runall: worker was killed by SIGKILL; restarting it in 1 s" in log.read_text(),
        process,
        log,
    )
    assert _healthz(port) == 200
    _wait(
        "a new worker to be ready",
        lambda: len(re.findall(r"celery@\S+ ready\.", log.read_text())) >= 2,
        process,
        log,
    )
    output = log.read_text()
    workers = re.findall(r"runall: started worker \(pid (\d+)\)", output)
    assert len(workers) == 2
    assert not _alive(worker)
    assert len(re.findall(r"runall: started web ", output)) == 1
    assert len(re.findall(r"runall: started beat ", output)) == 1
    assert _healthz(port) == 200

    # when make run is told to stop (Ctrl-C in a terminal, SIGTERM from a supervisor)
    children = [int(pid) for pid in STARTED.findall(output)]
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=40)

    # then every child is gone
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(map(_alive, children)):
        time.sleep(0.2)
    assert [pid for pid in children if _alive(pid)] == []


def _children(*codes: int) -> tuple[Children, list[Child], io.StringIO]:
    out = io.StringIO()
    children = [
        Child(f"c{code}", [sys.executable, "-c", f"raise SystemExit({code})"]) for code in codes
    ]
    return Children(children, env=dict(os.environ), out=OutputWrapper(out)), children, out


def _wait_exit(child: Child) -> None:
    assert child.process is not None
    child.process.wait(timeout=10)


def test_a_child_that_keeps_dying_is_restarted_with_a_growing_pause():
    group, (child,), out = _children(3)
    group.start(child)
    pauses = []
    for _ in range(7):
        _wait_exit(child)
        group.watch()  # notices the exit, schedules the restart
        assert child.restart_at is not None
        pauses.append(round(child.restart_at - time.monotonic()))
        child.restart_at = time.monotonic()  # don't really wait
        group.watch()  # starts it again
        assert child.restart_at is None
    assert pauses == [1, 2, 4, 8, 16, 30, 30]
    assert BACKOFF_MAX == 30
    assert "runall: c3 exited with code 3; restarting it in 1 s" in out.getvalue()
    assert "runall: c3 exited with code 3; restarting it in 16 s" in out.getvalue()
    _wait_exit(child)


def test_a_child_that_ran_well_before_dying_restarts_after_one_second():
    group, (child,), out = _children(0)
    child.backoff = 16.0  # it had been failing earlier
    group.start(child)
    _wait_exit(child)
    child.started_at -= 60  # ...but this time it ran for a minute

    group.watch()

    assert child.restart_at is not None
    assert round(child.restart_at - time.monotonic()) == 1
    assert "runall: c0 exited with code 0; restarting it in 1 s" in out.getvalue()


def test_stop_ends_every_child():
    out = io.StringIO()
    sleeper = Child("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"])
    group = Children([sleeper], env=dict(os.environ), out=OutputWrapper(out))
    group.start(sleeper)
    assert sleeper.process is not None

    group.stop()

    assert sleeper.process.returncode == -signal.SIGTERM
