"""Training a lead assigns is notified to each person, like QA-driven training: once per new
assignment (none for someone who already had it open), in the reader's language, with the
email sent after the assignments commit, in the same statements for 2 people or 6."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone, translation

from courses import selectors as courses_selectors
from courses import services as courses_services
from courses.models import Assignment
from notifications import selectors as notification_selectors
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

DUE = timezone.localdate() + timedelta(days=5)


@pytest.fixture
def second_member(team):
    user = factories.UserFactory.create(name="Ben Agent", email_notifications=False)
    factories.MembershipFactory.create(user=user, team=team)
    return user


def assign(lead, users, **kwargs):
    kwargs.setdefault("due_on", DUE)
    return factories.assign_by_ids(assigned_by=lead, user_ids=[u.pk for u in users], **kwargs)


def notices():
    return list(
        Notification.objects.order_by("user_id").values_list(
            "user_id", "kind", "key", "title", "body", "url", "email_wanted", "params"
        )
    )


def test_each_person_given_a_module_is_notified_once(
    lead, member, second_member, module_with_lessons
):
    module = module_with_lessons(title="Handling escalations")
    results = assign(lead, [member, second_member], module_id=module.pk, reason="Peak season")
    [(first, _c1), (second, _c2)] = results
    params = {"title": "Handling escalations", "person": "Lena Lead", "due": DUE.isoformat()}
    title = "New training: “Handling escalations” (assigned by Lena Lead)"
    assert notices() == [
        (
            member.pk,
            "training_assigned",
            f"assignment-new:{first.pk}",
            title,
            "Peak season",
            "/training/",
            True,
            params,
        ),
        (
            second_member.pk,
            "training_assigned",
            f"assignment-new:{second.pk}",
            title,
            "Peak season",
            "/training/",
            False,  # Ben turned emails off
            params,
        ),
    ]


def test_someone_who_already_had_it_open_is_not_notified_again(
    lead, member, second_member, module_with_lessons
):
    module = module_with_lessons()
    [(kept, _created)] = assign(lead, [member], module_id=module.pk)
    results = assign(lead, [member, second_member], module_id=module.pk)
    assert [(a.user_id, created) for a, created in results] == [
        (member.pk, False),
        (second_member.pk, True),
    ]
    assert sorted(Notification.objects.values_list("user_id", "key")) == sorted(
        [
            (member.pk, f"assignment-new:{kept.pk}"),
            (second_member.pk, f"assignment-new:{results[1][0].pk}"),
        ]
    )


def test_without_a_reason_the_notification_has_no_text_and_no_due_day(lead, member, sop_published):
    sop = sop_published("v1", title="Refund policy")
    assign(lead, [member], sop_id=sop.pk, due_on=None)
    notice = Notification.objects.get()
    assert (notice.body, notice.params["title"], notice.params["due"]) == ("", "Refund policy", "")


def test_the_email_goes_after_the_assignments_commit(
    lead, member, second_member, module_with_lessons, django_capture_on_commit_callbacks
):
    module = module_with_lessons(title="Handling escalations")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assign(lead, [member, second_member], module_id=module.pk)
    assert mail.outbox == []  # nothing is sent before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert [message.to for message in mail.outbox] == [[member.email]]
    assert "Handling escalations" in mail.outbox[0].subject
    callbacks[0]()  # a second run of the task sends nothing twice
    assert len(mail.outbox) == 1


def test_nothing_new_enqueues_nothing(
    lead, member, module_with_lessons, django_capture_on_commit_callbacks
):
    module = module_with_lessons()
    assign(lead, [member], module_id=module.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assign(lead, [member], module_id=module.pk)
    assert callbacks == []
    assert Notification.objects.count() == 1


def test_the_team_page_notifies_the_person(client, lead, member, team, module_with_lessons):
    module = module_with_lessons(title="Handling escalations")
    client.force_login(lead)
    response = client.post(
        f"/teams/{team.pk}/training/",
        {"target": f"module:{module.pk}", "users": [str(member.pk)], "due": DUE.isoformat()},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    notice = Notification.objects.get(user=member)
    assert (notice.kind, notice.key) == ("training_assigned", f"assignment-new:{assignment.pk}")


def test_the_api_notifies_the_person(api_as, lead, member, module_with_lessons):
    module = module_with_lessons()
    response = api_as(lead).post(
        "/api/v1/assignments/", {"user": member.pk, "module": module.pk}, format="json"
    )
    assert response.status_code == 201
    assert Notification.objects.get(user=member).kind == "training_assigned"


def test_the_notification_lists_with_its_title_and_due_day(
    client, lead, member, module_with_lessons
):
    module = module_with_lessons(title="Handling escalations")
    assign(lead, [member], module_id=module.pk)
    client.force_login(member)
    html = client.get("/notifications/").content.decode()
    assert "New training: “Handling escalations” (assigned by Lena Lead)" in html
    assert "Due on" in html


def test_the_title_reads_in_polish_for_a_polish_reader(lead, member, module_with_lessons):
    """Needs the Polish catalogue with the new title (/tmp/pl/qa.json merged)."""
    module = module_with_lessons(title="Obsługa eskalacji")
    assign(lead, [member], module_id=module.pk)
    with translation.override("pl"):
        title = notification_selectors.notification_title(Notification.objects.get())
    assert title == "Nowe szkolenie: „Obsługa eskalacji” (przydzielone przez: Lena Lead)"


@pytest.mark.parametrize("people", [2, 6], ids=["2-people", "6-people"])
def test_assigning_takes_the_same_statements_for_2_or_6_people(
    lead, team, module_with_lessons, assert_queries, people
):
    members = [factories.UserFactory.create(name=f"Agent {n}") for n in range(people)]
    for person in members:
        factories.MembershipFactory.create(user=person, team=team)
    users = courses_selectors.assignees_get(lead=lead, user_ids=[u.pk for u in members])
    target = courses_selectors.assignment_target_get(module_id=module_with_lessons().pk)
    # existing open ones, INSERT assignments, the new ones, INSERT audit, INSERT notifications,
    # everyone's open assignment (with savepoints around the transaction)
    with assert_queries(8):
        results = courses_services.assignments_assign(
            assigned_by=lead, users=users, target=target, due_on=DUE
        )
    assert len(results) == people
    assert Notification.objects.filter(kind="training_assigned").count() == people


def test_each_assignee_reads_the_training_s_title_in_their_own_language(
    lead, member, second_member, module_with_lessons
):
    """A Polish lead's assignment told an English agent "New training: “Eskalacje”": the title
    was taken in the lead's language. A quiz's title is its translation's."""
    from assessments.models import QuizVersionTranslation
    from courses.models import Module

    module = module_with_lessons(title="Escalations")
    Module.objects.filter(pk=module.pk).update(title_pl="Eskalacje")
    quiz = factories.quiz_published()
    QuizVersionTranslation.objects.create(
        version=quiz.versions.get(), language="pl", title="Sprawdzian", description=""
    )
    member.language, second_member.language, lead.language = "pl", "en", "pl"
    for person in (member, second_member, lead):
        person.save(update_fields=["language"])
    with translation.override("pl"):  # the lead's request
        assign(lead, [member, second_member], module_id=module.pk)
        assign(lead, [member, second_member], quiz_id=quiz.pk)
    titles = sorted(
        (n.user.email, n.params["title"]) for n in Notification.objects.select_related("user")
    )
    assert titles == sorted(
        [
            (member.email, "Eskalacje"),
            (second_member.email, "Escalations"),
            (member.email, "Sprawdzian"),
            (second_member.email, quiz.title),
        ]
    )
