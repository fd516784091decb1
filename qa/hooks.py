"""Events of the QA app, for the apps above it (subscribed in their ``AppConfig.ready``).

Sent inside the transaction that records the event, so a failing subscriber rolls it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
