"""The printable readiness report (PDF): read back with pypdf, it names the person, the role and
each criterion, in the viewer's language with Polish letters intact; other teams' leads get 404."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from accounts.models import User
from readiness import services
from readiness.models import Criteria, Criterion, Kind
from skills.models import LearnerProfile, RoleProfile
from tests import factories


def line_add(criteria: Criteria, by: User, **fields: Any) -> Criterion:
    modules = fields.pop("modules", [])
    values: dict[str, Any] = {"label": "", "categories": []}
    values.update(fields)
    version = services.criterion_add(criteria=criteria, by=by, fields=values, modules=modules)
    return version.items.order_by("-position")[0]


def pdf_text(content: bytes) -> str:
    """Every page's text, whitespace collapsed (a table cell may wrap)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


@pytest.fixture
def setup(db: None, lead: User, member: User, admin_user: User) -> dict[str, Any]:
    agent = RoleProfile.objects.create(slug="agent", name="Agent")
    live = RoleProfile.objects.create(
        slug="live-chat", name="Live chat agent", name_pl="Konsultant czatu na żywo"
    )
    LearnerProfile.objects.create(user=member, role_profile=agent)
    criteria = services.criteria_create(role_profile=live, from_roles=[agent], by=admin_user)
    signoff = line_add(
        criteria,
        admin_user,
        kind=Kind.SIGNOFF,
        label="Shadowed three chats",
        label_en="Shadowed three chats",
        label_pl="Trzy rozmowy z mentorem (żółw)",
    )
    module = factories.module_with_lessons(lessons=1, title="Chat etiquette")
    line_add(criteria, admin_user, kind=Kind.MODULES, modules=[module])
    services.signoff_give(person=member, criteria=criteria, key=signoff.key, by=lead)
    services.decision_record(
        person=member, criteria=criteria, outcome="not_yet", by=lead, reason="Finish the module."
    )
    return {"criteria": criteria}


def report(client: Client, viewer: User, person: User) -> Any:
    client.force_login(viewer)
    return client.get(f"/readiness/people/{person.pk}/report.pdf")


def test_the_report_is_a_pdf_in_english(
    client: Client, setup: dict[str, Any], lead: User, member: User
) -> None:
    response = report(client, lead, member)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "readiness-" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert f"Readiness of {member.name}" in text
    assert member.email in text
    assert "Live chat agent" in text
    assert "Shadowed three chats" in text
    assert "Modules completed: Chat etiquette" in text
    assert "Not met" in text  # the role's verdict: the module is missing
    assert "Finish the module." in text  # the decision in the history
    assert f"by {lead.name}" in text  # who printed it
    assert "Konsultant" not in text


def test_the_report_speaks_polish_to_a_polish_viewer(
    client: Client, setup: dict[str, Any], lead: User, member: User
) -> None:
    lead.language = "pl"
    lead.save(update_fields=["language"])
    response = report(client, lead, member)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Konsultant czatu na żywo" in text
    assert "Trzy rozmowy z mentorem (żółw)" in text
    assert member.name in text
    assert "Live chat agent" not in text


def test_the_person_reads_their_own_report(
    client: Client, setup: dict[str, Any], member: User
) -> None:
    response = report(client, member, member)
    assert response.status_code == 200
    assert "Live chat agent" in pdf_text(response.content)


def test_others_get_404(
    client: Client, setup: dict[str, Any], member: User, outsider: User, team: Any
) -> None:
    assert report(client, outsider, member).status_code == 404
    teammate = factories.UserFactory.create(name="Tomek Teammate")
    factories.MembershipFactory.create(user=teammate, team=team)
    assert report(client, teammate, member).status_code == 404
    assert report(client, member, teammate).status_code == 404
    client.logout()
    anonymous = client.get(f"/readiness/people/{member.pk}/report.pdf")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
