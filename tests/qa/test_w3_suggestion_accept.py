"""Accepting a training suggestion for a module the agent already has open: the lead is told
that the suggestion was linked to that assignment (its due day unchanged), not "Assigned";
a new assignment is notified to the agent like training a lead gives, an existing one not
again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import formats, timezone, translation

from courses.models import Assignment
from notifications.models import Notification
from qa import services as qa_services
from qa.models import TrainingRule, TrainingSuggestion
from tests import factories

pytestmark = pytest.mark.django_db

EARLIER_DUE = timezone.localdate() + timedelta(days=3)


@pytest.fixture
def suggestion(catalogue, member):
    rule = TrainingRule.objects.create(
        name="Escalations",
        skill=catalogue["escalations"],
        module=catalogue["module"],
        threshold=2,
        due_days=7,
        mode=TrainingRule.Mode.SUGGEST,
    )
    return TrainingSuggestion.objects.create(
        rule=rule, agent=member, module=catalogue["module"], reason="2 QA findings within 30 days"
    )


def assign_by_lead(lead, member, module, due_on):
    [(assignment, created)] = factories.assign_by_ids(
        assigned_by=lead, user_ids=[member.pk], module_id=module.pk, due_on=due_on
    )
    assert created
    return assignment


def accept_on_the_page(lead, suggestion, team):
    client = Client()
    client.force_login(lead)
    response = client.post(f"/suggestions/{suggestion.pk}/accept/", {"team": str(team.pk)})
    assert response.status_code == 302
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


def test_the_lead_is_told_the_suggestion_joined_the_open_assignment(
    lead, member, team, catalogue, suggestion
):
    existing = assign_by_lead(lead, member, catalogue["module"], EARLIER_DUE)
    notified = Notification.objects.count()

    shown = accept_on_the_page(lead, suggestion, team)

    due = formats.date_format(EARLIER_DUE, "DATE_FORMAT")
    assert shown == [
        (
            "warning",
            f"Aiko Agent already had “Handling escalations” assigned (due {due}); the "
            "suggestion is linked to that assignment, which keeps its due date.",
        )
    ]
    assert list(Assignment.objects.values_list("pk", "due_on", "source")) == [
        (existing.pk, EARLIER_DUE, "manual")
    ]
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.assignment_id) == ("accepted", existing.pk)
    assert Notification.objects.count() == notified  # the agent is not told twice


def test_without_a_due_day_the_message_says_so(lead, member, catalogue, suggestion):
    existing = assign_by_lead(lead, member, catalogue["module"], None)
    with translation.override("en"):
        accepted = qa_services.suggestion_accept_outcome(suggestion=suggestion, lead=lead)
        message = accepted.message
    assert (accepted.assignment, accepted.assignment_created) == (existing, False)
    assert message == (
        "Aiko Agent already had “Handling escalations” assigned (no due date); the suggestion "
        "is linked to that assignment."
    )


def test_a_new_assignment_is_announced_and_notified_to_the_agent(lead, member, team, suggestion):
    shown = accept_on_the_page(lead, suggestion, team)

    assert shown == [("success", "Assigned “Handling escalations” to Aiko Agent.")]
    assignment = Assignment.objects.get()
    assert (assignment.source, assignment.assigned_by) == ("qa_rule", lead)
    notice = Notification.objects.get(user=member)
    assert (notice.kind, notice.key, notice.body) == (
        "training_assigned",
        f"assignment-new:{assignment.pk}",
        "2 QA findings within 30 days",
    )
    assert notice.params["due"] == assignment.due_on.isoformat()


def test_the_api_answer_stays_the_suggestion(api_as, lead, member, catalogue, suggestion):
    existing = assign_by_lead(lead, member, catalogue["module"], EARLIER_DUE)
    response = api_as(lead).post(f"/api/v1/training-suggestions/{suggestion.pk}/accept/")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["assignment"]) == ("accepted", existing.pk)


def test_the_message_reads_in_polish(lead, member, catalogue, suggestion):
    """Needs the Polish catalogue with the new message (/tmp/pl/qa.json merged)."""
    assign_by_lead(lead, member, catalogue["module"], None)
    accepted = qa_services.suggestion_accept_outcome(suggestion=suggestion, lead=lead)
    with translation.override("pl"):
        message = accepted.message
    assert message == (
        "Aiko Agent ma już przydzielony moduł „Handling escalations” (bez terminu); sugestię "
        "powiązano z tym przydziałem."
    )


def test_the_api_says_whether_the_assignment_is_new(api_as, lead, member, catalogue, suggestion):
    """The page warned about an assignment already open; the API said nothing."""
    existing = assign_by_lead(lead, member, catalogue["module"], EARLIER_DUE)
    body = api_as(lead).post(f"/api/v1/training-suggestions/{suggestion.pk}/accept/").json()
    assert (body["assignment"], body["assignment_created"]) == (existing.pk, False)
    assert body["detail"].startswith("Aiko Agent already had “Handling escalations” assigned")


def test_the_api_says_when_the_assignment_is_new(api_as, lead, member, suggestion):
    body = api_as(lead).post(f"/api/v1/training-suggestions/{suggestion.pk}/accept/").json()
    assert body["assignment_created"] is True
    assert body["detail"] == "Assigned “Handling escalations” to Aiko Agent."
