"""An optional randomized hold-out for practice nudges, so "Is practice working?" can have a
comparison group (issue 29)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.reminders import reminders_send_due
from practice import selectors, services
from practice.models import PracticeNudgeGroup
from qa.models import QAFinding
from tests import factories
from tests.practice.conftest import bank

pytestmark = pytest.mark.usefixtures("practice_settings")

NOON = datetime(2026, 3, 2, 12, 5, tzinfo=UTC)


def test_without_a_hold_out_nobody_is_drawn_and_everyone_is_nudged(member, catalogue):
    bank(catalogue["escalations"], 2, purpose="practice")
    services.practice_sets_build(now=NOON)
    reminders_send_due(now=NOON)
    assert not PracticeNudgeGroup.objects.exists()
    assert Notification.objects.filter(user=member, kind="practice_ready").count() == 1


def test_the_held_out_are_not_nudged_unless_they_ask(member, team, catalogue, settings):
    settings.PRACTICE_NUDGE_HOLDOUT_PERCENT = 100
    asked = factories.UserFactory.create(name="Asked For It")
    factories.MembershipFactory.create(user=asked, team=team)
    services.practice_preference_set(user=asked, nudge=True, nudge_hour=9)
    bank(catalogue["escalations"], 2, purpose="practice")
    services.practice_sets_build(now=NOON)
    services.practice_sets_build(now=NOON + timedelta(days=1))  # drawn once, kept
    assert PracticeNudgeGroup.objects.filter(held_out=True).count() == 2
    reminders_send_due(now=NOON)
    nudged = set(
        Notification.objects.filter(kind="practice_ready").values_list("user_id", flat=True)
    )
    assert nudged == {asked.pk}  # their own choice wins over the draw


def test_the_draw_is_random_at_the_set_percentage(team, catalogue, settings):
    settings.PRACTICE_NUDGE_HOLDOUT_PERCENT = 30
    people = [factories.UserFactory.create() for _ in range(200)]
    for person in people:
        factories.MembershipFactory.create(user=person, team=team)
    bank(catalogue["escalations"], 1, purpose="practice")
    services.practice_sets_build(now=NOON)
    held = PracticeNudgeGroup.objects.filter(held_out=True).count()
    assert PracticeNudgeGroup.objects.count() == 200 + 1  # and the member of the fixtures
    assert 30 <= held <= 95  # 30% of 201 is 60; this band is about ±5 standard deviations


def _group(team, catalogue, n, *, held_out, drawn, before, after):
    for i in range(n):
        person = factories.UserFactory.create(name=f"{'H' if held_out else 'N'}{i}")
        factories.MembershipFactory.create(user=person, team=team)
        PracticeNudgeGroup.objects.create(user=person, held_out=held_out, assigned_at=drawn)
        for k, count in (("b", before), ("a", after)):
            for j in range(count):
                QAFinding.objects.create(
                    agent=person,
                    interaction_ref=f"{k}-{i}-{j}",
                    criterion="C",
                    skill=catalogue["escalations"],
                    occurred_at=drawn + timedelta(days=-10 if k == "b" else 10, hours=j),
                )


def test_is_practice_working_compares_nudged_and_held_out(client, lead, team, catalogue):
    drawn = timezone.now() - timedelta(days=90)
    _group(team, catalogue, 6, held_out=False, drawn=drawn, before=3, after=0)
    _group(team, catalogue, 6, held_out=True, drawn=drawn, before=3, after=3)
    comparison = selectors.nudge_comparison(team=team)
    assert (comparison.nudged, comparison.held_out) == (6, 6)
    weeks = 30 / 7
    assert comparison.nudged_before == pytest.approx(3 / weeks)
    assert comparison.nudged_after == 0
    assert comparison.estimate.difference == pytest.approx(-3 / weeks)
    assert comparison.estimate.verdict == "fewer"
    client.force_login(lead)
    page = client.get(f"/practice/teams/{team.pk}/").content.decode()
    assert "Nudged or not: a comparison group" in page
    assert "6 learners held out" in page
    assert "fewer" in page


def test_too_few_learners_are_said_plainly(client, lead, team, catalogue):
    drawn = timezone.now() - timedelta(days=90)
    _group(team, catalogue, 2, held_out=False, drawn=drawn, before=1, after=0)
    _group(team, catalogue, 1, held_out=True, drawn=drawn, before=1, after=1)
    comparison = selectors.nudge_comparison(team=team)
    assert comparison.estimate.verdict == "not_enough"
    client.force_login(lead)
    page = client.get(f"/practice/teams/{team.pk}/").content.decode()
    assert "Too few learners to tell" in page


def test_without_a_hold_out_the_page_says_there_is_no_comparison_group(client, lead, team):
    assert selectors.nudge_comparison(team=team) is None
    client.force_login(lead)
    page = client.get(f"/practice/teams/{team.pk}/").content.decode()
    assert "Before and after alone has no comparison group" in page
    assert "Nudged or not" not in page
