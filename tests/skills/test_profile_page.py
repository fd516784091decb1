"""The personal skill profile speaks the heatmap's language (issue 15): the same category
classes and words, the same legend, and the formula explained in words with the maths behind
a "How is this computed?" disclosure."""

from __future__ import annotations

import re

import pytest

from qa import services as qa_services
from skills import services as skills_services

pytestmark = pytest.mark.django_db


def test_the_profile_and_the_heatmap_use_the_same_category_and_words(
    client, lead, member, team, catalogue
):
    # given one high-severity finding: escalations 0.25 against a 0.7 target, not a sure gap
    qa_services.finding_record(
        reviewer=lead,
        agent=member,
        interaction_ref="TCK-1",
        criterion="Escalated in time",
        skill=catalogue["escalations"],
        severity="high",
    )
    skills_services.profiles_rebuild()
    client.force_login(lead)

    heatmap = client.get(f"/teams/{team.pk}/skills/").content.decode()
    profile = client.get(f"/skills/people/{member.pk}/").content.decode()

    cell = re.search(r'<td class="heat (\w+)">.*?<span class="heat-word">([^<]+)</span>', heatmap)
    badge = re.search(
        r"<strong>Escalation handling</strong>.*?"
        r'<span class="badge heat (\w+)">([^<]+)</span>',
        profile,
        re.S,
    )
    assert cell
    assert badge
    assert cell.groups() == ("near", "gap 0.45, not sure")
    assert badge.groups() == cell.groups()
    # metrics has no evidence: both say so in the same words
    assert '<span class="badge heat unknown">not enough evidence</span>' in profile
    # one legend, the same on both pages
    legend = re.compile(r'<p class="small muted legend" id="skill-scale-legend">.*?</p>', re.S)
    assert legend.findall(heatmap) == legend.findall(profile)
    assert len(legend.findall(profile)) == 1


def test_the_profile_explains_in_words_and_hides_the_formula_behind_a_disclosure(
    client, member, catalogue
):
    client.force_login(member)
    page = client.get(f"/skills/people/{member.pk}/").content.decode()
    details = page[page.index('<details class="how-computed">') :]
    details = details[: details.index("</details>")]
    assert "<summary>How is this computed?</summary>" in details
    assert "(1 + α) ÷ (2 + α + β)" in details
    before = page[: page.index('<details class="how-computed">')]
    assert "(1 + α)" not in before
    assert "the share of the evidence that went well" in before


def test_a_level_just_below_the_target_does_not_read_gap_zero(client):
    from django.template.loader import render_to_string

    html = render_to_string("skills/_category_word.html", {"category": "near", "gap": 0.003})
    assert html == "just below target, not sure"
    html = render_to_string("skills/_category_word.html", {"category": "near", "gap": 0.38})
    assert html == "gap 0.38, not sure"


def _evidence(user, skill, pieces):
    from django.utils import timezone

    from skills.models import SkillEvidence

    now = timezone.now()
    SkillEvidence.objects.bulk_create(
        [
            skills_services.evidence_row(
                user_id=user.pk,
                skill_id=skill.pk,
                outcome=outcome,
                weight=weight,
                at=now,
                source=SkillEvidence.Source.ANSWER,
                source_id=n,
            )
            for n, (outcome, weight) in enumerate(pieces, start=1)
        ]
    )
    skills_services.profiles_rebuild()


def summary_of(page: str, skill_name: str) -> str:
    start = page.index(f"<strong>{skill_name}</strong>")
    return page[start : page.index("</summary>", start)]


def test_figures_are_rounded_once_so_the_page_agrees_with_the_heatmap(
    client, lead, member, team, catalogue
):
    """Level 0.62451 showed 0.63 on the profile (3 places, then 2) and 0.62 on the heatmap."""
    _evidence(member, catalogue["escalations"], [(1.0, 2.326373538), (0.0, 1.0)])
    client.force_login(lead)
    profile = summary_of(
        client.get(f"/skills/people/{member.pk}/").content.decode(), "Escalation handling"
    )
    assert "level 0.62," in profile, profile
    heatmap = client.get(f"/teams/{team.pk}/skills/").content.decode()
    assert "0.62" in heatmap


def test_the_evidence_shown_never_contradicts_its_verdict(client, member, catalogue):
    """Evidence 1.99451 showed "2.00 · not enough evidence"."""
    _evidence(member, catalogue["escalations"], [(1.0, 1.99451)])
    client.force_login(member)
    profile = summary_of(
        client.get(f"/skills/people/{member.pk}/").content.decode(), "Escalation handling"
    )
    assert "no level yet" in profile
    assert "evidence 1.99" in profile, profile


def test_an_agent_reaches_their_own_profile_from_the_menu_and_reads_no_greek_outside_the_maths(
    client, lead, member, catalogue
):
    """Was: agents had no link to their own skill profile, and its evidence tables were
    headed "Adds to α today" / "Adds to β today"."""
    qa_services.finding_record(
        reviewer=lead,
        agent=member,
        interaction_ref="TCK-2",
        criterion="Escalated in time",
        skill=catalogue["escalations"],
        severity="low",
    )
    skills_services.profiles_rebuild()
    client.force_login(member)
    home = client.get("/training/").content.decode()
    assert re.search(r'<a href="/skills/"[^>]*>My skills</a>', home)
    response = client.get("/skills/", follow=True)
    assert response.redirect_chain[-1][0] == f"/skills/people/{member.pk}/"
    page = response.content.decode()
    outside = re.sub(r'<details class="how-computed">.*?</details>', "", page, flags=re.S)
    assert "α" not in outside
    assert "β" not in outside
    assert "Counts for it today" in outside
    assert "α" in page  # the maths is still there, behind "How is this computed?"
