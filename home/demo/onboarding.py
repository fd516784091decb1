"""Load the demo onboarding checklist and the demo new hires' plans, through the real
services. Idempotent: the template is created once, a plan once per person and template."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from assessments.models import Quiz
from courses.models import SOP, Module
from home.demo import content
from onboarding import services as onboarding_services
from onboarding.models import ChecklistItemTemplate, ChecklistTemplate, OnboardingPlan, PlanItem


def demo_onboarding_load(*, people: dict[str, User]) -> None:
    template, created = ChecklistTemplate.objects.get_or_create(
        name=content.new_agent_template(),
        defaults={"description": content.new_agent_template_description()},
    )
    if created:
        steps = content.new_agent_steps()
        for position, (offset, kind, title, slug, description) in enumerate(steps):
            ChecklistItemTemplate.objects.create(
                template=template,
                position=position,
                due_offset_days=offset,
                kind=kind,
                title=title,
                description=description,
                sop=SOP.objects.filter(slug=slug).first() if kind == "read_sop" else None,
                module=Module.objects.filter(slug=slug).first() if kind == "module" else None,
                quiz=Quiz.objects.filter(slug=slug).first() if kind == "quiz" else None,
            )
    lead = people.get("lead@demo.test")
    for email, days_ago, done in content.demo_plans():
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
                onboarding_services.plan_item_sign_off(
                    item=item, lead=lead, comment=content.demo_plan_signoff_comment()
                )
            else:
                onboarding_services.plan_item_tick(item=item, user=user)
