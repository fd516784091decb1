"""What readiness announces to the apps above it (xapi)."""

from __future__ import annotations

from dataclasses import dataclass

from core.hooks import Hook
from readiness.models import Decision


@dataclass(frozen=True)
class ReadinessDecided:
    decision: Decision


readiness_decided: Hook[ReadinessDecided] = Hook(
    "readiness.readiness_decided",
    doc="A lead recorded (or revoked) a readiness decision; sent in its transaction.",
)
