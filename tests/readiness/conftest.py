"""Shared by the readiness tests: adding a criteria line, and a team whose agents work towards
"Live chat agent"."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Team, User
from readiness import services
from readiness.models import Criteria, Criterion, Kind
from skills.models import LearnerProfile, RoleProfile
from tests import factories


def line_add(criteria: Criteria, by: User, **fields: Any) -> Criterion:
    """One more line (a new criteria version); returns the line as saved."""
    sops = fields.pop("sops", [])
    modules = fields.pop("modules", [])
    values: dict[str, Any] = {"label": "", "categories": []}
    values.update(fields)
    version = services.criterion_add(
        criteria=criteria, by=by, fields=values, sops=sops, modules=modules
    )
    return version.items.order_by("-position")[0]


@pytest.fixture
def live_chat(db: None, lead: User, member: User, team: Team, admin_user: User) -> dict[str, Any]:
    """``member`` and ``teammate`` (agents of ``team``) work towards "Live chat agent": a lead's
    sign-off and the module "Chat etiquette"."""
    agent = RoleProfile.objects.create(slug="agent", name="Agent")
    live = RoleProfile.objects.create(
        slug="live-chat", name="Live chat agent", name_pl="Konsultant czatu na żywo"
    )
    teammate = factories.UserFactory.create(name="Tomek Teammate")
    factories.MembershipFactory.create(user=teammate, team=team)
    for person in (member, teammate):
        LearnerProfile.objects.create(user=person, role_profile=agent)
    criteria = services.criteria_create(role_profile=live, from_roles=[agent], by=admin_user)
    signoff = line_add(criteria, admin_user, kind=Kind.SIGNOFF, label="Shadowed three chats")
    module = factories.module_with_lessons(lessons=1, title="Chat etiquette")
    line_add(criteria, admin_user, kind=Kind.MODULES, modules=[module])
    return {
        "criteria": criteria,
        "signoff": signoff,
        "module": module,
        "teammate": teammate,
        "role": live,
    }
