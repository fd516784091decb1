"""Small helpers for page views."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.http import Http404

from core.errors import NotFound

P = ParamSpec("P")
R = TypeVar("R")


def or_404(call: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Call a selector; its ``NotFound`` becomes the page's 404 (never 403: ids can't be probed)."""
    try:
        return call(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc
