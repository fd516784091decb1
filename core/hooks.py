"""Typed hooks: how a lower app tells the apps above it that something happened.

Apps are layered (see docs/architecture.md): an app imports only the apps below it. When a
lower app needs a higher one to react (an SOP acknowledged ticks an onboarding step, a scored
quiz assigns follow-up training), the lower app declares a ``Hook`` with a frozen dataclass as
its event, and the higher app connects a subscriber in its ``AppConfig.ready``. The publisher
calls ``send`` inside its own transaction, so a failing subscriber rolls the event back too.

One mechanism for every event: no Django signals, no strings naming another app's model.
``hooks_without_subscribers()`` lets a test prove that every declared hook is used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

E = TypeVar("E")

_ALL: list[Hook[Any]] = []


class Hook(Generic[E]):
    """A named event with subscribers ``callback(event) -> None``, called in order."""

    def __init__(self, name: str, *, doc: str = "") -> None:
        self.name = name
        self.doc = doc
        self._subscribers: list[Callable[[E], None]] = []
        _ALL.append(self)

    def connect(self, subscriber: Callable[[E], None]) -> Callable[[E], None]:
        """Subscribe (idempotent: ``ready()`` may run more than once in tests)."""
        if subscriber not in self._subscribers:
            self._subscribers.append(subscriber)
        return subscriber

    def send(self, event: E) -> None:
        for subscriber in self._subscribers:
            subscriber(event)

    @property
    def subscribers(self) -> tuple[Callable[[E], None], ...]:
        return tuple(self._subscribers)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._subscribers)} subscriber(s)>"


def hooks_without_subscribers() -> list[str]:
    """Names of declared hooks nobody subscribed to (after the app registry is ready)."""
    return [hook.name for hook in _ALL if not hook.subscribers]
