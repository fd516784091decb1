"""Load the training demo content (courses/demo_content.py) and a few demo assignments.

Idempotent: skills, profiles and modules are upserted by slug; SOP versions that are already
published are left alone (they are immutable); assignments are ensured, never duplicated.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from courses import demo_content, services
from courses.models import (
    SOP,
    Assignment,
    Lesson,
    LessonProgress,
    Module,
    RoleProfile,
    Skill,
    SkillTarget,
    SOPAcknowledgement,
    SOPVersion,
)

# Who gets which role profile in the demo.
DEMO_ROLE_PROFILES = {
    "agent1@demo.test": "agent",
    "agent2@demo.test": "agent",
    "agent3@demo.test": "agent",
    "lead@demo.test": "lead",
}
# Agent 1 read these SOPs in their first version, before version 2 asked everyone to re-read.
DEMO_EARLY_READS = {"agent1@demo.test": ["escalation-handling", "new-agent-first-week"]}


def demo_skills_load() -> dict[str, Skill]:
    skills = {}
    for position, item in enumerate(demo_content.SKILLS):
        skills[item["slug"]], _created = Skill.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "description": item["description"],
                "position": position,
            },
        )
    for position, item in enumerate(demo_content.ROLE_PROFILES):
        profile, _created = RoleProfile.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "description": item["description"],
                "position": position,
            },
        )
        for slug, level in item["targets"].items():
            SkillTarget.objects.update_or_create(
                role_profile=profile, skill=skills[slug], defaults={"level": float(level)}
            )
    return skills


def _publish_version(sop: SOP, number: int, version: dict[str, object]) -> SOPVersion:
    existing = sop.versions.filter(number=number).first()
    if existing is not None:
        return existing
    draft = services.sop_draft_save(
        sop=sop,
        body=str(version["body"]),
        change_summary=str(version["change_summary"]),
        requires_reack=bool(version["requires_reack"]),
    )
    return services.sop_version_publish(version=draft)


def demo_sops_load(*, people: dict[str, User]) -> dict[str, SOP]:
    sops: dict[str, SOP] = {}
    for item in demo_content.SOPS:
        sop, _created = SOP.objects.update_or_create(
            slug=item["slug"], defaults={"title": item["title"]}
        )
        sops[item["slug"]] = sop
        _publish_version(sop, 1, item["versions"][0])
    for email, slugs in DEMO_EARLY_READS.items():
        if email not in people:
            continue
        for slug in slugs:
            first = sops[slug].versions.get(number=1)
            if not sops[slug].versions.filter(number=2).exists():
                SOPAcknowledgement.objects.get_or_create(user=people[email], sop_version=first)
    for item in demo_content.SOPS:
        for number, version in enumerate(item["versions"][1:], start=2):
            published = _publish_version(sops[item["slug"]], number, version)
            if published.requires_reack:
                services.sop_reack_assign(version_id=published.pk)
    return sops


def demo_modules_load(*, skills: dict[str, Skill], sops: dict[str, SOP]) -> dict[str, Module]:
    modules = {}
    for position, item in enumerate(demo_content.MODULES):
        module, created = Module.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "summary": item["summary"],
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
            lesson.title = lesson_item["title"]
            lesson.body = lesson_item["body"]
            services.lesson_save(lesson=lesson)
        modules[item["slug"]] = module
    return modules


def demo_assignments_load(
    *, people: dict[str, User], modules: dict[str, Module], sops: dict[str, SOP]
) -> None:
    lead = people.get("lead@demo.test")
    now = timezone.now()
    plan = [
        ("agent1@demo.test", modules["service-metrics"], None, 2, "Before your first QA review"),
        ("agent1@demo.test", modules["helpdesk-tool-basics"], None, 10, "Your first week"),
        (
            "agent2@demo.test",
            modules["handling-escalations"],
            None,
            -1,
            "Two escalations went wrong last week",
        ),
        ("agent3@demo.test", None, sops["complaint-handling"], 5, "New complaints process"),
    ]
    for email, module, sop, days, reason in plan:
        if email not in people:
            continue
        services.assignment_ensure(
            user=people[email],
            module=module,
            sop=sop,
            source=Assignment.Source.MANUAL,
            reason=reason,
            due_at=now + timedelta(days=days),
            assigned_by=lead,
        )
    # Agent 2 has read the first lesson of their overdue module.
    if "agent2@demo.test" in people:
        first = modules["handling-escalations"].lessons.order_by("position").first()
        if first:
            LessonProgress.objects.get_or_create(user=people["agent2@demo.test"], lesson=first)


def demo_training_load(*, people: dict[str, User]) -> None:
    skills = demo_skills_load()
    for email, slug in DEMO_ROLE_PROFILES.items():
        if email in people:
            services.learner_profile_set(
                user=people[email], role_profile=RoleProfile.objects.get(slug=slug)
            )
    sops = demo_sops_load(people=people)
    modules = demo_modules_load(skills=skills, sops=sops)
    demo_assignments_load(people=people, modules=modules, sops=sops)


NEW_AGENT_TEMPLATE = "New agent: first month"
# (due offset days, kind, title, link slug, description)
NEW_AGENT_STEPS = [
    (
        0,
        "task",
        "Get your accounts and tools access",
        "",
        "Helpdesk, chat, phone and knowledge base logins all work.",
    ),
    (0, "read_sop", "Read the new-agent first week SOP", "new-agent-first-week", ""),
    (
        0,
        "lead_signoff",
        "Meet your lead",
        "",
        "A first 1:1: expectations, your schedule, who to ask.",
    ),
    (3, "task", "Shadow a senior agent", "", "Half a day listening in on calls and chats."),
    (5, "module", "Complete the service metrics module", "service-metrics", ""),
    (5, "module", "Complete the helpdesk tool module", "helpdesk-tool-basics", ""),
    (
        10,
        "task",
        "Handle your first supervised tickets",
        "",
        "Ten tickets with a senior agent reviewing before you send.",
    ),
    (
        12,
        "lead_signoff",
        "First QA review",
        "",
        "Your lead reviews five of your tickets against the scorecard.",
    ),
    (26, "quiz", "Pass the agent knowledge check", "agent-knowledge-check", ""),
    (
        28,
        "lead_signoff",
        "Final onboarding sign-off",
        "",
        "You are ready to work the queue on your own.",
    ),
]
# Demo plans: (email, start this many days ago, steps already done by title)
DEMO_PLANS = [
    ("agent1@demo.test", 4, ["Get your accounts and tools access", "Meet your lead"]),
    ("agent2@demo.test", 18, ["Get your accounts and tools access"]),
    ("agent3@demo.test", 0, []),
]


def demo_onboarding_load(*, people: dict[str, User]) -> None:
    from courses import onboarding
    from courses.models import ChecklistItemTemplate, ChecklistTemplate, OnboardingPlan, PlanItem

    quiz_model = ChecklistItemTemplate._meta.get_field("quiz").related_model
    template, created = ChecklistTemplate.objects.get_or_create(
        name=NEW_AGENT_TEMPLATE,
        defaults={"description": "The first four weeks of a new customer-service agent."},
    )
    if created:
        for position, (offset, kind, title, slug, description) in enumerate(NEW_AGENT_STEPS):
            ChecklistItemTemplate.objects.create(
                template=template,
                position=position,
                due_offset_days=offset,
                kind=kind,
                title=title,
                description=description,
                sop=SOP.objects.filter(slug=slug).first() if kind == "read_sop" else None,
                module=Module.objects.filter(slug=slug).first() if kind == "module" else None,
                quiz=quiz_model.objects.filter(slug=slug).first() if kind == "quiz" else None,  # type: ignore[union-attr]
            )
    lead = people.get("lead@demo.test")
    for email, days_ago, done in DEMO_PLANS:
        user = people.get(email)
        if user is None or OnboardingPlan.objects.filter(user=user, template=template).exists():
            continue
        plan = onboarding.onboarding_plan_start(
            user=user,
            template=template,
            start_date=timezone.localdate() - timedelta(days=days_ago),
            started_by=lead,
        )
        for item in PlanItem.objects.filter(plan=plan, title__in=done):
            if item.kind == "lead_signoff" and lead is not None:
                onboarding.plan_item_sign_off(item=item, lead=lead, comment="Great start, welcome!")
            else:
                onboarding.plan_item_tick(item=item, user=user)
