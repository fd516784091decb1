"""No request runs away: gunicorn with the project's settings file (deploy/gunicorn.conf.py,
as the Procfile, `make serve` and the systemd unit run it) ends a request that overruns its time
budget by ending its worker, lets the worker's other requests finish, and gunicorn starts a new
worker (docs/operations.md, "Request time budget").

gunicorn serves a small test app (tests/integration/slow_wsgi.py) with a 1 s budget, so that
nothing test-only reaches the real app's URLs. One worker with four threads, as in production.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
BUDGET, GRACE = 1.0, 3.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, log: Path) -> None:
        self.port = _free_port()
        self.log = log
        env = {**os.environ, "WEB_REQUEST_BUDGET": str(BUDGET), "WEB_REQUEST_GRACE": str(GRACE)}
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "tests.integration.slow_wsgi:app",
                    *("--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--threads", "4"),
                    *("--config", "deploy/gunicorn.conf.py", "--no-control-socket"),
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def get(self, path: str, timeout: float = 30) -> str:
        """The answer's body; ``ConnectionError`` (or ``http.client.RemoteDisconnected``) when
        the server closed the connection without one."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path)
            return connection.getresponse().read().decode()
        finally:
            connection.close()

    def wait_until_up(self) -> str:
        deadline = time.monotonic() + 30
        while True:
            try:
                return self.get("/pid", timeout=2)
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError(self.output()) from None
                time.sleep(0.1)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = Server(tmp_path / "gunicorn.log")
    try:
        yield server
    finally:
        server.stop()


def _ended(server: Server, path: str) -> float:
    """Seconds until the server closed the connection of a ``path`` that never answers."""
    start = time.monotonic()
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        server.get(path)
    return time.monotonic() - start


@pytest.mark.parametrize("path", ["/busy", "/sleep?3600"], ids=["computing", "waiting"])
def test_a_request_over_its_budget_ends_and_a_new_worker_serves(server, path):
    first = server.wait_until_up()
    with ThreadPoolExecutor(2) as pool:
        runaway = pool.submit(_ended, server, path)
        time.sleep(0.6)
        # a request of the same worker, within its own budget, in flight when the runaway
        # passes its budget, finishes
        sibling = pool.submit(server.get, "/sleep?0.8")
        assert sibling.result(timeout=30) == first
        elapsed = runaway.result(timeout=60)
    # ended after its budget plus the worker's other requests' grace, not an hour later
    assert BUDGET <= elapsed < BUDGET + GRACE + 5, elapsed
    assert server.wait_until_up() != first  # a fresh worker
    log = server.output()
    route = re.escape(path.split("?")[0])  # logged without its query string
    stuck = rf"Request over its time budget \(\d+ s, budget 1 s\): GET {route}\."
    assert re.search(stuck, log), log
    assert "tests/integration/slow_wsgi.py" in log  # the stack it was stuck in
    assert "exited with code 1" in log
    assert server.process.poll() is None  # the master stays up


def test_requests_within_the_budget_are_untouched(server):
    first = server.wait_until_up()
    assert server.get("/sleep?0.5") == first
    time.sleep(BUDGET + 0.5)
    assert server.get("/pid") == first
    assert "time budget" not in server.output()
