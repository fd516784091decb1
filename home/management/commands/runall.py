"""Serve the app with its Celery worker and beat, as `make run` does.

Three child processes: gunicorn (one process, several threads, so the in-memory cache used
without Redis is shared), a Celery worker and Celery beat. Without ``REDIS_URL`` Celery uses
kombu's filesystem transport under ``var/``. Their output is shown line by line, prefixed with
their name. A child that dies is started again after a pause that doubles with each quick
failure (1 s up to 30 s), and the others keep running: the same policy as `make serve`
(deploy/supervisord.conf). Only Ctrl-C, SIGTERM or SIGHUP stops everything.

The URL and the demo logins are printed last, once web answers ``/healthz`` and the worker
and beat have said they are up, so they are not lost among the start-up banners.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, OutputWrapper

from home.demo.loader import demo_summary
from home.management.commands.demo import demo_banner

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
# A child that ran at least this long before dying is restarted after BACKOFF_FIRST again.
RAN_WELL = 30.0
STARTUP_LIMIT = 90.0
STOP_WAIT = 20.0
# What the worker and beat log once they are up (the "celery" loggers log at INFO always).
UP_MARKERS = {
    "worker": re.compile(r"celery@\S+ ready\."),
    "beat": re.compile(r"beat: Starting\.\.\."),
}


class _Stop(Exception):
    """SIGTERM or SIGHUP: stop like Ctrl-C."""


@dataclass
class Child:
    name: str
    command: list[str]
    process: subprocess.Popen[str] | None = None
    started_at: float = 0.0
    backoff: float = BACKOFF_FIRST
    restart_at: float | None = None
    up: threading.Event = field(default_factory=threading.Event)


class Children:
    """Start, watch, restart and stop the child processes; relay their output."""

    def __init__(self, children: list[Child], *, env: dict[str, str], out: OutputWrapper) -> None:
        self.children = children
        self.env = env
        self.out = out
        self.lock = threading.Lock()

    def say(self, line: str) -> None:
        with self.lock:
            self.out.write(line)
            self.out.flush()

    def start(self, child: Child) -> None:
        child.up.clear()
        child.process = subprocess.Popen(  # noqa: S603
            child.command,
            env=self.env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
            bufsize=1,
            # Its own process group: Ctrl-C reaches only runall, which stops the children in
            # order, and a child's death is never mistaken for a request to stop.
            process_group=0,
        )
        child.started_at = time.monotonic()
        child.restart_at = None
        self.say(f"runall: started {child.name} (pid {child.process.pid})")
        threading.Thread(target=self._relay, args=(child, child.process), daemon=True).start()

    def _relay(self, child: Child, process: subprocess.Popen[str]) -> None:
        marker = UP_MARKERS.get(child.name)
        for line in process.stdout or ():
            self.say(f"{child.name:<6} | {line.rstrip()}")
            if marker is not None and marker.search(line):
                child.up.set()

    def watch(self) -> None:
        """Schedule a restart of each child that died; start those whose pause is over."""
        now = time.monotonic()
        for child in self.children:
            process = child.process
            if child.restart_at is None and process is not None and process.poll() is not None:
                # What the dead child left behind (gunicorn's workers) would hold its port.
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                if now - child.started_at >= RAN_WELL:
                    child.backoff = BACKOFF_FIRST
                self.say(
                    f"runall: {child.name} {_exit_reason(process.returncode)}; "
                    f"restarting it in {child.backoff:g} s"
                )
                child.restart_at = now + child.backoff
                child.backoff = min(child.backoff * 2, BACKOFF_MAX)
            elif child.restart_at is not None and now >= child.restart_at:
                self.start(child)

    def stop(self) -> None:
        """SIGTERM each child (gunicorn and Celery stop gracefully), then SIGKILL its group."""
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
        deadline = time.monotonic() + STOP_WAIT
        for process in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)  # what is left of its group
            process.wait()


def _exit_reason(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with code {returncode}"


class Command(BaseCommand):
    help = (
        "Run web (gunicorn), Celery worker and Celery beat together until Ctrl-C, restarting "
        "any that dies."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        url = f"http://{host}:{port}"
        # Links (emails, the candidate link) use SITE_URL; by default, where we listen.
        site_url = os.environ.get("SITE_URL") or url
        call_command("sync_schedules", verbosity=0)
        bin_dir = os.path.dirname(sys.executable)
        env = {**os.environ, "SITE_URL": site_url, "PYTHONUNBUFFERED": "1"}
        celery = os.path.join(bin_dir, "celery")
        children = Children(
            [
                Child(
                    "web",
                    [
                        os.path.join(bin_dir, "gunicorn"),
                        "config.wsgi",
                        "--bind",
                        f"{host}:{port}",
                        "--workers",
                        "1",
                        "--threads",
                        "8",
                        "--access-logfile",
                        "-",
                    ],
                ),
                Child(
                    "worker",
                    [
                        *(celery, "-A", "config", "worker", "--pool", "threads"),
                        *("--concurrency", "2", "--loglevel", "INFO"),
                        *("--without-mingle", "--without-gossip"),
                    ],
                ),
                Child("beat", [celery, "-A", "config", "beat", "--loglevel", "INFO"]),
            ],
            env=env,
            out=self.stdout,
        )

        def on_signal(*_: Any) -> None:
            raise _Stop

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGHUP, on_signal)
        try:
            for child in children.children:
                children.start(child)
            self._announce_when_up(children, url=url, site_url=site_url)
            while True:
                children.watch()
                time.sleep(0.2)
        except (KeyboardInterrupt, _Stop):
            children.say("runall: stopping…")
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGHUP, signal.SIG_DFL)
            children.stop()

    def _announce_when_up(self, children: Children, *, url: str, site_url: str) -> None:
        """Wait (restarting children as needed) until web answers and the worker and beat are
        up, then print the URL and logins; after STARTUP_LIMIT, print them anyway."""
        deadline = time.monotonic() + STARTUP_LIMIT
        web_up = False
        while time.monotonic() < deadline:
            children.watch()
            web_up = web_up or _answers(f"{url}/healthz")
            if web_up and all(c.up.is_set() for c in children.children if c.name in UP_MARKERS):
                break
            time.sleep(0.5)
        waiting = [
            c.name
            for c in children.children
            if (c.name == "web" and not web_up) or (c.name in UP_MARKERS and not c.up.is_set())
        ]
        banner = demo_banner(demo_summary(site_url=site_url), url=url) if settings.DEBUG else url
        lines = ["", "=" * 72, banner]
        if waiting:
            lines.append(f"(still starting after {STARTUP_LIMIT:g} s: {', '.join(waiting)})")
        lines += ["Press Ctrl-C to stop.", "=" * 72, ""]
        children.say("\n".join(lines))


def _answers(health_url: str) -> bool:
    try:
        with urllib.request.urlopen(health_url, timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False
