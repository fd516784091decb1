"""The web CPU a request costs, for the load test (``REQUEST_CPU_TIMING=1``; off otherwise).

Outermost middleware: the CPU time of the request's thread from the first middleware to the
last byte of the response it returns (``time.thread_time``: this thread only, so the other
threads of a gunicorn worker don't count), sent back as ``Server-Timing: cpu;dur=<ms>``. The
load test reads it per endpoint and compares it with the floor (``/api/v1/auth/ping/``).
Switched off, Django drops the middleware at start-up (``MiddlewareNotUsed``): no cost.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponseBase


class RequestCpuMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        if not getattr(settings, "REQUEST_CPU_TIMING", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.thread_time()
        response = self.get_response(request)
        response["Server-Timing"] = f"cpu;dur={(time.thread_time() - started) * 1000:.3f}"
        return response
