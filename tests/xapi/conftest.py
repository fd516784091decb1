"""Fixtures for the xAPI tests: xAPI switched on against a closed port, a scriptable fake LRS
(for answers a real LRS gives rarely: 400, 409, 503), and a real LRS, Ralph, started here."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def closed_port_url() -> str:
    """An LRS that is down: nothing listens on this port."""
    return f"http://127.0.0.1:{free_port()}/xAPI"


@pytest.fixture
def xapi_on(settings: Any, closed_port_url: str) -> Any:
    settings.XAPI_LRS_URL = closed_port_url
    settings.XAPI_LRS_USERNAME = "readiness"
    settings.XAPI_LRS_PASSWORD = "secret"
    return settings


@dataclass
class FakeLrs:
    """Answers each POST with ``respond(statements) -> (status, body)``; records every call."""

    url: str
    calls: list[dict[str, Any]] = field(default_factory=list)
    respond: Callable[[list[dict[str, Any]]], tuple[int, dict[str, Any] | None]] = lambda s: (
        200,
        None,
    )


@pytest.fixture
def fake_lrs(xapi_on: Any) -> Iterator[FakeLrs]:
    lrs = FakeLrs(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            headers = {name.lower(): value for name, value in self.headers.items()}
            lrs.calls.append({"path": self.path, "headers": headers, "body": body})
            status, answer = lrs.respond(body)
            data = json.dumps(answer if answer is not None else [s["id"] for s in body]).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    lrs.url = f"http://127.0.0.1:{server.server_address[1]}/xAPI"
    xapi_on.XAPI_LRS_URL = lrs.url
    yield lrs
    server.shutdown()
    server.server_close()


@dataclass(frozen=True)
class Ralph:
    url: str
    username: str
    password: str

    def get(self, path: str) -> Any:
        request = urllib.request.Request(  # noqa: S310 (our own server on 127.0.0.1)
            f"{self.url}{path}",
            headers={
                "X-Experience-API-Version": "1.0.3",
                "Authorization": "Basic "
                + base64.b64encode(f"{self.username}:{self.password}".encode()).decode(),
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.loads(response.read())


@pytest.fixture
def ralph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ralph]:
    """Ralph (``ralph-malph``, a dev dependency) with its file-system backend, on a free port,
        its data and credentials in a fresh temporary directory (one LRS per test: statement ids
    derive from primary keys, which a rolled-back test may reuse). Fails in CI if it can't start."""
    try:
        import bcrypt
        import ralph as _ralph  # noqa: F401
    except ImportError:
        require(False, "Ralph (pip install ralph-malph[lrs]; it is in the dev extra)")
    home: Path = tmp_path_factory.mktemp("ralph")
    (home / "data").mkdir()
    username, password = "readiness", "lrs-secret"
    (home / "auth.json").write_text(
        json.dumps(
            [
                {
                    "username": username,
                    "hash": bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode(),
                    "scopes": ["all"],
                    "agent": {"mbox": "mailto:lrs@example.com"},
                }
            ]
        )
    )
    # Ralph 5.1's file-system LRS backend writes each POST with operation "create", so only the
    # first POST to a fresh directory is stored and later ones answer 500 ("already exists").
    # This launcher makes it append (the backend supports it), nothing else.
    (home / "ralph_append.py").write_text(
        "from ralph.backends.data.base import BaseOperationType\n"
        "from ralph.backends.lrs.fs import FSLRSBackend\n"
        "FSLRSBackend.default_operation_type = BaseOperationType.APPEND\n"
        "from ralph.api import app  # noqa: E402\n"
    )
    port = free_port()
    env = {
        **os.environ,
        "RALPH_APP_DIR": str(home),
        "RALPH_AUTH_FILE": str(home / "auth.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(home / "data"),
    }
    log = (home / "ralph.log").open("w")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "ralph_append:app", "--app-dir", str(home)),
            *("--host", "127.0.0.1", "--port", str(port)),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/__heartbeat__", timeout=1):  # noqa: S310
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"Ralph did not start:\n{(home / 'ralph.log').read_text()}")
                time.sleep(0.2)
        yield Ralph(url=f"{base}/xAPI", username=username, password=password)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
