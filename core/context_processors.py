from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.selectors import user_is_admin, user_is_lead


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Role flags for the navigation (one query per request, cached on the user)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_is_admin": False, "nav_is_lead": False}
    return {"nav_is_admin": user_is_admin(user), "nav_is_lead": user_is_lead(user)}
