from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from accounts.models import User


def request_user(request: Any) -> User:
    """The logged-in user of a request that authentication already guards."""
    return cast("User", request.user)
