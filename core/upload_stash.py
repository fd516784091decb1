"""Keep an uploaded file on the server between its preview and its confirmation.

The upload is put in the cache under the uploader's id and a random token that the
confirmation form sends back, so a file is uploaded once, nobody else can confirm it and
nothing is written to the database before the person confirms. Used by the question-bank
and the SOP imports.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from core.errors import NotFound, Unavailable, ValidationFailed

logger = logging.getLogger(__name__)
STASH_TIMEOUT = 60 * 60  # an upload waits an hour for its confirmation


def upload_stash(
    *, namespace: str, user_id: int, payload: dict[str, Any], size: int, limit: int
) -> str:
    """Keep ``payload`` (``size`` bytes of upload) for ``user_id``; returns the token."""
    if size > limit:
        raise ValidationFailed(
            _("The file is too big to keep for a preview."),
            field_errors={"file": [_("The file is too big to keep for a preview.")]},
        )
    token = secrets.token_urlsafe(18)
    try:
        cache.set(_key(namespace, user_id, token), payload, STASH_TIMEOUT)
    except Exception as exc:  # the cache's connection error (Redis down)
        raise _unavailable() from exc
    return token


def upload_unstash(*, namespace: str, user_id: int, token: str) -> dict[str, Any]:
    """The kept payload, or ``NotFound`` when it expired or is not this user's."""
    try:
        stashed = cache.get(_key(namespace, user_id, token)) if token and len(token) < 64 else None
    except Exception as exc:  # the cache's connection error (Redis down)
        raise _unavailable() from exc
    if not isinstance(stashed, dict):
        raise NotFound(_("This preview has expired. Upload the file again."))
    return stashed


def upload_stash_drop(*, namespace: str, user_id: int, token: str) -> None:
    try:
        cache.delete(_key(namespace, user_id, token))
    except Exception:  # it expires on its own within the hour
        logger.warning("Cache unavailable; an upload preview was left to expire")


def _unavailable() -> Unavailable:
    return Unavailable(
        _("Previews can't be kept right now (the cache is unavailable). Try again in a minute.")
    )


def _key(namespace: str, user_id: int, token: str) -> str:
    return f"{namespace}:{user_id}:{token}"
