"""Readiness criteria for "Live Chat Agent" and "Customer Service Lead", and the evidence and
decisions that give every state on the lead's board (home/demo/content/readiness.yaml)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from assessments.models import Quiz
from courses import services as courses_services
from courses.models import SOP, Module
from home.demo import content
from qa import services as qa_services
from readiness import services as readiness_services
from readiness.models import Criteria, Criterion, Decision
from skills import services as skills_services
from skills.models import RoleProfile, Skill


def demo_readiness_load(*, people: dict[str, User]) -> None:
    admin = people.get("admin@demo.test")
    lead = people.get("lead@demo.test")
    if admin is None or lead is None or Criteria.objects.exists():
        return
    data = content.demo_readiness()
    roles = {r.slug: r for r in RoleProfile.objects.all()}
    criteria: dict[str, Criteria] = {}
    for item in data["criteria"]:
        found = readiness_services.criteria_create(
            role_profile=roles[item["role"]],
            from_roles=[roles[slug] for slug in item["from_roles"]],
            by=admin,
        )
        for line in item["lines"]:
            fields, sops, modules = _line(line)
            readiness_services.criterion_add(
                criteria=found, by=admin, fields=fields, sops=sops, modules=modules
            )
        criteria[item["role"]] = found
    for email, slugs in data.get("acknowledged", {}).items():
        for sop in SOP.objects.filter(slug__in=slugs):
            version = sop.versions.filter(status="published").order_by("-number").first()
            if version is not None:
                courses_services.sop_acknowledge(user=people[email], version=version)
    skills_services.profiles_rebuild()
    for item in data.get("signoffs", []):
        found = criteria[item["role"]]
        line = Criterion.objects.filter(
            version__criteria=found, label_en=item["line"], kind="signoff"
        ).first()
        if line is not None:
            readiness_services.signoff_give(
                person=people[item["person"]], criteria=found, key=line.key, by=lead
            )
    now = timezone.now()
    for item in data.get("decisions", []):
        decision = readiness_services.decision_record(
            person=people[item["person"]],
            criteria=criteria[item["role"]],
            outcome=item["outcome"],
            by=lead,
            reason=item.get("reason", ""),
        )  # judged on today's evidence, then dated back as the story has it
        Decision.objects.filter(pk=decision.pk).update(
            decided_at=now - timedelta(days=item["days_ago"])
        )
    skills = {s.slug: s for s in Skill.objects.all()}
    for finding in data.get("after_decisions", {}).get("findings", []):
        qa_services.finding_record(
            reviewer=people[finding["reviewer"]],
            agent=people[finding["agent"]],
            interaction_ref=finding["interaction_ref"],
            criterion=finding["criterion"],
            skill=skills[finding["skill"]],
            severity=finding["severity"],
            note=finding["note"],
            occurred_at=now - timedelta(days=finding["days_ago"]),
        )
    readiness_services.regressions_sweep(now=now)


def _line(line: dict[str, Any]) -> tuple[dict[str, Any], list[SOP], list[Module]]:
    fields: dict[str, Any] = {
        "kind": line["kind"],
        "label": line.get("label", ""),
        "label_en": line.get("label", ""),
        "label_pl": line.get("label_pl", ""),
        "count": line.get("count"),
        "quiz": Quiz.objects.get(slug=line["quiz"]) if line.get("quiz") else None,
        "min_band": line.get("min_band", ""),
        "within_days": line.get("within_days"),
        "skill": Skill.objects.get(slug=line["skill"]) if line.get("skill") else None,
        "categories": line.get("categories", []),
        "min_rate": line.get("min_rate"),
        "min_count": line.get("min_count"),
    }
    sops = list(SOP.objects.filter(slug__in=line.get("sops", [])))
    modules = list(Module.objects.filter(slug__in=line.get("modules", [])))
    return fields, sops, modules
