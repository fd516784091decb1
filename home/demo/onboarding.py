"""Load the demo onboarding checklist and the demo new hires' plans, through the real
services. Idempotent: the template is created once, a plan once per person and template."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from assessments.models import Quiz
from courses.models import SOP, Module
from home.demo import content
from onboarding import services as onboarding_services
from onboarding.models import ChecklistItemTemplate, ChecklistTemplate, OnboardingPlan, PlanItem


def _template_load(name: str, description: str, steps: list[content.ChecklistStep]) -> Any:
    template, created = ChecklistTemplate.objects.get_or_create(
        name=name, defaults={"description": description}
    )
    if created:
        for position, (offset, kind, title, slug, step_description) in enumerate(steps):
            ChecklistItemTemplate.objects.create(
                template=template,
                position=position,
                due_offset_days=offset,
                kind=kind,
                title=title,
                description=step_description,
                sop=SOP.objects.filter(slug=slug).first() if kind == "read_sop" else None,
                module=Module.objects.filter(slug=slug).first() if kind == "module" else None,
                quiz=Quiz.objects.filter(slug=slug).first() if kind == "quiz" else None,
            )
    return template


def _plans_load(
    *, people: dict[str, User], template: Any, plans: list[content.Plan], comment: str
) -> None:
    lead = people.get("lead@demo.test")
    for email, days_ago, done in plans:
        user = people.get(email)
        if user is None or OnboardingPlan.objects.filter(user=user, template=template).exists():
            continue
        plan = onboarding_services.onboarding_plan_start(
            user=user,
            template=template,
            start_date=timezone.localdate() - timedelta(days=days_ago),
            started_by=lead,
        )
        for item in PlanItem.objects.filter(plan=plan, title__in=done):
            if item.kind == "lead_signoff" and lead is not None:
                onboarding_services.plan_item_sign_off(item=item, lead=lead, comment=comment)
            else:
                onboarding_services.plan_item_tick(item=item, user=user)


def demo_onboarding_load(*, people: dict[str, User]) -> None:
    """The English new-agent checklist and its plans, then the checklists in other languages
    (``onboarding_<language>.yaml``: the Polish one for the Polish-speaking agent)."""
    template = _template_load(
        content.new_agent_template(),
        content.new_agent_template_description(),
        content.new_agent_steps(),
    )
    _plans_load(
        people=people,
        template=template,
        plans=content.demo_plans(),
        comment=content.demo_plan_signoff_comment(),
    )
    for checklist in content.more_checklists():
        template = _template_load(
            checklist["template"]["name"],
            checklist["template"]["description"],
            checklist["steps"],
        )
        _plans_load(
            people=people,
            template=template,
            plans=checklist["plans"],
            comment=checklist["signoff_comment"],
        )
