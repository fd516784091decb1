""" "Is it working?" says plainly when a group has no agents (it showed 0.00 / 0.00), and names
the episodes it counts as episodes, not agents."""

from __future__ import annotations

import re
from types import SimpleNamespace as NS

from django.template.loader import render_to_string


def render(trained_agents: int, comparison_agents: int) -> str:
    row = NS(
        skill=NS(name="Escalations"),
        trained=NS(agents=trained_agents, windows=trained_agents, before=0.0, after=0.0),
        comparison=NS(agents=comparison_agents, before=0.5, after=0.25),
        held_out=2,
        dismissed=1,
        estimate=NS(enough=False),
    )
    effects = NS(rows=[row], days=28, confidence=95, min_agents=5, held_out=[])
    html = render_to_string(
        "qa/_team_skills_sections.html",
        {"team": NS(pk=1), "effects": effects, "suggestions": [], "overdue": []},
    )
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_group_of_none_says_so_instead_of_zeroes():
    text = render(trained_agents=0, comparison_agents=3)
    assert "0 trained agents 0 trainings no agents yet" in text
    assert "0.00" not in text.split("0 trained agents", 1)[1].split("agents not trained", 1)[0]
    assert "3 agents not trained 2 episodes held out, 1 episode dismissed 0.50 0.25" in text
