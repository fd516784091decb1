"""Login brute-force limit: an atomic per-account counter in the cache.

Every login try for an email first increments the counter (Redis ``INCR`` in production, so 20
parallel tries get 20 distinct numbers). Tries numbered above ``LOGIN_FAILURE_LIMIT`` are refused
without checking the password; a successful login or a password reset clears the counter. The
window starts at the first failure and is not extended by refused tries.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return f"login-failures:{digest}"


def login_try_register(email: str) -> int:
    """Count one login try for ``email`` and return its number within the current window."""
    key = _key(email)
    timeout = int(settings.LOGIN_FAILURE_WINDOW.total_seconds())
    for _attempt in range(3):
        cache.add(key, 0, timeout=timeout)
        try:
            return int(cache.incr(key))
        except ValueError:
            continue  # the window expired between add() and incr(): start a new one
    raise RuntimeError("The login counter could not be updated.")


def login_try_allowed(number: int) -> bool:
    return number <= settings.LOGIN_FAILURE_LIMIT


def login_failures_clear(email: str) -> None:
    cache.delete(_key(email))


def login_failures_count(email: str) -> int:
    return int(cache.get(_key(email), 0))
