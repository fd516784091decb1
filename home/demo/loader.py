"""The demo organisation: every app's demo content, loaded in dependency order."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from assessments.models import CandidateInvitation
from assessments.selectors import candidate_invitation_url
from home.demo import content
from home.demo.assessments import DEMO_CANDIDATE, demo_assessments_load
from home.demo.onboarding import demo_onboarding_load
from home.demo.people import DEMO_PEOPLE, demo_people_load
from home.demo.qa import demo_qa_load
from home.demo.readiness import demo_readiness_load
from home.demo.training import demo_assignments_load, demo_training_load

DEFAULT_DEMO_PASSWORD = "readiness-demo"  # noqa: S105  (documented demo login, DEBUG only)


@dataclass
class DemoSummary:
    password: str
    logins: list[tuple[str, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


@transaction.atomic
def demo_load() -> DemoSummary:
    """Create or update the demo data; running it again changes nothing."""
    people = demo_people_load(password=demo_password())
    demo_training_load(people=people)
    demo_assessments_load(people=people)
    demo_assignments_load(people=people)
    demo_onboarding_load(people=people)
    demo_qa_load(people=people)
    demo_readiness_load(people=people)
    return demo_summary()


def demo_summary(*, site_url: str | None = None) -> DemoSummary:
    """What to print for people trying the demo: logins and links."""
    summary = DemoSummary(password=demo_password())
    summary.logins = [
        (email, "admin" if is_admin else (role or "member"))
        for email, _name, is_admin, role in DEMO_PEOPLE
    ]
    for wanted in content.demo_candidate_invitations():
        invitation = (
            CandidateInvitation.objects.filter(email=wanted["email"], revoked_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if invitation is None:
            continue
        label = (
            "Candidate link (lead-readiness quiz, no login needed)"
            if wanted["email"] == DEMO_CANDIDATE
            else f"Candidate link in {invitation.language} ({wanted['quiz']} quiz, no login needed)"
        )
        summary.links.append(
            (label, f"{site_url or settings.SITE_URL}{candidate_invitation_url(invitation)}")
        )
    return summary
