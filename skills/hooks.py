"""Events of the skills app, for the apps above it (subscribed in their ``AppConfig.ready``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest

from accounts.models import Team, User
from core.hooks import Hook


@dataclass
class TeamSkillsPageDrawing:
    """A lead's team skills page (the heatmap) is being drawn: apps above skills add links
    beside the title (``links``: label, URL) and sections below the heatmap (``sections``:
    HTML they rendered with ``request``, so forms carry the CSRF token)."""

    request: HttpRequest
    lead: User
    team: Team
    links: list[tuple[str, str]] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)


team_skills_page_drawing: Hook[TeamSkillsPageDrawing] = Hook(
    "skills.team_skills_page_drawing",
    doc="The team skills page gathers the lead's links and sections from the apps above.",
)
