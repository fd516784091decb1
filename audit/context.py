"""The request being served, for the audit trail: its client address, its id and its user.

``AuditContextMiddleware`` binds it for the length of a request, so a service deep down can
record an event with the request's address without being handed the request. Outside a
request (Celery, management commands) there is none: the event has no address and, unless the
caller names one, no actor.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.http import HttpRequest

from accounts.models import User

# A request id from the proxy in front (X-Request-ID) is kept when it looks like one.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


@dataclass(frozen=True)
class RequestContext:
    request: HttpRequest
    ip: str | None
    request_id: str

    @property
    def user(self) -> User | None:
        """The person signed in on the request (a session, or an API token once DRF has
        authenticated it: DRF sets the user on the Django request too)."""
        user = getattr(self.request, "user", None)  # AnonymousUser is no User
        return user if isinstance(user, User) else None


_current: ContextVar[RequestContext | None] = ContextVar("audit_request", default=None)


def context_of(request: HttpRequest) -> RequestContext:
    """The client address as django-axes sees it (``AXES_CLIENT_IP_CALLABLE``:
    ``TRUSTED_PROXY_COUNT`` hops from the right of X-Forwarded-For, else REMOTE_ADDR), and the
    request's id (the proxy's X-Request-ID, or a new one)."""
    given = request.META.get("HTTP_X_REQUEST_ID", "").strip()
    request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return RequestContext(request=request, ip=get_client_ip_address(request), request_id=request_id)


def current() -> RequestContext | None:
    return _current.get()


@contextmanager
def bound(request: HttpRequest) -> Iterator[RequestContext]:
    """Make ``request`` the current one inside the block."""
    context = context_of(request)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
