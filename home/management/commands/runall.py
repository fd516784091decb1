"""Serve the app with its Celery worker and beat, as `make run` does.

Three child processes: gunicorn (one process, several threads, so the in-memory cache used
without Redis is shared), a Celery worker and Celery beat. Without ``REDIS_URL`` Celery uses
kombu's filesystem transport under ``var/``. Ctrl-C stops all three; if one dies, all stop.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from home.demo.loader import demo_summary
from home.management.commands.demo import demo_banner


class Command(BaseCommand):
    help = "Run web (gunicorn), Celery worker and Celery beat together until Ctrl-C."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        url = f"http://{host}:{port}"
        call_command("sync_schedules", verbosity=0)
        bin_dir = os.path.dirname(sys.executable)
        env = {**os.environ, "SITE_URL": os.environ.get("SITE_URL", url)}
        commands = {
            "web": [
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
            "worker": [
                os.path.join(bin_dir, "celery"),
                "-A",
                "config",
                "worker",
                "--pool",
                "threads",
                "--concurrency",
                "2",
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
            ],
            "beat": [
                os.path.join(bin_dir, "celery"),
                "-A",
                "config",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(settings.VAR_DIR / "celerybeat-schedule"),
            ],
        }
        children = {
            name: subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR)  # noqa: S603
            for name, cmd in commands.items()
        }

        def stop(*_: Any) -> None:
            for child in children.values():
                if child.poll() is None:
                    child.terminate()
            for child in children.values():
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()

        def on_sigterm(*_: Any) -> None:
            stop()
            sys.exit(0)

        signal.signal(signal.SIGTERM, on_sigterm)
        try:
            if self._wait_healthy(f"{url}/healthz", children):
                self.stdout.write("\n" + "=" * 72)
                self.stdout.write(
                    demo_banner(demo_summary(site_url=url), url=url) if settings.DEBUG else url
                )
                self.stdout.write("Press Ctrl-C to stop.")
                self.stdout.write("=" * 72 + "\n")
            while all(child.poll() is None for child in children.values()):
                time.sleep(0.5)
            dead = [name for name, child in children.items() if child.poll() is not None]
            self.stderr.write(f"{', '.join(dead)} stopped; stopping the rest.")
        except KeyboardInterrupt:
            self.stdout.write("Stopping…")
        finally:
            stop()

    def _wait_healthy(self, health_url: str, children: dict[str, subprocess.Popen[bytes]]) -> bool:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(child.poll() is not None for child in children.values()):
                return False
            try:
                with urllib.request.urlopen(health_url, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        self.stderr.write(f"{health_url} did not answer within 60 seconds.")
        return False
