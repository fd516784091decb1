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


@dataclass
class SkillReadingCollecting:
    """A page shows skills a person should work on (a low level): apps above skills say what
    to read on each, by skill slug: ``sops`` to re-read and ``modules`` that teach it, each a
    list of (title, URL), in a fixed number of queries for all the skills."""

    skill_slugs: frozenset[str]
    language: str
    sops: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    modules: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


skill_reading_collecting: Hook[SkillReadingCollecting] = Hook(
    "skills.skill_reading_collecting",
    doc="What to read on some skills: the SOPs that explain them, the modules that teach them.",
)
