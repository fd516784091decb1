"""gunicorn's settings file for `web` (Procfile, deploy/supervisord.conf, deploy/systemd): a time
budget per request that really ends a runaway one (docs/operations.md, "Request time budget").

gunicorn's own ``--timeout`` restarts a worker whose main loop stops reporting. A ``gthread``
worker's main loop keeps reporting while one of its threads is stuck, so that timeout never ends
a stuck request: a 90 KB SOP once held a thread for 13.5 minutes. Python can't stop a thread, so
the watchdog started in every worker ends the process instead:

1. a request still running ``WEB_REQUEST_BUDGET`` seconds (default 30) after it started is
   logged at ERROR with its method, path and the stack it is stuck in;
2. the worker stops taking connections (gunicorn's graceful stop, as on SIGTERM), and the
   other requests it is serving get ``WEB_REQUEST_GRACE`` seconds (default 10) to finish;
3. then the process exits (code 1); the stuck request's client sees its connection close, and
   gunicorn's master starts a fresh worker at once, as for any worker that dies.

The other workers serve meanwhile. Command-line flags given with ``--config`` still win.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import traceback
from typing import Any

REQUEST_BUDGET = float(os.environ.get("WEB_REQUEST_BUDGET", "") or 30)
GRACE = float(os.environ.get("WEB_REQUEST_GRACE", "") or 10)
CHECK_EVERY = min(1.0, REQUEST_BUDGET / 4)
EXIT_CODE = 1  # not gunicorn's 3 (boot error) or 4 (app load error): those stop the master

_lock = threading.Lock()
_running: dict[int, tuple[float, str]] = {}  # thread → (monotonic start, "METHOD /path")


def pre_request(worker: Any, req: Any) -> None:
    with _lock:
        _running[threading.get_ident()] = (time.monotonic(), f"{req.method} {req.path}")


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    with _lock:
        _running.pop(threading.get_ident(), None)


def post_worker_init(worker: Any) -> None:
    threading.Thread(target=_watch, args=(worker,), name="request-budget", daemon=True).start()


def _watch(worker: Any) -> None:
    while True:
        time.sleep(CHECK_EVERY)
        now = time.monotonic()
        with _lock:
            over = {
                thread: (now - started, what)
                for thread, (started, what) in _running.items()
                if now - started > REQUEST_BUDGET
            }
        if over:
            _end_worker(worker, over)
            return


def _end_worker(worker: Any, over: dict[int, tuple[float, str]]) -> None:
    frames = sys._current_frames()
    for thread, (seconds, what) in over.items():
        stack = "".join(traceback.format_stack(frames[thread])) if thread in frames else ""
        worker.log.error(
            "Request over its time budget (%.0f s, budget %.0f s): %s. Ending worker %s.\n%s",
            seconds,
            REQUEST_BUDGET,
            what,
            os.getpid(),
            stack,
        )
    os.kill(os.getpid(), signal.SIGTERM)  # stop accepting; requests in flight go on
    deadline = time.monotonic() + GRACE
    while time.monotonic() < deadline:
        with _lock:
            if not set(_running) - set(over):
                break
        time.sleep(0.1)
    worker.log.error("Worker %s exits: a request ran over its time budget.", os.getpid())
    os._exit(EXIT_CODE)
