"""SOPs that know their skills (issue 29): skills from the import's front matter and the admin,
a re-read for those not shown at target only, and "re-read" links from findings, low skills,
suggestions and practice feedback."""

from __future__ import annotations

import pytest
from django.utils import timezone

from core.errors import ValidationFailed
from courses import selectors as courses_selectors
from courses import services as courses_services
from courses.models import SOP, Assignment, SOPVersion
from courses.sop_import import services as sop_import
from practice import services as practice_services
from qa import services as qa_services
from qa.models import TrainingRule, TrainingSuggestion
from skills import skill_model
from skills.models import LearnerProfile, SkillProficiency
from tests import factories
from tests.courses.test_sop_import import files_of, md


def _published(slug, *skills, body="Step 1.\n", language="en", title=""):
    sop = factories.SOPFactory.create(
        slug=slug, language=language, **({"title": title} if title else {})
    )
    draft = courses_services.sop_draft_save(
        sop=sop, body=body, change_summary="First version.", skills=list(skills)
    )
    courses_services.sop_version_publish(version=draft)
    return sop


def _measured(user, skill, *, good):
    """A projection with plenty of evidence: all good (at any target) or all bad."""
    SkillProficiency.objects.create(
        user=user,
        skill=skill,
        alpha=40.0 if good else 0.0,
        beta=0.0 if good else 40.0,
        anchor_day=skill_model.day_number(timezone.now()),
        evidence_count=40,
    )


# --- where skills come from ------------------------------------------------------------------


def test_the_imports_front_matter_links_the_version_to_its_skills(admin_user, catalogue):
    data = md("Text.\n", slug="refunds", extra="skills: [escalations, nonsense]\n")
    plan = sop_import.sop_import_plan(files=files_of("r.md", data))
    note = next(n for n in plan.items[0].notes if "Linked to the skills" in n)
    assert "escalations" in note
    assert "nonsense is not a known skill and is left out." in note
    sop_import.sop_import(
        user=admin_user, files=files_of("r.md", data), action="publish", requires_reack=None
    )
    version = SOPVersion.objects.get(sop__slug="refunds")
    assert [s.slug for s in version.skills.all()] == ["escalations"]
    # the same text with other skills: the current version's skills change, no new version
    again = md("Text.\n", slug="refunds", extra="skills: [kpi-literacy]\n")
    sop_import.sop_import(
        user=admin_user, files=files_of("r.md", again), action="publish", requires_reack=None
    )
    assert SOPVersion.objects.filter(sop__slug="refunds").count() == 1
    assert [s.slug for s in version.skills.all()] == ["kpi-literacy"]


def test_a_new_version_teaches_what_the_last_one_taught_unless_told(catalogue):
    sop = _published("refunds", catalogue["escalations"])
    draft = courses_services.sop_draft_save(sop=sop, body="Step 2.\n", change_summary="Two")
    assert list(draft.skills.all()) == [catalogue["escalations"]]
    other = factories.SOPFactory.create()
    fresh = courses_services.sop_draft_save(
        sop=other, body="x", change_summary="y", skills=[catalogue["metrics"]]
    )
    assert list(fresh.skills.all()) == [catalogue["metrics"]]


def test_the_api_and_the_page_name_the_skills(api_as, client, member, catalogue):
    sop = _published("refunds", catalogue["escalations"])
    body = api_as(member).get(f"/api/v1/sops/{sop.pk}/").json()
    assert body["current_version"]["skills"] == ["escalations"]
    client.force_login(member)
    assert "Escalation handling" in client.get("/sops/refunds/").content.decode()


def test_a_bad_reack_scope_is_refused(catalogue):
    sop = factories.SOPFactory.create()
    with pytest.raises(ValidationFailed) as refused:
        courses_services.sop_draft_save(sop=sop, body="x", change_summary="y", reack_scope="some")
    assert "reack_scope" in refused.value.field_errors


# --- re-reading only below target ------------------------------------------------------------


def test_a_new_version_can_ask_only_those_not_shown_at_target_to_re_read(
    catalogue, member, team, django_capture_on_commit_callbacks
):
    escalations, agent = catalogue["escalations"], catalogue["profile"]
    sop = _published("refunds", escalations)
    at_target = factories.UserFactory.create(name="At Target")
    below = factories.UserFactory.create(name="Below Target")
    unknown = factories.UserFactory.create(name="No Evidence")
    no_role = factories.UserFactory.create(name="No Role")
    for person in (at_target, below, unknown):
        LearnerProfile.objects.create(user=person, role_profile=agent)
    _measured(at_target, escalations, good=True)
    _measured(below, escalations, good=False)
    _measured(no_role, escalations, good=True)
    v1 = sop.versions.get()
    for person in (at_target, below, unknown, no_role):
        courses_services.sop_acknowledge(user=person, version=v1)
    draft = courses_services.sop_draft_save(
        sop=sop,
        body="Step 1, changed.\n",
        change_summary="Changed",
        requires_reack=True,
        reack_scope=SOPVersion.ReackScope.BELOW_TARGET,
    )
    with django_capture_on_commit_callbacks(execute=True):
        courses_services.sop_version_publish(version=draft)
    assigned = set(Assignment.objects.filter(sop=sop).values_list("user__name", flat=True))
    assert assigned == {"Below Target", "No Evidence", "No Role"}


def test_everyone_re_reads_by_default(catalogue, django_capture_on_commit_callbacks):
    sop = _published("refunds", catalogue["escalations"])
    at_target = factories.UserFactory.create()
    LearnerProfile.objects.create(user=at_target, role_profile=catalogue["profile"])
    _measured(at_target, catalogue["escalations"], good=True)
    courses_services.sop_acknowledge(user=at_target, version=sop.versions.get())
    draft = courses_services.sop_draft_save(
        sop=sop, body="New.\n", change_summary="Changed", requires_reack=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        courses_services.sop_version_publish(version=draft)
    assert Assignment.objects.filter(user=at_target, sop=sop).exists()


# --- re-read links ---------------------------------------------------------------------------


def test_sops_by_skill_put_the_readers_language_first_and_skip_superseded_versions(catalogue):
    escalations = catalogue["escalations"]
    _published("b-english", escalations, title="B English")
    _published("a-polish", escalations, language="pl", title="A Polska")
    old = _published("dropped", escalations, title="Dropped")
    courses_services.sop_version_publish(
        version=courses_services.sop_draft_save(
            sop=old, body="v2", change_summary="no skill now", skills=[]
        )
    )
    links = courses_selectors.sops_by_skill([escalations.pk], language="pl")[escalations.pk]
    assert [link.slug for link in links] == ["a-polish", "b-english"]


def test_a_finding_shows_re_read_links_to_the_sops_of_its_skill(
    client, lead, member, team, catalogue
):
    _published("escalation-handling", catalogue["escalations"], title="Escalation handling SOP")
    _published("metrics-sop", catalogue["metrics"], title="Metrics SOP")
    qa_services.finding_record(
        reviewer=lead,
        agent=member,
        interaction_ref="TCK-1",
        criterion="Escalated late",
        skill=catalogue["escalations"],
        severity="high",
        occurred_at=timezone.now(),
    )
    client.force_login(lead)
    page = client.get(f"/teams/{team.pk}/findings/").content.decode()
    assert "Re-read:" in page
    assert 'href="/sops/escalation-handling/"' in page
    assert "Metrics SOP" not in page


def test_a_low_skill_offers_its_sops_and_modules(client, lead, member, team, catalogue):
    _published("escalation-handling", catalogue["escalations"], title="Escalation handling SOP")
    _measured(member, catalogue["escalations"], good=False)
    _measured(member, catalogue["metrics"], good=True)
    _published("metrics-sop", catalogue["metrics"], title="Metrics SOP")
    client.force_login(member)
    page = client.get(f"/skills/people/{member.pk}/").content.decode()
    assert 'href="/sops/escalation-handling/"' in page
    assert f'href="/training/modules/{catalogue["module"].slug}/"' in page
    assert "Metrics SOP" not in page  # at target: nothing to re-read


def test_a_suggestion_offers_the_skills_sops_and_other_modules(
    client, lead, member, team, catalogue
):
    _published("escalation-handling", catalogue["escalations"], title="Escalation handling SOP")
    other = factories.module_with_lessons(lessons=1, title="Calm conversations")
    other.skills.add(catalogue["escalations"])
    rule = TrainingRule.objects.create(
        name="Escalations", skill=catalogue["escalations"], module=catalogue["module"]
    )
    TrainingSuggestion.objects.create(
        rule=rule, agent=member, module=catalogue["module"], reason="3 findings"
    )
    client.force_login(lead)
    page = client.get(f"/teams/{team.pk}/skills/").content.decode()
    assert "Also on Escalation handling:" in page
    assert 'href="/sops/escalation-handling/"' in page
    assert f'href="/training/modules/{other.slug}/"' in page


def test_practice_feedback_links_to_the_sop_and_heading_that_explain_the_answer(
    api_as, member, catalogue, settings
):
    settings.PRACTICE_SET_SIZE = 5
    from tests.practice.conftest import bank

    _published("escalation-handling", catalogue["escalations"], title="Escalation handling SOP")
    _published("severity", body="## Severity levels\n\nS1 …\n", title="Severity")
    drill = bank(catalogue["escalations"], 2, purpose="practice")
    named, unnamed = drill.versions.get().questions.order_by("position")
    named.sop_ref = "severity#sec-severity-levels"
    named.save(update_fields=["sop_ref"])
    api = api_as(member)
    assert api.get("/api/v1/practice/today/").json()["total"] == 2
    links = {}
    for question in (named, unnamed):
        right = question.choices.get(is_correct=True)
        answered = api.post(
            "/api/v1/practice/answers/",
            {"question": question.pk, "choices": [right.pk]},
            format="json",
        )
        assert answered.status_code == 201
        links[question.pk] = answered.json()["sops"]
    assert links[named.pk] == [
        {"slug": "severity", "title": "Severity", "url": "/sops/severity/#sec-severity-levels"}
    ]
    assert [link["slug"] for link in links[unnamed.pk]] == ["escalation-handling"]
    today = api.get("/api/v1/practice/today/").json()
    assert {q["id"]: q["answer"]["sops"] for q in today["questions"]} == links


def test_a_reference_to_an_unknown_sop_falls_back_to_the_skills_sops(member, catalogue, settings):
    from practice import selectors as practice_selectors
    from tests.practice.conftest import bank

    settings.PRACTICE_SET_SIZE = 5
    _published("escalation-handling", catalogue["escalations"], title="Escalation handling SOP")
    question = bank(catalogue["escalations"], 1, purpose="practice").versions.get().questions.get()
    question.sop_ref = "gone#somewhere"
    question.save(update_fields=["sop_ref"])
    practice_services.practice_today_ensure(user=member)
    practice_selectors.sop_links_attach([question], language="en")
    links = getattr(question, "sop_links")  # noqa: B009 (set by sop_links_attach)
    assert [link["slug"] for link in links] == ["escalation-handling"]
    assert SOP.objects.filter(slug="gone").exists() is False
