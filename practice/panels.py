"""Practice's figures on a team's skills page, beside the training-effect figures of qa."""

from __future__ import annotations

from typing import Any

from accounts.models import Team
from practice import selectors
from qa.hooks import EffectPanel, EffectPanelsCollecting


def effect_panel(*, team: Team, on_skills_page: bool) -> dict[str, Any]:
    """Context of ``practice/_effect_panel.html``: findings before and after practice."""
    return {
        "team": team,
        "effects": selectors.practice_effect(team=team),
        "comparison": selectors.nudge_comparison(team=team),
        "window": selectors.effect_window_days(),
        "on_skills_page": on_skills_page,
    }


def add_effect_panel(event: EffectPanelsCollecting) -> None:
    """Subscriber of ``qa.effect_panels_collecting``."""
    event.panels.append(
        EffectPanel(
            template="practice/_effect_panel.html",
            context=effect_panel(team=event.team, on_skills_page=True),
        )
    )
