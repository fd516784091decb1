"""Inputs a lead meets on day one (issue "Trust II"): an export naming someone outside the
lead's teams, and a NUL in a search box. Each answers a page, never a 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qa.models import ReviewSource
from tests.qa import review_exports as exports

pytestmark = pytest.mark.django_db


def test_the_preview_lists_agents_outside_the_leads_teams(lead, member, outsider, team, catalogue):
    client = Client()
    client.force_login(lead)
    created = client.post(f"/teams/{team.pk}/qa-sources/", {"name": "Zendesk QA", "shape": "long"})
    assert ReviewSource.objects.filter(team=team).exists()
    upload = SimpleUploadedFile("export.csv", exports.long_csv(outsider.email))
    page = client.post(created["Location"], {"file": upload})
    token = page.context["token"]
    data = {"token": token, "step": "map", "shape": "long", "agent_match": "email"}
    data |= {"encoding": "auto"} | {f"col_{k}": v for k, v in exports.LONG_MAPPING.items()}
    preview = client.post(created["Location"], data)
    assert preview.status_code == 200
    assert preview.templates[0].name == "qa/review_preview.html"
    html = preview.content.decode()
    assert "Agents not found in your teams" in html
    assert outsider.email in html
    assert preview.context["report"].unknown_agents[outsider.email] == 6


@pytest.mark.parametrize("query", ["%00", "a%00b", "%00%00"])
def test_a_nul_in_the_search_box_is_dropped(lead, team, query):
    client = Client()
    client.force_login(lead)
    page = client.get(f"/teams/{team.pk}/findings/?q={query}")
    assert page.status_code == 200
    assert "\x00" not in page.context["listing"].q
