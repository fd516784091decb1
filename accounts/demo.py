"""Demo people and the "Support EMEA" team (idempotent)."""

from __future__ import annotations

from accounts.models import Membership, Team, User
from accounts.services import membership_set, team_create

DEMO_TEAM = "Support EMEA"
DEMO_PEOPLE = [
    # email, name, admin, role in the demo team
    ("admin@demo.test", "Ada Admin", True, None),
    ("lead@demo.test", "Lena Lead", False, Membership.Role.LEAD),
    ("agent1@demo.test", "Aiko Agent", False, Membership.Role.MEMBER),
    ("agent2@demo.test", "Ben Agent", False, Membership.Role.MEMBER),
    ("agent3@demo.test", "Carla Agent", False, Membership.Role.MEMBER),
]


def demo_people_load(*, password: str) -> dict[str, User]:
    team = team_create(name=DEMO_TEAM)
    people: dict[str, User] = {}
    for email, name, is_admin, role in DEMO_PEOPLE:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"name": name, "is_staff": is_admin, "is_superuser": is_admin},
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        if role:
            membership_set(team=team, user=user, role=role)
        people[email] = user
    return people


def demo_team() -> Team:
    return Team.objects.get(name=DEMO_TEAM)
