"""The review-import pages: a lead adds a source, uploads an export, maps it once, maps an
unknown category, previews and imports; another team's lead gets 404 everywhere."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qa.models import QAFinding, ReviewCategory, ReviewRating, ReviewSource
from qa.reviews import sources as review_sources
from tests.qa import review_exports as exports
from tests.qa.conftest import as_user

pytestmark = pytest.mark.django_db


def mapping_post(token, **columns):
    data = {
        "token": token,
        "step": "map",
        "shape": "long",
        "agent_match": "email",
        "encoding": "auto",
    }
    data.update({f"col_{k}": v for k, v in columns.items()})
    return data


def test_a_lead_maps_an_export_once_and_imports_it(lead, member, team, catalogue):
    client = as_user(lead)
    created = client.post(f"/teams/{team.pk}/qa-sources/", {"name": "Zendesk QA", "shape": "long"})
    source = ReviewSource.objects.get()
    assert created.url == f"/teams/{team.pk}/qa-sources/{source.pk}/import/"
    url = created.url

    upload = SimpleUploadedFile("export.csv", exports.long_csv(member.email))
    page = client.post(url, {"file": upload})
    assert page.templates[0].name == "qa/review_mapping.html"
    token = page.context["token"]
    # the first guess comes from the column names
    assert page.context["mapping"].initial["col_agent"] == "Reviewee email"

    preview = client.post(url, mapping_post(token, **exports.LONG_MAPPING))
    assert preview.templates[0].name == "qa/review_preview.html"
    source.refresh_from_db()
    assert source.columns == exports.LONG_MAPPING
    # every category is new: listed with a suggestion, nothing imported yet
    formset = preview.context["category_formset"]
    assert [f.initial["name"] for f in formset] == [
        "Empathy",
        "Escalation",
        "GDPR check",
        "Metrics talk",
        "Tone",
    ]
    assert formset.forms[1].initial["skill"] == "escalations"
    assert preview.context["report"].counts == {"unknown": 6}

    cats = {
        "cat-TOTAL_FORMS": "5",
        "cat-INITIAL_FORMS": "5",
        "token": token,
        "step": "categories",
    }
    plan = [
        ("Empathy", "kpi-literacy", "4", "3", False),
        ("Escalation", "escalations", "4", "3", False),
        ("GDPR check", "escalations", "binary", "1", True),
        ("Metrics talk", "__ignore__", "4", "", False),
        ("Tone", "kpi-literacy", "4", "3", False),
    ]
    for n, (name, skill, scale, mark, critical) in enumerate(plan):
        cats.update(
            {
                f"cat-{n}-name": name,
                f"cat-{n}-skill": skill,
                f"cat-{n}-scale": scale,
                f"cat-{n}-pass_mark": mark,
                f"cat-{n}-weight": "1",
            }
        )
        if critical:
            cats[f"cat-{n}-critical"] = "on"
    again = client.post(url, cats)
    assert again.templates[0].name == "qa/review_preview.html"
    # GDPR check is binary now: "1" passes
    assert again.context["report"].counts == {"pass": 3, "fail": 1, "na": 1, "ignored": 1}
    assert ReviewCategory.objects.filter(source=source).count() == 5

    done = client.post(url, {"token": token, "step": "confirm"})
    assert done.status_code == 302
    assert QAFinding.objects.get().criterion == "Escalation"
    assert ReviewRating.objects.count() == 4

    # next time: no mapping step, straight to the preview, and nothing new
    upload = SimpleUploadedFile("export.csv", exports.long_csv(member.email))
    second = client.post(url, {"file": upload})
    assert second.templates[0].name == "qa/review_preview.html"
    assert second.context["report"].counts["duplicate"] == 4
    assert second.context["report"].importable == 0


def test_an_expired_preview_and_a_bad_file_are_form_errors(lead, team):
    source, _ = review_sources.review_source_create(team=team, created_by=lead, name="S")
    url = f"/teams/{team.pk}/qa-sources/{source.pk}/import/"
    client = as_user(lead)
    expired = client.post(url, {"token": "gone", "step": "confirm"})
    assert expired.status_code == 200
    assert "expired" in expired.context["upload_form"].errors["file"][0]
    bad = client.post(url, {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04nope")})
    assert "XLSX" in bad.context["upload_form"].errors["file"][0]


def test_the_source_page_saves_settings_and_shows_a_new_secret_once(lead, team):
    source, first = review_sources.review_source_create(team=team, created_by=lead, name="S")
    client = as_user(lead)
    url = f"/teams/{team.pk}/qa-sources/{source.pk}/"
    page = client.get(url)
    assert first not in page.content.decode()
    assert b"X-Readiness-Signature" in page.content
    rotated = client.post(url, {"action": "rotate"})
    secret = rotated.context["secret"]
    assert secret != first
    assert secret in rotated.content.decode()
    assert secret not in client.get(url).content.decode()
    saved = client.post(
        url,
        {
            "action": "settings",
            "name": "Renamed",
            "default_scale": "5",
            "na_values": "n/a",
            "webhook_enabled": "on",
        },
    )
    assert saved.status_code == 302
    source.refresh_from_db()
    assert (source.name, source.default_scale, source.webhook_enabled) == ("Renamed", "5", True)


@pytest.mark.parametrize("path", ["", "{source}/", "{source}/import/"])
def test_another_teams_lead_and_a_member_get_404(lead, outsider, member, team, other_team, path):
    source, _ = review_sources.review_source_create(team=team, created_by=lead, name="S")
    url = f"/teams/{team.pk}/qa-sources/" + path.format(source=source.pk)
    for user in (outsider, member):
        assert as_user(user).get(url).status_code == 404
    # the source under another team's address is not found either
    outsider_url = f"/teams/{other_team.pk}/qa-sources/{source.pk}/"
    assert as_user(outsider).get(outsider_url).status_code == 404
    assert as_user(outsider).post(outsider_url, {"action": "rotate"}).status_code == 404


@pytest.mark.parametrize("count", [1, 5])
def test_the_sources_page_takes_the_same_queries_at_any_size(
    lead, team, assert_queries, count, django_user_model
):
    for n in range(count):
        review_sources.review_source_create(team=team, created_by=lead, name=f"S{n}")
    client = as_user(lead)
    client.get("/")  # warm the session
    # session, user, team, navigation, unread notices, sources (with their category counts)
    with assert_queries(6):
        page = client.get(f"/teams/{team.pk}/qa-sources/")
    assert len(page.context["sources"]) == count


def test_the_source_page_edits_the_category_mapping(lead, team, catalogue):
    source, _ = review_sources.review_source_create(team=team, created_by=lead, name="S")
    review_sources.review_categories_save(
        source=source,
        categories=[review_sources.CategoryInput(name="Empathy", skill=catalogue["metrics"])],
    )
    url = f"/teams/{team.pk}/qa-sources/{source.pk}/"
    form = {
        "action": "categories",
        "cat-TOTAL_FORMS": "1",
        "cat-INITIAL_FORMS": "1",
        "cat-0-name": "Empathy",
        "cat-0-scale": "percent",
        "cat-0-pass_mark": "120",
        "cat-0-weight": "1",
        "cat-0-skill": "escalations",
    }
    bad = as_user(lead).post(url, form)
    assert bad.status_code == 200
    assert "The pass mark must be above 0 and at most 100" in bad.content.decode()
    saved = as_user(lead).post(url, {**form, "cat-0-pass_mark": "75", "cat-0-critical": "on"})
    assert saved.status_code == 302
    category = ReviewCategory.objects.get(source=source)
    assert (category.skill.slug, category.scale, category.pass_mark, category.critical) == (
        "escalations",
        "percent",
        75.0,
        True,
    )
