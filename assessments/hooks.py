"""What assessments adds to training events (registered in ``AppConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from courses import hooks as training_hooks


def module_quiz_gate(module: Any) -> str | None:
    """A module with a published completion quiz is completed by passing it, not by reading."""
    quiz = getattr(module, "completion_quiz", None)
    if quiz is not None and quiz.is_published:
        return _("Pass the module quiz to complete this module.")
    return None


def module_evidence(*, user: Any, module: Any, at: Any) -> None:
    from assessments.skills import evidence_for_module

    evidence_for_module(user=user, module=module, at=at)


def register() -> None:
    training_hooks.add_module_completion_gate(module_quiz_gate)
    training_hooks.on_module_completed(module_evidence)
