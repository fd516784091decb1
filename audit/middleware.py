"""Binds each request to the audit trail's context (``audit.context``): services record events
with the request's address and user without being handed the request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from audit.context import bound


class AuditContextMiddleware:
    """After ``AuthenticationMiddleware`` (the user) in ``MIDDLEWARE``. Reads nothing from the
    database: the address comes from the request's headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with bound(request):
            return self.get_response(request)
