"""The LRS client: one POST of a batch of statements (xAPI 1.0.3, Basic auth).

Standard library only (``urllib``): one request shape, no sessions or retries here; the outbox
(``xapi.services.statements_deliver``) decides what an answer means.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

XAPI_VERSION = "1.0.3"


@dataclass(frozen=True)
class Answer:
    """The LRS's answer: an HTTP status, or ``status=None`` when it could not be reached."""

    status: int | None
    message: str


def statements_post(statements: list[dict[str, Any]]) -> Answer:
    url = f"{settings.XAPI_LRS_URL}/statements"
    if not url.startswith(("http://", "https://")):
        return Answer(None, "XAPI_LRS_URL must start with http:// or https://")
    headers = {
        "Content-Type": "application/json",
        "X-Experience-API-Version": XAPI_VERSION,
    }
    if settings.XAPI_LRS_USERNAME or settings.XAPI_LRS_PASSWORD:
        secret = f"{settings.XAPI_LRS_USERNAME}:{settings.XAPI_LRS_PASSWORD}".encode()
        headers["Authorization"] = f"Basic {base64.b64encode(secret).decode()}"
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        url, data=json.dumps(statements).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.XAPI_TIMEOUT_SECONDS) as response:  # noqa: S310
            return Answer(response.status, "")
    except urllib.error.HTTPError as exc:
        body = exc.read(2000).decode("utf-8", "replace")
        return Answer(exc.code, _message(body) or exc.reason or "")
    except (OSError, ValueError) as exc:  # refused, timed out, DNS, TLS, bad URL
        return Answer(None, f"{type(exc).__name__}: {exc}")


def _message(body: str) -> str:
    """The LRS's explanation: its JSON ``message``/``detail`` if it sent one, else the text."""
    try:
        data = json.loads(body)
    except ValueError:
        return body.strip()[:1000]
    if isinstance(data, dict):
        for key in ("message", "detail", "error"):
            if key in data:
                return str(data[key])[:1000]
    return body.strip()[:1000]
