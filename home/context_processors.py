from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from accounts.selectors import user_is_admin, user_is_lead
from notifications.selectors import notifications_unread_count


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Role flags and the unread count for the header (two small queries per page)."""
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"now": timezone.now()}
    if user is None or not user.is_authenticated:
        return {**context, "nav_is_admin": False, "nav_is_lead": False, "nav_unread": 0}
    return {
        **context,
        "nav_is_admin": user_is_admin(user),
        "nav_is_lead": user_is_lead(user),
        "nav_unread": notifications_unread_count(user=user),
    }
