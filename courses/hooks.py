"""Signal-free hooks for training events.

``courses`` does not import the apps built on it. Those apps register plain callables here in
their ``AppConfig.ready()``; the courses services call them inside the same transaction as the
event, so a failure rolls the event back too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import User
    from courses.models import Assignment, Module, SOPVersion

_module_completed: list[Callable[..., None]] = []
_sop_acknowledged: list[Callable[..., None]] = []
_assignments_created: list[Callable[..., None]] = []
_module_gates: list[Callable[[Any], str | None]] = []


def on_module_completed(callback: Callable[..., None]) -> Callable[..., None]:
    """Register ``callback(*, user, module, at)``."""
    if callback not in _module_completed:
        _module_completed.append(callback)
    return callback


def on_sop_acknowledged(callback: Callable[..., None]) -> Callable[..., None]:
    """Register ``callback(*, user, version, at)``."""
    if callback not in _sop_acknowledged:
        _sop_acknowledged.append(callback)
    return callback


def on_assignments_created(callback: Callable[..., None]) -> Callable[..., None]:
    """Register ``callback(*, assignments)``."""
    if callback not in _assignments_created:
        _assignments_created.append(callback)
    return callback


def add_module_completion_gate(gate: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    """Register ``gate(module) -> message or None``; a message blocks completing by lessons."""
    if gate not in _module_gates:
        _module_gates.append(gate)
    return gate


def module_completed(*, user: User, module: Module, at: datetime) -> None:
    for callback in _module_completed:
        callback(user=user, module=module, at=at)


def sop_acknowledged(*, user: User, version: SOPVersion, at: datetime) -> None:
    for callback in _sop_acknowledged:
        callback(user=user, version=version, at=at)


def assignments_created(*, assignments: Sequence[Assignment]) -> None:
    if not assignments:
        return
    for callback in _assignments_created:
        callback(assignments=assignments)


def module_completion_gate(module: Module) -> str | None:
    for gate in _module_gates:
        message = gate(module)
        if message:
            return message
    return None
