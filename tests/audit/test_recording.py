"""Every change that matters to a person's record writes one audit event, in the transaction
of the change: given the change, then one event with who, what, the object and the
before/after; given the change rolled back, then no event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import ApiToken, Membership
from assessments import services as assessments_services
from audit.models import AuditEvent
from courses import services as courses_services
from courses.models import SOPVersion
from onboarding import services as onboarding_services
from qa import services as qa_services
from qa.models import TrainingRule, TrainingSuggestion
from qa.reviews import findings_csv
from qa.reviews import importer as review_importer
from qa.reviews import sources as review_sources
from qa.reviews.files import read_table
from qa.reviews.sources import CategoryInput
from tests import factories
from tests.qa import review_exports as exports

pytestmark = pytest.mark.django_db

ISSUER = "https://id.example.com"


def findings_csv_for(agent_email: str, rows: int = 1) -> str:
    lines = ["agent_email,interaction_ref,criterion,skill,severity"]
    lines += [f"{agent_email},T-{n},Greeting,escalations,low" for n in range(rows)]
    return "\n".join(lines) + "\n"


def sop_draft(lead: Any) -> SOPVersion:
    sop = factories.SOPFactory.create(title="Refunds")
    return courses_services.sop_draft_save(sop=sop, body="# Refunds", change_summary="First")


def quiz_draft() -> Any:
    quiz = factories.quiz_published()
    version = quiz.versions.get()
    type(version).objects.filter(pk=version.pk).update(published_at=None)
    version.refresh_from_db()
    return version


def plan_signoff(member: Any) -> Any:
    template = factories.checklist((1, "lead_signoff", "Meet your lead"))
    plan = onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=timezone.localdate()
    )
    return plan.items.get()


def review_source(team: Any, lead: Any, catalogue: Any) -> Any:
    source, _secret = review_sources.review_source_create(
        team=team, created_by=lead, name="Zendesk QA export", columns=exports.LONG_MAPPING
    )
    esc, met = catalogue["escalations"], catalogue["metrics"]
    review_sources.review_categories_save(
        source=source,
        categories=[
            CategoryInput(name="Empathy", skill=met, scale="4", pass_mark=3),
            CategoryInput(name="Escalation", skill=esc, scale="4", pass_mark=3),
            CategoryInput(name="GDPR check", skill=esc, scale="4", pass_mark=3, critical=True),
            CategoryInput(name="Tone", skill=met, scale="4"),
        ],
    )
    return source


# Each case: (given: the world → arguments), (when: arguments → the change), then: the event.
Case = tuple[str, Callable[..., Any], Callable[..., Any], dict[str, Any]]


def cases() -> list[Any]:
    def publish_sop(w: dict[str, Any]) -> Callable[[], Any]:
        draft = sop_draft(w["lead"])
        return lambda: courses_services.sop_version_publish(version=draft)

    def publish_quiz(w: dict[str, Any]) -> Callable[[], Any]:
        version = quiz_draft()
        return lambda: assessments_services.quiz_version_publish(version=version)

    def add_member(w: dict[str, Any]) -> Callable[[], Any]:
        newcomer = factories.UserFactory.create(email="new@example.test")
        return lambda: accounts_services.membership_set(team=w["team"], user=newcomer)

    def promote(w: dict[str, Any]) -> Callable[[], Any]:
        return lambda: accounts_services.membership_set(
            team=w["team"], user=w["member"], role=Membership.Role.LEAD, by=w["admin_user"]
        )

    def create_team(w: dict[str, Any]) -> Callable[[], Any]:
        return lambda: accounts_services.team_create(name="Support LATAM")

    def assign(w: dict[str, Any]) -> Callable[[], Any]:
        return lambda: factories.assign_by_ids(
            assigned_by=w["lead"],
            user_ids=[w["member"].pk],
            module_id=w["catalogue"]["module"].pk,
        )

    def cancel(w: dict[str, Any]) -> Callable[[], Any]:
        (assignment, _created), *_ = factories.assign_by_ids(
            assigned_by=w["lead"], user_ids=[w["member"].pk], module_id=w["catalogue"]["module"].pk
        )
        return lambda: courses_services.assignment_cancel(assignment=assignment)

    def accept_suggestion(w: dict[str, Any]) -> Callable[[], Any]:
        rule = TrainingRule.objects.create(
            name="r", skill=w["catalogue"]["escalations"], module=w["catalogue"]["module"],
            threshold=5, mode="suggest",
        )  # fmt: skip
        suggestion = TrainingSuggestion.objects.create(
            rule=rule, agent=w["member"], module=w["catalogue"]["module"], reason="r"
        )
        return lambda: qa_services.suggestion_accept(suggestion=suggestion, lead=w["lead"])

    def sign_off(w: dict[str, Any]) -> Callable[[], Any]:
        item = plan_signoff(w["member"])
        return lambda: onboarding_services.plan_item_sign_off(
            item=item, lead=w["lead"], comment="Well done"
        )

    def finding(w: dict[str, Any]) -> Callable[[], Any]:
        return lambda: qa_services.finding_record(
            reviewer=w["lead"],
            agent=w["member"],
            interaction_ref="T-1",
            criterion="Greeting",
            skill=w["catalogue"]["escalations"],
        )

    def import_findings(w: dict[str, Any]) -> Callable[[], Any]:
        content = findings_csv_for(w["member"].email, rows=3)
        return lambda: findings_csv.findings_import(
            reviewer=w["lead"], content=content, commit=True
        )

    def import_reviews(w: dict[str, Any]) -> Callable[[], Any]:
        source = review_source(w["team"], w["lead"], w["catalogue"])
        table = read_table(exports.long_csv(w["member"].email), filename="export.csv")
        return lambda: review_importer.reviews_import(
            source=source, table=table, importer=w["lead"], commit=True
        )

    def edit_source(w: dict[str, Any]) -> Callable[[], Any]:
        source = review_source(w["team"], w["lead"], w["catalogue"])
        return lambda: review_sources.review_source_update(source=source, name="Renamed")

    def token_create(w: dict[str, Any]) -> Callable[[], Any]:
        return lambda: accounts_services.api_token_create(user=w["member"], name="laptop")

    def token_revoke(w: dict[str, Any]) -> Callable[[], Any]:
        token, _key = accounts_services.api_token_create(user=w["member"], name="laptop")
        return lambda: accounts_services.api_token_revoke(token=token)

    def tokens_revoke_all(w: dict[str, Any]) -> Callable[[], Any]:
        accounts_services.api_token_create(user=w["member"], name="laptop")
        accounts_services.api_token_create(user=w["member"], name="phone")
        return lambda: accounts_services.user_password_set(
            user=w["member"], password="A-new-passw0rd!", reason="password_changed"
        )

    def sso_link(w: dict[str, Any]) -> Callable[[], Any]:
        claims = {"sub": "m-1", "email": w["member"].email, "email_verified": True}
        return lambda: accounts_services.sso_sign_in(issuer=ISSUER, claims=claims)

    def entry(action: str, given: Any, actor: str | None, **expect: Any) -> Any:
        return pytest.param(action, given, actor, expect, id=f"{action}-{given.__name__}")

    return [
        entry("sop.published", publish_sop, None, object_type="courses.sopversion",
              object_label="Refunds (v1)", changes={"number": [None, 1], "requires_reack": False}),
        entry("quiz_version.published", publish_quiz, None, object_type="assessments.quizversion"),
        entry("membership.added", add_member, None, object_type="accounts.membership",
              object_label="new@example.test · Support EMEA", changes={"role": [None, "member"]}),
        entry("membership.role_changed", promote, "admin_user",
              changes={"role": ["member", "lead"]}),
        entry("team.created", create_team, None, object_label="Support LATAM",
              changes={"name": [None, "Support LATAM"]}),
        entry("assignment.created", assign, "lead", object_type="courses.assignment",
              object_label="Handling escalations → agent@example.test"),
        entry("assignment.created", accept_suggestion, "lead",
              object_label="Handling escalations → agent@example.test"),
        entry("assignment.cancelled", cancel, None,
              changes={"status": ["open", "cancelled"]}),
        entry("plan_item.signed_off", sign_off, "lead", object_label="Meet your lead"),
        entry("qa_finding.created", finding, "lead", object_type="qa.qafinding",
              object_label="Greeting · T-1 · agent@example.test"),
        entry("qa.import", import_findings, "lead", object_label="findings CSV",
              changes={"via": "csv", "rows": 3, "new": 3, "findings": 3}),
        entry("qa.import", import_reviews, "lead", object_type="qa.reviewsource"),
        entry("qa.review_source.changed", edit_source, None,
              changes={"name": ["Zendesk QA export", "Renamed"]}),
        entry("token.created", token_create, "member", object_label="laptop (rdy_"),
        entry("token.revoked", token_revoke, None, object_type="accounts.apitoken"),
        entry("token.revoked_all", tokens_revoke_all, None,
              changes={"tokens": 2, "reason": "password_changed"}),
        entry("sso.linked", sso_link, "member", object_label=f"m-1 at {ISSUER}"),
    ]  # fmt: skip


@pytest.fixture
def world(db, team, lead, member, admin_user, catalogue, settings):
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_CLIENT_ID = "readiness"
    return {
        "team": team,
        "lead": lead,
        "member": member,
        "admin_user": admin_user,
        "catalogue": catalogue,
    }


@pytest.mark.parametrize(("action", "given", "actor", "expect"), cases())
def test_each_change_writes_one_event(world, action, given, actor, expect):
    change = given(world)
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    change()

    events = list(AuditEvent.objects.exclude(pk__in=before).filter(action=action))
    assert len(events) == 1, [(e.action, e.object_label) for e in events]
    event = events[0]
    assert event.actor == (world[actor] if actor else None)
    assert event.actor_label == (world[actor].email if actor else "")
    assert event.ip is None  # no request
    for name, value in expect.items():
        if name == "object_label" and value.endswith("_"):
            assert event.object_label.startswith(value)
        elif name == "changes":
            assert {k: event.changes[k] for k in value} == value
        else:
            assert getattr(event, name) == value, name


@pytest.mark.parametrize(("action", "given", "actor", "expect"), cases())
def test_a_rolled_back_change_leaves_no_event(world, action, given, actor, expect):
    change = given(world)
    before = AuditEvent.objects.count()

    with transaction.atomic():
        change()
        assert AuditEvent.objects.count() > before  # written in the change's transaction
        transaction.set_rollback(True)

    assert AuditEvent.objects.count() == before


def test_the_same_change_again_writes_nothing(world):
    """Services that change nothing the second time (idempotent) record nothing either."""
    draft = sop_draft(world["lead"])
    courses_services.sop_version_publish(version=draft)
    accounts_services.membership_set(team=world["team"], user=world["member"])  # already member
    count = AuditEvent.objects.count()

    courses_services.sop_version_publish(version=draft)
    accounts_services.membership_set(team=world["team"], user=world["member"])

    assert AuditEvent.objects.count() == count


def test_an_assignment_to_several_people_writes_one_event_each(world, user_factory):
    others = [user_factory.create() for _ in range(3)]
    for person in others:
        factories.MembershipFactory.create(user=person, team=world["team"])

    factories.assign_by_ids(
        assigned_by=world["lead"],
        user_ids=[world["member"].pk, *(p.pk for p in others)],
        module_id=world["catalogue"]["module"].pk,
    )

    events = AuditEvent.objects.filter(action="assignment.created")
    assert events.count() == 4
    assert {e.changes["user_id"] for e in events} == {world["member"].pk, *(p.pk for p in others)}


def test_sso_group_sync_records_joins_role_changes_and_leaving(world, settings, user_factory):
    settings.OIDC_GROUP_MAP = {
        "emea": "Support EMEA",
        "emea-leads": {"team": "Support EMEA", "role": "lead"},
        "apac": "Support APAC",
    }
    claims = {"sub": "p-1", "email": "pia@example.com", "email_verified": True}

    pia = accounts_services.sso_sign_in(issuer=ISSUER, claims={**claims, "groups": ["emea"]})
    accounts_services.sso_sign_in(
        issuer=ISSUER, claims={**claims, "groups": ["emea-leads", "apac"]}
    )
    accounts_services.sso_sign_in(issuer=ISSUER, claims={**claims, "groups": ["apac"]})

    rows = list(
        AuditEvent.objects.filter(object_type="accounts.membership")
        .order_by("id")
        .values_list("action", "object_label", "changes")
    )
    assert rows == [
        ("membership.added", "pia@example.com · Support EMEA", {"role": [None, "member"]}),
        ("membership.role_changed", "pia@example.com · Support EMEA", {"role": ["member", "lead"]}),
        ("membership.added", "pia@example.com · Support APAC", {"role": [None, "member"]}),
        ("membership.removed", "pia@example.com · Support EMEA", {"role": ["lead", None]}),
    ]
    link = AuditEvent.objects.get(action="sso.linked")
    assert (link.actor, link.changes["account_created"]) == (pia, True)
    assert AuditEvent.objects.filter(action="team.created").count() == 1  # APAC, made by SSO


def test_a_deleted_user_leaves_their_events_with_their_label(world):
    token, _key = accounts_services.api_token_create(user=world["member"], name="laptop")
    event = AuditEvent.objects.get(action="token.created")
    assert event.actor == world["member"]

    world["member"].delete()  # their tokens go with them; the trail stays

    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.actor, event.actor_label) == (None, "agent@example.test")
    assert event.object_id == str(token.pk)
    assert not ApiToken.objects.filter(pk=token.pk).exists()
