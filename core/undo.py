"""An "Undo" button inside a page's success message, for actions that are easy to click by
mistake ("Mark as done", "Dismiss").

The button is a small POST form (CSRF-protected, works without JavaScript) carried by the
message itself: Django's message storage keeps a ``SafeString`` safe, so ``base.html`` shows it
as it shows any message. The service that undoes checks who may undo and until when
(``UNDO_WINDOW``); a second undo changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.html import format_html

UNDO_WINDOW = timedelta(minutes=5)


def undo_still_possible(done_at: datetime | None, *, now: datetime | None = None) -> bool:
    """Whether an action done at ``done_at`` may still be undone."""
    return done_at is not None and (now or timezone.now()) - done_at <= UNDO_WINDOW


def success_with_undo(request: HttpRequest, text: str, *, undo_url: str, label: str) -> None:
    """Add a success message ending with an "Undo" button that POSTs to ``undo_url``."""
    messages.success(
        request,
        format_html(
            '{} <form method="post" action="{}" class="undo-form">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button type="submit" class="link">{}</button></form>',
            text,
            undo_url,
            get_token(request),
            label,
        ),
    )
