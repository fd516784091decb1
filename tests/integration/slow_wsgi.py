"""A WSGI app for tests/integration/test_request_budget.py. gunicorn serves it with the project's
settings file (deploy/gunicorn.conf.py) in place of ``config.wsgi``, so that no test-only URL
reaches the real app.

``/busy`` computes forever (Python holding a thread), ``/sleep?<seconds>`` waits (as for a
query that hangs), anything else answers at once; every answer is the worker's process id.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import Any


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ["PATH_INFO"]
    if path == "/busy":
        while True:
            pass
    if path == "/sleep":
        time.sleep(float(environ.get("QUERY_STRING") or 1))
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
