"""Demo people and the "Support EMEA" team (idempotent)."""

from __future__ import annotations

from django.conf import settings

from accounts.models import Team, User
from accounts.services import membership_set, team_create
from home.demo import content

DEMO_TEAM = content.demo_team()
DEMO_PEOPLE = content.demo_people()
DEMO_LANGUAGES = content.demo_languages()


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
        language = DEMO_LANGUAGES.get(email)
        if language and language in dict(settings.LANGUAGES) and user.language != language:
            # Not marked as chosen: the first login still takes the browser's zone, and keeps
            # this language (accounts.services.user_locale_default).
            user.language = language
            user.save(update_fields=["language"])
        if role:
            membership_set(team=team, user=user, role=role)
        people[email] = user
    return people


def demo_team() -> Team:
    return Team.objects.get(name=DEMO_TEAM)
