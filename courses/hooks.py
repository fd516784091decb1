"""Events of the training app, for the apps above it (subscribed in their ``AppConfig.ready``).

Sent inside the transaction that records the event, so a failing subscriber rolls it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from accounts.models import User
from core.hooks import Hook
from courses.models import Lesson, Module, SOPVersion


@dataclass(frozen=True)
class SopAcknowledged:
    user: User
    version: SOPVersion
    at: datetime


@dataclass(frozen=True)
class LessonCompleted:
    """The first time someone read a lesson to the end."""

    user: User
    lesson: Lesson
    at: datetime


@dataclass(frozen=True)
class ModuleCompleted:
    user: User
    module: Module
    at: datetime


sop_acknowledged: Hook[SopAcknowledged] = Hook(
    "courses.sop_acknowledged", doc="Someone acknowledged a published SOP version."
)
lesson_completed: Hook[LessonCompleted] = Hook(
    "courses.lesson_completed", doc="Someone completed a lesson (sent once per person and lesson)."
)
module_completed: Hook[ModuleCompleted] = Hook(
    "courses.module_completed", doc="Someone completed a module (by lessons or by its quiz)."
)
