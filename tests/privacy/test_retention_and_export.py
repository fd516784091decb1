"""Retention (the daily sweep), a person's export, and the notice a candidate reads first."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services as assessments_services
from assessments.models import Attempt, CandidateInvitation
from privacy import services
from privacy.tasks import retention_sweep_task
from qa import services as qa_services
from qa.models import QAFinding
from tests import factories
from xapi.models import Statement


def _invitation(lead, team, *, expired_days_ago, email):
    quiz = factories.quiz_published()
    invitation = assessments_services.candidate_invitation_create(
        invited_by=lead,
        email=email,
        name=email.split("@")[0],
        quiz=quiz,
        team=team,
        expires_at=timezone.now() + timedelta(days=1),
    )
    CandidateInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=expired_days_ago)
    )
    return invitation, quiz


def test_the_sweep_applies_each_retention_once(lead, team, member, catalogue, settings):
    settings.CANDIDATE_RETENTION_DAYS = 180
    old, quiz = _invitation(lead, team, expired_days_ago=181, email="old.cand@example.test")
    young, _quiz = _invitation(lead, team, expired_days_ago=10, email="new.cand@example.test")
    busy, busy_quiz = _invitation(lead, team, expired_days_ago=200, email="busy@example.test")
    attempt = assessments_services.attempt_start(quiz=quiz, invitation=old)
    Attempt.objects.filter(pk=attempt.pk).update(status=Attempt.Status.SCORED)
    assessments_services.attempt_start(quiz=busy_quiz, invitation=busy)  # still open
    finding = qa_services.finding_record(
        reviewer=lead,
        agent=member,
        interaction_ref="T-9",
        criterion="C",
        skill=catalogue["escalations"],
        note="Customer was upset",
        occurred_at=timezone.now() - timedelta(days=800),
    )
    fresh = qa_services.finding_record(
        reviewer=lead,
        agent=member,
        interaction_ref="T-10",
        criterion="C",
        skill=catalogue["escalations"],
        note="Recent note",
    )
    for days, state in ((100, "sent"), (10, "sent"), (100, "pending")):
        Statement.objects.create(
            statement_id=uuid.uuid4(),
            verb="completed",
            payload={},
            state=state,
            sent_at=timezone.now() - timedelta(days=days) if state == "sent" else None,
        )

    counts = retention_sweep_task.apply().get()

    assert counts == {"candidates": 1, "qa_comments": 1, "xapi_statements": 1}
    old.refresh_from_db()
    assert old.erased_at is not None
    assert old.email.endswith("@erased.invalid")
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.SCORED  # kept
    assert CandidateInvitation.objects.get(pk=young.pk).erased_at is None
    assert CandidateInvitation.objects.get(pk=busy.pk).erased_at is None  # its quiz is open
    assert QAFinding.objects.get(pk=finding.pk).note == ""
    assert QAFinding.objects.get(pk=fresh.pk).note == "Recent note"
    assert Statement.objects.count() == 2
    assert services.privacy_retention_sweep() == {
        "candidates": 0,
        "qa_comments": 0,
        "xapi_statements": 0,
    }


def test_a_person_downloads_their_data_with_a_readme_in_their_language(
    client, member, catalogue, lead
):
    member.language = "pl"
    member.save(update_fields=["language"])
    qa_services.finding_record(
        reviewer=lead,
        agent=member,
        interaction_ref="T-1",
        criterion="Escalated late",
        skill=catalogue["escalations"],
    )
    client.force_login(member)
    response = client.get("/privacy/my-data.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"data.json", "README.txt", "accounts.User.csv", "qa.QAFinding.csv"} <= names
    data = json.loads(archive.read("data.json"))
    assert data["accounts.User"][0]["email"] == member.email
    assert "password" not in data["accounts.User"][0]
    assert [f["interaction_ref"] for f in data["qa.QAFinding"]] == ["T-1"]
    readme = archive.read("README.txt").decode()
    assert "Twoje dane w Readiness" in readme


def test_an_erased_person_has_nothing_to_export(client, admin_user, member):
    services.person_erase(user=member, by=admin_user)
    client.force_login(admin_user)
    response = client.get(f"/privacy/people/{member.pk}/export.zip")
    assert response.status_code == 302  # back, with a message: nothing was exported


def test_the_candidate_reads_what_is_stored_before_starting(client, lead, team):
    invitation, _quiz = _invitation(lead, team, expired_days_ago=-5, email="c@example.test")
    from assessments.selectors import candidate_invitation_url

    page = client.get(candidate_invitation_url(invitation)).content.decode()
    assert "What we store about you" in page
    assert "CANDIDATE_RETENTION_DAYS" not in page  # said in words, not a setting's name
    assert "180 days after the invitation expires" in page
    assert "Your invitation to a readiness quiz" in page


def test_a_candidate_gets_their_data_through_a_signed_link_on_request(
    client, admin_user, lead, team, mailoutbox, django_capture_on_commit_callbacks, settings
):
    invitation, _quiz = _invitation(lead, team, expired_days_ago=-5, email="cand@example.test")
    client.force_login(admin_user)
    assert client.get(f"/privacy/candidates/{invitation.pk}/send-data-link/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/privacy/candidates/{invitation.pk}/send-data-link/")
    assert sent.status_code == 302
    mail = next(m for m in mailoutbox if m.to == ["cand@example.test"] and "data" in m.body)
    link = next(line for line in mail.body.splitlines() if "/privacy/c/" in line)
    path = link[link.index("/privacy/c/") :].strip()
    client.logout()
    response = client.get(path)
    assert response.status_code == 200
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))
    assert data["assessments.CandidateInvitation"][0]["email"] == "cand@example.test"
    assert client.get(path.replace("/c/", "/c/x")).status_code == 410  # tampered
    settings.CANDIDATE_DATA_LINK_DAYS = 0
    assert client.get(path).status_code == 410  # expired
    settings.CANDIDATE_DATA_LINK_DAYS = 7
    services.candidate_erase(invitation=invitation, by=admin_user)
    gone = client.get(path)
    assert gone.status_code == 410
    assert "erased" in gone.content.decode()


def test_a_large_export_is_built_by_celery_and_offered_by_a_link_to_who_asked(
    client, member, lead, settings, tmp_path, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    settings.PRIVACY_EXPORT_SYNC_MAX_ROWS = 0
    settings.PRIVACY_EXPORT_DIR = str(tmp_path)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/privacy/my-data.zip", follow=True)
    assert "it is being collected" in response.content.decode()
    notice = Notification.objects.get(user=member, kind="privacy_export")
    assert notice.url.startswith("/privacy/exports/")
    download = client.get(notice.url)
    assert download.status_code == 200
    assert "data.json" in zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    client.force_login(lead)
    assert client.get(notice.url).status_code == 302  # another person's link: refused
    assert services.exports_clean(now=timezone.now() + timedelta(hours=25)) == 1
    client.force_login(member)
    assert client.get(notice.url).status_code == 302  # cleaned up: gone


@pytest.mark.parametrize("batch", [2, 3])
def test_the_candidate_sweep_costs_the_same_statements_for_any_batch(lead, team, batch):
    """One batch of 2 or of 6 candidates: the same number of statements (each candidate has
    a lead's notice and an xAPI statement naming them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.models import Notification

    def expired(n):
        for i in range(n):
            email = f"cand{batch}-{n}-{i}@example.test"
            _invitation(lead, team, expired_days_ago=200, email=email)
            Notification.objects.create(
                user=lead,
                kind="candidate_result",
                title=f"{email} finished",
                url="/",
                params={"email": email},
                key=f"result:{email}",
            )
            Statement.objects.create(
                statement_id=uuid.uuid4(),
                verb="completed",
                payload={"actor": {"mbox": f"mailto:{email}"}},
            )

    counts = []
    for n in (batch, batch * 3):
        expired(n)
        with CaptureQueriesContext(connection) as ctx:
            assert services.privacy_retention_sweep(batch=100)["candidates"] == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert not Notification.objects.filter(title__contains="@example.test").exists()
    assert not Statement.objects.exists()
