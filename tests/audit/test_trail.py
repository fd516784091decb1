"""The trail itself: append-only (model, queryset, admin, and on PostgreSQL the database),
the admin's list, filters and CSV export, every admin change recorded with its before/after,
and the retention purge."""

from __future__ import annotations

import csv
import io
import typing
from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from accounts.hooks import AccountAction
from accounts.models import Membership, Team
from audit import services
from audit.models import ACTION_LABELS, AuditAction, AuditEvent, AuditEventImmutable
from audit.tasks import events_purge_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(member):
    return services.record(
        actor=member, action="team.created", obj=member, changes={"name": [None, "x"]}
    )


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# --- append-only ----------------------------------------------------------------------------


def test_an_event_cannot_be_changed_or_deleted(event):
    event.action = "admin.deleted"
    with pytest.raises(AuditEventImmutable):
        event.save()
    with pytest.raises(AuditEventImmutable):
        event.delete()
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).update(action="admin.deleted")
    with pytest.raises(AuditEventImmutable):
        AuditEvent.objects.filter(pk=event.pk).delete()
    copy = AuditEvent(pk=event.pk, action="admin.deleted")
    with pytest.raises(DatabaseError), transaction.atomic():
        copy.save()  # an insert, never an update: the id is taken
    assert AuditEvent.objects.get(pk=event.pk).action == "team.created"


def test_postgresql_itself_refuses_to_change_or_delete_an_event(postgres, event):
    for sql in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, action="team.created").exists()


def test_every_action_has_a_label_and_accounts_actions_are_audit_actions():
    assert set(typing.get_args(AuditAction)) == set(ACTION_LABELS)
    assert set(typing.get_args(AccountAction)) <= set(ACTION_LABELS)


# --- the admin: read-only, list, filters, export --------------------------------------------


def test_the_admin_is_read_only_even_for_a_superuser(admin_client, admin_user, event, rf):
    model_admin = admin.site._registry[AuditEvent]
    request = rf.get("/admin/audit/auditevent/")
    request.user = admin_user
    assert admin_user.is_superuser
    assert model_admin.has_view_permission(request, event)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    assert admin_client.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    page = admin_client.post(
        f"/admin/audit/auditevent/{event.pk}/change/", {"action": "admin.deleted"}
    )
    assert page.status_code == 403
    deleted = admin_client.post(
        "/admin/audit/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert deleted.status_code in {200, 302}
    assert AuditEvent.objects.filter(pk=event.pk, action="team.created").exists()


def test_the_admin_lists_filters_and_shows_an_event(admin_client, member, lead, event):
    services.record(actor=lead, action="sso.linked", obj=lead, label="lead at idp")

    page = admin_client.get("/admin/audit/auditevent/")
    filtered = admin_client.get("/admin/audit/auditevent/?action=sso.linked")
    searched = admin_client.get("/admin/audit/auditevent/?q=idp")
    nul = admin_client.get("/admin/audit/auditevent/?q=%00")  # Django's form refuses NUL
    by_type = admin_client.get("/admin/audit/auditevent/?object_type=accounts.user")
    shown = admin_client.get(f"/admin/audit/auditevent/{event.pk}/change/")

    assert page.status_code == filtered.status_code == searched.status_code == 200
    assert nul.status_code == 200
    assert page.context["cl"].result_count == 2
    assert list(filtered.context["cl"].result_list) == [AuditEvent.objects.get(action="sso.linked")]
    assert searched.context["cl"].result_count == 1
    assert by_type.context["cl"].result_count == 2
    assert "Single sign-on account linked" in page.content.decode()
    assert "Export as CSV" in page.content.decode()
    assert shown.status_code == 200
    assert "&quot;name&quot;" in shown.content.decode() or "name" in shown.content.decode()


def test_the_csv_export_has_the_filtered_events(admin_client, member, lead, event):
    services.record(
        actor=lead, action="sso.linked", obj=lead, label="=cmd", changes={"issuer": "x"}
    )

    response = admin_client.get("/admin/audit/auditevent/export/?action=sso.linked")
    everything = admin_client.get("/admin/audit/auditevent/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [
        "When",
        "Who (id)",
        "Who",
        "Action",
        "Object type",
        "Object id",
        "Object",
        "Changes",
        "IP address",
        "Request id",
    ]
    [row] = rows[1:]
    assert row[1:7] == [
        str(lead.pk),
        lead.email,
        "sso.linked",
        "accounts.user",
        str(lead.pk),
        "'=cmd",
    ]
    assert row[7] == '{"issuer": "x"}'
    all_rows = list(csv.reader(io.StringIO(b"".join(everything.streaming_content).decode())))
    assert len(all_rows) == 3


def test_only_admins_see_the_trail_and_its_export(client, lead):
    client.force_login(lead)
    for path in ("/admin/audit/auditevent/", "/admin/audit/auditevent/export/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


# --- every admin change is recorded -------------------------------------------------------


def test_an_admin_change_records_the_before_and_after(admin_client, admin_user, team):
    response = admin_client.post(
        f"/admin/accounts/team/{team.pk}/change/",
        {
            "name": "Support Europe",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
        REMOTE_ADDR="192.0.2.10",
    )

    assert response.status_code == 302, response.content
    event = AuditEvent.objects.get(action="admin.changed")
    assert (event.actor, event.object_type, event.object_id) == (
        admin_user,
        "accounts.team",
        str(team.pk),
    )
    assert event.changes["name"] == ["Support EMEA", "Support Europe"]
    assert event.ip == "192.0.2.10"


def test_a_role_changed_in_the_admin_is_a_role_change(admin_client, admin_user, member, team):
    membership = Membership.objects.get(user=member, team=team)
    prefix = "memberships"
    response = admin_client.post(
        f"/admin/accounts/team/{team.pk}/change/",
        {
            "name": team.name,
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-0-id": str(membership.pk),
            f"{prefix}-0-team": str(team.pk),
            f"{prefix}-0-user": str(member.pk),
            f"{prefix}-0-role": "lead",
        },
    )

    assert response.status_code == 302, response.content
    event = AuditEvent.objects.get(action="membership.role_changed")
    assert event.actor == admin_user
    assert event.object_id == str(membership.pk)
    assert event.changes == {"role": ["member", "lead"]}
    assert AuditEvent.objects.filter(action="admin.changed", object_type="accounts.team").exists()


def test_a_membership_removed_in_the_admin_is_a_removal(admin_client, admin_user, member, team):
    membership = Membership.objects.get(user=member, team=team)
    response = admin_client.post(
        f"/admin/accounts/team/{team.pk}/change/",
        {
            "name": team.name,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": str(membership.pk),
            "memberships-0-team": str(team.pk),
            "memberships-0-user": str(member.pk),
            "memberships-0-role": "member",
            "memberships-0-DELETE": "on",
        },
    )

    assert response.status_code == 302, response.content
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="membership.removed")
    assert (event.actor, event.object_type, event.object_id) == (
        admin_user,
        "accounts.membership",
        str(membership.pk),
    )
    assert event.changes["role"] == ["member", None]


def test_an_admin_deletion_and_a_password_are_recorded_without_the_secret(
    admin_client, admin_user, member
):
    team = Team.objects.create(name="Temporary")
    admin_client.post(f"/admin/accounts/team/{team.pk}/delete/", {"post": "yes"})
    admin_client.post(
        f"/admin/accounts/user/{member.pk}/password/",
        {"password1": "Another-passw0rd!", "password2": "Another-passw0rd!"},
    )

    deleted = AuditEvent.objects.get(action="admin.deleted")
    assert (deleted.object_id, deleted.object_label) == (str(team.pk), "Temporary")
    password = AuditEvent.objects.get(action="admin.changed", object_id=str(member.pk))
    assert "Another-passw0rd!" not in str(password.changes)
    assert password.changes["password"] == ["(hidden)", "(hidden)"]


def test_every_admin_on_the_site_is_audited():
    from audit.admin_site import AdminChangesAudited

    assert admin.site._registry
    for model_admin in admin.site._registry.values():
        assert isinstance(model_admin, AdminChangesAudited), type(model_admin)


# --- retention ------------------------------------------------------------------------------


def test_the_purge_deletes_only_events_older_than_the_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 730
    now = timezone.now()
    for days in (800, 731, 729, 1):
        AuditEvent.objects.create(action="team.created", at=now - timedelta(days=days))

    assert services.events_purge(now=now, batch=1) == 2  # two batches of one
    assert sorted((now - e.at).days for e in AuditEvent.objects.all()) == [1, 729]
    assert services.events_purge(now=now) == 0  # a second run finds nothing


def test_a_retention_of_zero_keeps_everything(settings):
    settings.AUDIT_RETENTION_DAYS = 0
    AuditEvent.objects.create(action="team.created", at=timezone.now() - timedelta(days=5000))
    assert events_purge_task() == 0
    assert AuditEvent.objects.count() == 1


def test_the_purge_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["audit.events_purge"]
    assert entry["task"] == events_purge_task.name == "audit.events_purge"
