"""Events of the QA app, for the apps above it (subscribed in their ``AppConfig.ready``).

Sent inside the transaction that records the event, so a failing subscriber rolls it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from accounts.models import Team
from core.hooks import Hook
from courses.models import Assignment
from qa.models import TrainingRule


@dataclass(frozen=True)
class QaAssignmentMade:
    """A training rule assigned a module: at once (automatic rule) or when a lead accepted its
    suggestion. Sent only when the assignment is new."""

    assignment: Assignment
    rule: TrainingRule
    at: datetime


qa_assignment_made: Hook[QaAssignmentMade] = Hook(
    "qa.qa_assignment_made", doc="A QA training rule assigned a module."
)


@dataclass(frozen=True)
class EffectPanel:
    """More figures for a team's "Is it working?" section: a template and its context."""

    template: str
    context: dict[str, Any]


@dataclass
class EffectPanelsCollecting:
    """A team's skills page is being drawn: subscribers add their panels to ``panels``."""

    team: Team
    panels: list[EffectPanel] = field(default_factory=list)


effect_panels_collecting: Hook[EffectPanelsCollecting] = Hook(
    "qa.effect_panels_collecting",
    doc="The team's “Is it working?” section gathers figures from the apps above qa.",
)
