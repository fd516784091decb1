"""Erasing a member or a candidate (issue 31): no trace of them in any table, the figures that
rest on their rows unchanged, and every bad request refused without changing anything."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.apps import apps
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import ExternalIdentity, User
from accounts.services import api_token_create
from assessments import services as assessments_services
from assessments.models import Answer, Attempt, ItemStatistic, QuizVersion
from audit import services as audit_services
from audit.models import AuditEvent
from core.errors import Conflict
from courses import selectors as courses_selectors
from courses import services as courses_services
from notifications.models import Notification
from privacy import services
from qa import services as qa_services
from qa.models import ReviewRating, ReviewSource
from readiness import services as readiness_services
from skills import selectors as skills_selectors
from skills import services as skills_services
from skills.models import RoleProfile
from tests import factories
from xapi.models import Statement

NAME = "Zbigniew Erasable"
EMAIL = "zbig.erasable@example.test"
MARKERS = ("Erasable", "zbig.erasable", "Secret-Marker-77")
TEXT_TYPES = {"CharField", "TextField", "EmailField", "SlugField", "JSONField"}


def traces(markers=MARKERS) -> list[str]:
    """Every (table, column) where a marker is still written, scanning every text and JSON
    column of every model (one query per column)."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.get_internal_type() not in TEXT_TYPES:
                continue
            rows = model._default_manager.annotate(_as_text=Cast(field.name, TextField()))
            for marker in markers:
                if rows.filter(_as_text__icontains=marker).exists():
                    found.append(f"{model._meta.label}.{field.name} ~ {marker}")
    return found


def _scored(quiz, user, picks):
    version = QuizVersion.objects.get(quiz=quiz)
    attempt = Attempt.objects.create(
        quiz=quiz,
        quiz_version=version,
        user=user,
        seed=1,
        status=Attempt.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    for question, right in zip(version.questions.order_by("position"), picks, strict=True):
        choice = (
            question.choices.get(is_correct=right)
            if right
            else question.choices.filter(is_correct=False).first()
        )
        Answer.objects.create(attempt=attempt, question=question, choice_ids=[choice.pk])
    assessments_services.attempt_score(attempt_id=attempt.pk)
    return attempt


@pytest.fixture
def person(team, lead, catalogue, client, django_capture_on_commit_callbacks):
    """A member with data in every corner, and mentions of them in other people's rows."""
    with django_capture_on_commit_callbacks(execute=True):
        user = factories.UserFactory.create(name=NAME, email=EMAIL)
        factories.MembershipFactory.create(user=user, team=team)
    api_token_create(user=user, name="laptop")
    ExternalIdentity.objects.create(
        user=user, issuer="https://idp.test", subject="s-1", email=EMAIL
    )
    qa_services.finding_record(
        reviewer=lead,
        agent=user,
        interaction_ref="T-1",
        criterion="Escalated late",
        skill=catalogue["escalations"],
        note=f"{NAME} forgot the Secret-Marker-77 step",
    )
    Notification.objects.create(
        user=lead, kind="info", title=f"{NAME} finished", body=f"Ask {EMAIL} about it", url="/"
    )
    courses_services.assignments_assign(
        assigned_by=lead,
        users=[user],
        target=courses_selectors.assignment_target_get(module_id=catalogue["module"].pk),
        due_on=None,
        reason=f"For {NAME}: Secret-Marker-77",
    )
    audit_services.record(actor=user, action="qa_finding.created", label=f"by {NAME}")
    source = ReviewSource.objects.create(team=team, name="QA tool", created_by=lead)
    ReviewRating.objects.create(
        source=source,
        review_ref="R-1",
        category="Empathy",
        agent=user,
        skill=catalogue["escalations"],
        interaction_ref="T-1",
        rating="2",
        result="fail",
        reviewer_name="Rita Reviewer",
        comment=f"{NAME}: Secret-Marker-77",
        occurred_at=timezone.now(),
    )
    Statement.objects.create(
        statement_id=uuid.uuid4(),
        verb="completed",
        payload={"actor": {"mbox": f"mailto:{EMAIL}", "name": NAME}},
    )
    apps.get_model("axes", "AccessAttempt").objects.create(
        username=EMAIL, ip_address="10.0.0.1", user_agent="x", failures_since_start=1
    )
    # readiness: a decision and a sign-off about them, and a decision about a colleague whose
    # reason names them
    live = RoleProfile.objects.create(slug="live-chat", name="Live chat")
    criteria = readiness_services.criteria_create(role_profile=live, from_roles=[], by=lead)
    line = readiness_services.criterion_add(
        criteria=criteria,
        by=lead,
        fields={"kind": "signoff", "label": "Shadowed", "categories": []},
    ).items.get()
    readiness_services.signoff_give(
        person=user, criteria=criteria, key=line.key, by=lead, note="Secret-Marker-77 chats"
    )
    readiness_services.decision_record(
        person=user, criteria=criteria, outcome="ready", by=lead, reason="Secret-Marker-77"
    )
    readiness_services.decision_record(
        person=lead_colleague(team),
        criteria=criteria,
        outcome="not_yet",
        by=lead,
        reason=f"Shadow {NAME} first",
    )
    client.force_login(user)
    return user


def lead_colleague(team):
    colleague = factories.UserFactory.create(name="Colleague")
    factories.MembershipFactory.create(user=colleague, team=team)
    return colleague


def test_an_erased_member_leaves_no_trace_and_the_figures_stay(
    client, admin_user, person, member, lead, team, catalogue, django_capture_on_commit_callbacks
):
    quiz = factories.quiz_published()
    others = [factories.UserFactory.create() for _ in range(4)]
    for n, taker in enumerate([person, member, *others]):
        _scored(quiz, taker, [n % 2 == 0, True, n % 3 == 0])
    version = QuizVersion.objects.get(quiz=quiz)
    assessments_services.item_analysis_compute(version_id=version.pk)
    stats_before = sorted(
        ItemStatistic.objects.values_list(
            "question_id", "attempts", "facility", "discrimination_index"
        )
    )
    skills_services.profiles_rebuild()
    gaps_before = skills_selectors.team_skill_gaps(lead=lead, team_id=team.pk).as_dict()
    gaps_before["members"] = [m for m in gaps_before["members"] if m["user"] != person.pk]
    assert traces()  # the markers are there before

    client.force_login(admin_user)
    confirm = client.get(f"/privacy/people/{person.pk}/erase/")
    assert confirm.status_code == 200
    assert "QA findings on your conversations" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/privacy/people/{person.pk}/erase/").status_code == 302

    assert traces() == []
    erased = User.objects.get(pk=person.pk)
    assert (erased.is_active, erased.has_usable_password()) == (False, False)
    assert erased.erased_at is not None
    assessments_services.item_analysis_compute(version_id=version.pk)
    assert (
        sorted(
            ItemStatistic.objects.values_list(
                "question_id", "attempts", "facility", "discrimination_index"
            )
        )
        == stats_before
    )
    gaps_after = skills_selectors.team_skill_gaps(lead=lead, team_id=team.pk).as_dict()
    assert gaps_after == gaps_before
    assert Attempt.objects.filter(user__isnull=True, anonymous_taker__isnull=False).count() == 1
    rating = ReviewRating.objects.get(review_ref="R-1")  # kept, anonymous
    assert (rating.agent_id, rating.comment, rating.reviewer_name) == (None, "", "")
    recorded = AuditEvent.objects.get(action="person.erased")
    assert recorded.actor == admin_user
    assert recorded.object_label == f"user #{person.pk}"


def test_erasing_twice_or_during_a_quiz_or_yourself_is_refused_and_changes_nothing(
    admin_user, person, member
):
    quiz = factories.quiz_published()
    open_attempt = assessments_services.attempt_start(quiz=quiz, user=member)
    with pytest.raises(Conflict, match="quiz in progress or being scored"):
        services.person_erase(user=member, by=admin_user)
    assert User.objects.get(pk=member.pk).erased_at is None
    assert Attempt.objects.get(pk=open_attempt.pk).user == member
    with pytest.raises(Conflict, match="yourself"):
        services.person_erase(user=admin_user, by=admin_user)
    services.person_erase(user=person, by=admin_user)
    with pytest.raises(Conflict, match="already erased"):
        services.person_erase(user=person, by=admin_user)


def test_only_admins_reach_the_erasure_and_the_export(client, lead, member):
    client.force_login(lead)
    assert client.get(f"/privacy/people/{member.pk}/erase/").status_code == 404
    assert client.post(f"/privacy/people/{member.pk}/erase/").status_code == 404
    assert client.get(f"/privacy/people/{member.pk}/export.zip").status_code == 404
    assert User.objects.get(pk=member.pk).erased_at is None


def test_an_erased_candidate_leaves_no_trace_and_their_attempt_stays(
    client, admin_user, lead, team
):
    quiz = factories.quiz_published()
    invitation = assessments_services.candidate_invitation_create(
        invited_by=lead,
        email=EMAIL,
        name=NAME,
        quiz=quiz,
        team=team,
        expires_at=timezone.now() + timedelta(days=3),
    )
    attempt = assessments_services.attempt_start(quiz=quiz, invitation=invitation)
    Notification.objects.create(user=lead, kind="info", title=f"{NAME} finished", body="", url="/")
    client.force_login(admin_user)
    refused = client.post(f"/privacy/candidates/{invitation.pk}/erase/")
    assert refused.status_code == 302  # the quiz is open: refused with a message
    assert traces() != []
    Attempt.objects.filter(pk=attempt.pk).update(status=Attempt.Status.SCORED)
    assert client.get(f"/privacy/candidates/{invitation.pk}/erase/").status_code == 200
    assert client.post(f"/privacy/candidates/{invitation.pk}/erase/").status_code == 302
    assert traces() == []
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Attempt.objects.get(pk=attempt.pk).invitation_id == invitation.pk


def test_the_api_exports_and_erases_for_admins_only(api_as, admin_user, lead, member):
    assert api_as(lead).post(f"/api/v1/privacy/people/{member.pk}/erase/").status_code == 404
    admin = api_as(admin_user)
    exported = admin.get(f"/api/v1/privacy/people/{member.pk}/export/")
    assert exported.status_code == 200
    assert exported["Content-Type"] == "application/zip"
    erased = admin.post(f"/api/v1/privacy/people/{member.pk}/erase/")
    assert erased.status_code == 200
    assert erased.json()["deleted"]["accounts.Membership"] == 1
    again = admin.post(f"/api/v1/privacy/people/{member.pk}/erase/")
    assert again.status_code == 409
    assert admin.get(f"/api/v1/privacy/people/{member.pk}/export/").status_code == 409


def test_the_admin_user_page_links_to_export_and_erase(client, admin_user, member):
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/user/{member.pk}/change/").content.decode()
    assert f"/privacy/people/{member.pk}/erase/" in page
    assert f"/privacy/people/{member.pk}/export.zip" in page


def test_a_large_export_through_the_api_is_built_later(
    api_as, admin_user, member, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVACY_EXPORT_SYNC_MAX_ROWS = 0
    settings.PRIVACY_EXPORT_DIR = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(admin_user).get(f"/api/v1/privacy/people/{member.pk}/export/")
    assert response.status_code == 202
    assert Notification.objects.filter(user=admin_user, kind="privacy_export").count() == 1
    assert len(list(tmp_path.glob("*.zip"))) == 1


def test_a_submitted_attempt_waiting_to_be_scored_holds_the_erasure(admin_user, member):
    """Scoring it after the erasure would find neither a learner nor a candidate."""
    quiz = factories.quiz_published()
    attempt = assessments_services.attempt_start(quiz=quiz, user=member)
    Attempt.objects.filter(pk=attempt.pk).update(status=Attempt.Status.SUBMITTED)
    with pytest.raises(Conflict, match="being scored"):
        services.person_erase(user=member, by=admin_user)
    Attempt.objects.filter(pk=attempt.pk).update(status=Attempt.Status.SCORED)
    services.person_erase(user=member, by=admin_user)
    assert Attempt.objects.get(pk=attempt.pk).user is None
