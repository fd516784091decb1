"""Load the training demo content (``content/``: skills, SOPs, modules) and a few demo
assignments, through the real services.

Idempotent: skills, profiles and modules are upserted by slug; SOP versions that are already
published are left alone (they are immutable); assignments are ensured, never duplicated.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from accounts.calendar import local_today
from accounts.models import User
from assessments.models import Quiz
from courses import services as courses_services
from courses.models import (
    SOP,
    Assignment,
    Lesson,
    LessonProgress,
    Module,
    SOPAcknowledgement,
    SOPVersion,
)
from home.demo import content
from skills import services as skills_services
from skills.models import RoleProfile, Skill, SkillTarget

# Who gets which role profile in the demo.
# Agent 1 read these SOPs in their first version, before version 2 asked everyone to re-read.


def _polish(item: dict[str, Any], *fields: str) -> dict[str, str]:
    """The item's ``pl:`` texts as the Polish columns (``name_pl``, …), and the English texts
    as the English ones (the original columns hold English too: core.models.TranslatedContent)."""
    polish = item.get("pl") or {}
    return {
        **{f"{field}_en": item[field] for field in fields},
        **{f"{field}_pl": polish[field] for field in fields if polish.get(field)},
    }


def demo_skills_load() -> dict[str, Skill]:
    skills = {}
    for position, item in enumerate(content.skills()):
        skills[item["slug"]], _created = Skill.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "description": item["description"],
                **_polish(item, "name", "description"),
                "position": position,
            },
        )
    for position, item in enumerate(content.role_profiles()):
        profile, _created = RoleProfile.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "description": item["description"],
                **_polish(item, "name", "description"),
                "position": position,
            },
        )
        for slug, level in item["targets"].items():
            SkillTarget.objects.update_or_create(
                role_profile=profile, skill=skills[slug], defaults={"level": float(level)}
            )
    return skills


def _publish_version(sop: SOP, number: int, version: dict[str, Any]) -> SOPVersion:
    skills = list(Skill.objects.filter(slug__in=version.get("skills") or ()))
    existing = sop.versions.filter(number=number).first()
    if existing is not None:
        existing.skills.set(skills)  # the skills describe the SOP, not its text
        return existing
    draft = courses_services.sop_draft_save(
        sop=sop,
        body=str(version["body"]),
        change_summary=str(version["change_summary"]),
        requires_reack=bool(version["requires_reack"]),
        skills=skills,
    )
    return courses_services.sop_version_publish(version=draft)


def demo_sops_load(*, people: dict[str, User]) -> dict[str, SOP]:
    sops: dict[str, SOP] = {}
    for item in content.sops():
        sop, _created = SOP.objects.update_or_create(
            slug=item["slug"], defaults={"title": item["title"], "language": item["language"]}
        )
        sops[item["slug"]] = sop
        _publish_version(sop, 1, item["versions"][0])
    for email, slugs in content.demo_early_reads().items():
        if email not in people:
            continue
        for slug in slugs:
            first = sops[slug].versions.get(number=1)
            if not sops[slug].versions.filter(number=2).exists():
                SOPAcknowledgement.objects.get_or_create(user=people[email], sop_version=first)
    for item in content.sops():
        for number, version in enumerate(item["versions"][1:], start=2):
            published = _publish_version(sops[item["slug"]], number, version)
            if published.requires_reack:
                courses_services.sop_reack_assign(version_id=published.pk)
    return sops


def demo_modules_load(*, skills: dict[str, Skill], sops: dict[str, SOP]) -> dict[str, Module]:
    modules = {}
    for position, item in enumerate(content.modules()):
        module, created = Module.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "summary": item["summary"],
                **_polish(item, "title", "summary"),
                "estimated_minutes": item["estimated_minutes"],
                "position": position,
                "is_published": True,
            },
        )
        module.skills.set([skills[slug] for slug in item["skills"]])
        if created:
            # Pinned to the SOP versions the module was written against: version 1.
            module.sop_versions.set(
                [sops[slug].versions.get(number=1) for slug in item.get("sops", [])]
            )
        for number, lesson_item in enumerate(item["lessons"], start=1):
            lesson = module.lessons.filter(position=number).first() or Lesson(
                module=module, position=number
            )
            for field, value in _polish(lesson_item, "title", "body").items():
                setattr(lesson, field, value)
            courses_services.lesson_save(lesson=lesson)
        modules[item["slug"]] = module
    return modules


def demo_assignments_load(*, people: dict[str, User]) -> None:
    """The manual assignments of ``content/assignments.yaml`` (after the quizzes exist), each
    due on a calendar day ``due_in_days`` after today on the assigning lead's calendar."""
    for item in content.demo_assignments():
        user = people.get(item["agent"])
        if user is None:
            continue
        assigned_by = people.get(item["assigned_by"])
        module = Module.objects.get(slug=item["module"]) if item["module"] else None
        courses_services.assignment_ensure(
            user=user,
            module=module,
            sop=SOP.objects.get(slug=item["sop"]) if item["sop"] else None,
            quiz_id=Quiz.objects.get(slug=item["quiz"]).pk if item["quiz"] else None,
            source=Assignment.Source.MANUAL,
            reason=item["reason"],
            due_on=local_today(assigned_by) + timedelta(days=item["due_in_days"]),
            assigned_by=assigned_by,
        )
        if module is not None:
            for lesson in module.lessons.order_by("position")[: item["lessons_read"]]:
                LessonProgress.objects.get_or_create(user=user, lesson=lesson)


def demo_training_load(*, people: dict[str, User]) -> None:
    skills = demo_skills_load()
    for email, slug in content.demo_role_profiles().items():
        if email in people:
            skills_services.learner_profile_set(
                user=people[email], role_profile=RoleProfile.objects.get(slug=slug)
            )
    sops = demo_sops_load(people=people)
    demo_modules_load(skills=skills, sops=sops)
