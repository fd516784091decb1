""" "Mark as done" and "Dismiss" can be undone for a few minutes by the person who did it, from
an "Undo" button in the confirmation message (issue 15)."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from core.undo import UNDO_WINDOW
from onboarding import services as onboarding_services
from onboarding.models import OnboardingPlan, PlanItem
from qa import services as qa_services
from qa.models import TrainingRule, TrainingSuggestion
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(member):
    template = factories.checklist((0, "task", "Accounts"))
    return onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=timezone.localdate()
    )


def test_mark_as_done_offers_an_undo_that_reopens_the_task_and_the_plan(client, member, plan):
    item = plan.items.get()
    client.force_login(member)
    response = client.post(f"/onboarding/items/{item.pk}/tick/", follow=True)
    page = response.content.decode()
    assert "“Accounts” is done." in page
    assert f'action="/onboarding/items/{item.pk}/untick/"' in page
    assert ">Undo</button>" in page
    assert OnboardingPlan.objects.get(pk=plan.pk).completed_at is not None  # its only step
    response = client.post(f"/onboarding/items/{item.pk}/untick/")
    assert response.url == "/onboarding/"
    item.refresh_from_db()
    assert (item.status, item.completed_at, item.completed_by) == ("open", None, None)
    assert OnboardingPlan.objects.get(pk=plan.pk).completed_at is None
    # undoing twice is harmless
    client.post(f"/onboarding/items/{item.pk}/untick/")
    assert PlanItem.objects.get(pk=item.pk).status == "open"


def test_the_undo_expires_and_is_only_for_the_new_hire(client, member, lead, plan):
    item = plan.items.get()
    onboarding_services.plan_item_tick(item=item, user=member)
    client.force_login(lead)
    assert client.post(f"/onboarding/items/{item.pk}/untick/").status_code == 404
    PlanItem.objects.filter(pk=item.pk).update(
        completed_at=timezone.now() - UNDO_WINDOW - timedelta(seconds=1)
    )
    client.force_login(member)
    response = client.post(f"/onboarding/items/{item.pk}/untick/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "This step can't be undone any more."
    ]
    assert PlanItem.objects.get(pk=item.pk).status == "done"


@pytest.fixture
def suggestion(member):
    skill = factories.SkillFactory.create()
    module = factories.module_with_lessons(lessons=1)
    rule = TrainingRule.objects.create(
        name="r", skill=skill, module=module, threshold=5, mode="suggest"
    )
    return TrainingSuggestion.objects.create(rule=rule, agent=member, module=module, reason="r")


def test_dismiss_offers_an_undo_that_brings_the_suggestion_back(client, lead, team, suggestion):
    client.force_login(lead)
    response = client.post(f"/suggestions/{suggestion.pk}/dismiss/", {"team": team.pk})
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert f'action="/suggestions/{suggestion.pk}/undo-dismiss/?team={team.pk}"' in messages[0]
    suggestion.refresh_from_db()
    assert suggestion.status == "dismissed"
    response = client.post(f"/suggestions/{suggestion.pk}/undo-dismiss/?team={team.pk}")
    assert response.url == f"/teams/{team.pk}/skills/"
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_at, suggestion.decided_by) == (
        "pending",
        None,
        None,
    )
    client.post(f"/suggestions/{suggestion.pk}/undo-dismiss/")  # again: nothing changes
    assert TrainingSuggestion.objects.get(pk=suggestion.pk).status == "pending"


def test_only_the_lead_who_dismissed_it_may_undo_in_time(lead, team, suggestion, user_factory):
    from core.errors import Conflict

    other_lead = user_factory.create()
    factories.MembershipFactory.create(user=other_lead, team=team, role="lead")
    qa_services.suggestion_dismiss(suggestion=suggestion, lead=lead)
    with pytest.raises(Conflict):
        qa_services.suggestion_dismiss_undo(suggestion=suggestion, lead=other_lead)
    with pytest.raises(Conflict):
        qa_services.suggestion_dismiss_undo(
            suggestion=suggestion, lead=lead, now=timezone.now() + UNDO_WINDOW * 2
        )
    assert TrainingSuggestion.objects.get(pk=suggestion.pk).status == "dismissed"


def test_an_accepted_suggestion_is_not_undone(lead, suggestion):
    from core.errors import Conflict

    qa_services.suggestion_accept(suggestion=suggestion, lead=lead)
    with pytest.raises(Conflict):
        qa_services.suggestion_dismiss_undo(suggestion=suggestion, lead=lead)
    assert TrainingSuggestion.objects.get(pk=suggestion.pk).status == "accepted"
