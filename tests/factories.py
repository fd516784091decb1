from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import Invitation, Membership, Team, User
from courses import services
from courses.models import SOP, Lesson, Module, Skill

TEST_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    name = factory.Faker("name")
    password = factory.django.Password(TEST_PASSWORD)


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Membership.Role.MEMBER


class InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"newhire{n}@example.test")
    team = factory.SubFactory(TeamFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class SkillFactory(factory.django.DjangoModelFactory[Skill]):
    class Meta:
        model = Skill
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"skill-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class SOPFactory(factory.django.DjangoModelFactory[SOP]):
    class Meta:
        model = SOP

    slug = factory.Sequence(lambda n: f"sop-{n}")
    title = factory.Sequence(lambda n: f"SOP {n}")


class ModuleFactory(factory.django.DjangoModelFactory[Module]):
    class Meta:
        model = Module

    slug = factory.Sequence(lambda n: f"module-{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    summary = "What this module teaches."


def sop_published(*bodies: str, title: str = "", requires_reack: bool = False) -> SOP:
    """An SOP with one published version per body (v1, v2, …)."""
    sop = SOPFactory.create(**({"title": title} if title else {}))
    for number, body in enumerate(bodies, start=1):
        draft = services.sop_draft_save(
            sop=sop,
            body=body,
            change_summary="First version." if number == 1 else f"Change {number}",
            requires_reack=requires_reack and number > 1,
        )
        services.sop_version_publish(version=draft)
    return sop


def module_with_lessons(lessons: int = 3, **fields: object) -> Module:
    module = ModuleFactory.create(**fields)
    for position in range(1, lessons + 1):
        services.lesson_save(
            lesson=Lesson(
                module=module,
                position=position,
                title=f"Lesson {position}",
                body=f"## Part {position}\n\nText.",
            )
        )
    return module
