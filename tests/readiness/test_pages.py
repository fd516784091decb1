"""Readiness pages: the team board (page, filters, CSV in the lead's language, a fixed number of
queries for any team size), a person's page (verdicts and what is missing), the decide form,
sign-offs, the criteria editor (admins only, every change a version) and a decision page that
keeps the evidence as it was."""

from __future__ import annotations

import csv
import html
import io
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Membership, Team, User
from assessments import services as assessments_services
from courses import services as courses_services
from onboarding.models import OnboardingPlan, PlanItem
from qa import services as qa_services
from qa.models import QAFinding, ReviewRating, ReviewSource
from readiness import presenters, services
from readiness.models import (
    Criteria,
    CriteriaVersion,
    Decision,
    Kind,
    Regression,
    SignOff,
    Verdict,
)
from skills.models import LearnerProfile, RoleProfile, SkillProficiency, SkillTarget
from skills.skill_model import day_number
from tests import factories
from tests.readiness.conftest import line_add


def text_of(response: Any) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def setup(live_chat: dict[str, Any]) -> dict[str, Any]:
    return live_chat


def module_done(person: User, module: Any) -> None:
    for lesson in module.lessons.all():
        courses_services.lesson_complete(user=person, lesson=lesson)
    courses_services.module_complete(user=person, module=module)


def decided_ready_then_regressed(setup: dict[str, Any], person: User, lead: User) -> Decision:
    """``person`` met everything, was decided ready, then lost the sign-off."""
    criteria, key = setup["criteria"], setup["signoff"].key
    services.signoff_give(person=person, criteria=criteria, key=key, by=lead)
    module_done(person, setup["module"])
    decision = services.decision_record(person=person, criteria=criteria, outcome="ready", by=lead)
    services.signoff_withdraw(person=person, criteria=criteria, key=key, by=lead)
    return decision


def csv_rows(response: Any) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))


# --- the board ---------------------------------------------------------------------------------


def test_the_board_shows_each_member_against_the_role(
    client: Client, setup: dict[str, Any], lead: User, member: User, team: Team
) -> None:
    client.force_login(lead)
    page = client.get(f"/readiness/teams/{team.pk}/")
    assert page.status_code == 200
    rows = page.context["board"].rows
    assert sorted(r.row.person.pk for r in rows) == sorted([member.pk, setup["teammate"].pk])
    assert {r.role.verdict for r in rows} == {Verdict.NOT_MET}
    text = text_of(page)
    assert member.name in text
    assert setup["teammate"].name in text
    assert "Live chat agent" in text
    assert "Shadowed three chats" in text  # the first missing line blocks them


def test_the_board_csv_in_english(
    client: Client, setup: dict[str, Any], lead: User, member: User, team: Team
) -> None:
    client.force_login(lead)
    response = client.get(f"/readiness/teams/{team.pk}/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header[:4] == ["Person", "Email", "Role", "Verdict"]
    assert len(header) == 12
    by_email = {row[1]: row for row in rows}
    assert set(by_email) == {member.email, setup["teammate"].email}
    row = by_email[member.email]
    assert row[0] == member.name
    assert row[2] == "Live chat agent"
    assert row[3] == "Not met"
    assert row[5:7] == ["0", "2"]  # criteria met, criteria
    assert row[7] == "Shadowed three chats"
    assert row[11] == "3"  # the criteria version


def test_the_board_csv_speaks_the_leads_language(
    client: Client, setup: dict[str, Any], lead: User, member: User, team: Team
) -> None:
    lead.language = "pl"
    lead.save(update_fields=["language"])
    client.force_login(lead)
    response = client.get(f"/readiness/teams/{team.pk}/?format=csv")
    assert response.status_code == 200
    header, *rows = csv_rows(response)
    with translation.override("pl"):
        expected_header = presenters.board_csv_header()
        not_met = str(Verdict.NOT_MET.label)
        assert gettext("Person") == "Osoba"
    assert header == expected_header
    assert header[0] == "Osoba"
    row = next(r for r in rows if r[1] == member.email)
    assert row[2] == "Konsultant czatu na żywo"
    assert row[3] == not_met


def test_the_board_filters_by_state(
    client: Client, setup: dict[str, Any], lead: User, member: User, team: Team
) -> None:
    decided_ready_then_regressed(setup, member, lead)
    client.force_login(lead)
    everyone = client.get(f"/readiness/teams/{team.pk}/")
    assert {r.row.state for r in everyone.context["board"].rows} == {"regressed", "not_ready"}
    assert everyone.context["board"].counts["regressed"] == 1
    page = client.get(f"/readiness/teams/{team.pk}/?state=regressed")
    assert page.status_code == 200
    (row,) = page.context["board"].rows
    assert row.row.person == member
    assert row.row.state == "regressed"
    text = text_of(page)
    assert member.name in text
    assert setup["teammate"].name not in text
    _header, *rows = csv_rows(client.get(f"/readiness/teams/{team.pk}/?state=regressed&format=csv"))
    assert [r[1] for r in rows] == [member.email]
    not_ready = client.get(f"/readiness/teams/{team.pk}/?state=not_ready")
    assert [r.row.person for r in not_ready.context["board"].rows] == [setup["teammate"]]
    # an unknown state shows everyone rather than nothing
    odd = client.get(f"/readiness/teams/{team.pk}/?state=bogus")
    assert len(odd.context["board"].rows) == 2


def test_the_board_filters_by_role_and_sorts(
    client: Client, setup: dict[str, Any], lead: User, member: User, team: Team
) -> None:
    client.force_login(lead)
    url = f"/readiness/teams/{team.pk}/"
    criteria = setup["criteria"]
    mine = client.get(f"{url}?role={criteria.pk}&sort=verdict")
    assert len(mine.context["board"].rows) == 2
    assert mine.context["board"].role == str(criteria.pk)
    other = client.get(f"{url}?role={criteria.pk + 1000}")
    assert other.context["board"].rows == []
    assert "Nobody matches these filters." in text_of(other)
    for odd in ("abc", "-1", "", "1.5"):
        page = client.get(url, {"role": odd, "sort": "nonsense"})
        assert page.status_code == 200, odd
        assert len(page.context["board"].rows) == 2, odd
        assert page.context["board"].sort == "name"


def test_a_role_filter_of_odd_digits_is_ignored(
    client: Client, setup: dict[str, Any], lead: User, team: Team
) -> None:
    client.force_login(lead)
    page = client.get(f"/readiness/teams/{team.pk}/", {"role": "²"})
    assert page.status_code == 200
    assert len(page.context["board"].rows) == 2


def test_the_board_is_for_the_teams_leads_and_admins(
    client: Client,
    setup: dict[str, Any],
    lead: User,
    member: User,
    outsider: User,
    admin_user: User,
    team: Team,
) -> None:
    url = f"/readiness/teams/{team.pk}/"
    for user, status in ((admin_user, 200), (lead, 200), (outsider, 404), (member, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status, user
        assert client.get(url + "?format=csv").status_code == status, user
    client.force_login(lead)
    assert client.get("/readiness/teams/987654321/").status_code == 404


# --- a person's page -----------------------------------------------------------------------------


def test_the_person_page_shows_each_verdict_and_what_is_missing(
    client: Client, setup: dict[str, Any], lead: User, member: User
) -> None:
    services.signoff_give(
        person=member, criteria=setup["criteria"], key=setup["signoff"].key, by=lead, note="Good"
    )
    client.force_login(lead)
    page = client.get(f"/readiness/people/{member.pk}/")
    assert page.status_code == 200
    (role,) = page.context["roles"]
    assert role.role_name == "Live chat agent"
    assert role.verdict == Verdict.NOT_MET
    assert [(lv.line.kind, lv.described.verdict) for lv in role.lines] == [
        (Kind.SIGNOFF, Verdict.MET),
        (Kind.MODULES, Verdict.NOT_MET),
    ]
    assert role.lines[0].described.missing == []
    assert role.lines[1].described.missing == ["Chat etiquette"]
    assert page.context["can_decide"] is True
    text = text_of(page)
    assert "Shadowed three chats" in text
    assert "Modules completed: Chat etiquette" in text
    assert "0 of 1 module completed" in text
    assert "Met" in text
    assert "Not met" in text
    assert "1 of 2 criteria met (criteria version 3)." in text


def test_the_person_page_is_for_them_their_lead_and_admins(
    client: Client,
    setup: dict[str, Any],
    lead: User,
    member: User,
    outsider: User,
    admin_user: User,
) -> None:
    url = f"/readiness/people/{member.pk}/"
    for user, status in (
        (member, 200),
        (lead, 200),
        (admin_user, 200),
        (outsider, 404),
        (setup["teammate"], 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(member)
    own = client.get(url)
    assert own.context["own"] is True
    assert own.context["can_decide"] is False
    assert "Record a decision" not in own.content.decode()


def test_the_decide_form_with_errors_is_400_and_saves_nothing(
    client: Client, setup: dict[str, Any], lead: User, member: User
) -> None:
    criteria = setup["criteria"]
    url = f"/readiness/people/{member.pk}/roles/{criteria.pk}/decide/"
    prefix = f"d{criteria.pk}"
    client.force_login(lead)
    ready = client.post(url, {f"{prefix}-outcome": "ready"})
    assert ready.status_code == 400
    assert "Not every criterion is met." in text_of(ready)
    form = next(r.form for r in ready.context["roles"] if r.criteria.pk == criteria.pk)
    assert "override" in form.errors
    not_yet = client.post(url, {f"{prefix}-outcome": "not_yet", f"{prefix}-reason": "  "})
    assert not_yet.status_code == 400
    assert f"Say what is missing, so {member.name} knows what to work on." in text_of(not_yet)
    bad = client.post(url, {f"{prefix}-outcome": "maybe"})
    assert bad.status_code == 400
    assert Decision.objects.count() == 0

    recorded = client.post(
        url, {f"{prefix}-outcome": "not_yet", f"{prefix}-reason": "Finish the module."}
    )
    assert recorded.status_code == 302
    assert recorded["Location"] == f"/readiness/people/{member.pk}/"
    decision = Decision.objects.get()
    assert (decision.outcome, decision.reason, decision.decided_by) == (
        "not_yet",
        "Finish the module.",
        lead,
    )


def test_nobody_decides_about_themselves_or_outside_their_teams(
    client: Client, setup: dict[str, Any], member: User, outsider: User
) -> None:
    criteria = setup["criteria"]
    data = {f"d{criteria.pk}-outcome": "not_yet", f"d{criteria.pk}-reason": "Because."}
    for user, person in ((member, member), (member, setup["teammate"]), (outsider, member)):
        client.force_login(user)
        url = f"/readiness/people/{person.pk}/roles/{criteria.pk}/decide/"
        assert client.post(url, data).status_code == 404
    assert Decision.objects.count() == 0


def test_a_lead_gives_and_withdraws_a_sign_off_on_the_page(
    client: Client, setup: dict[str, Any], lead: User, member: User
) -> None:
    criteria, key = setup["criteria"], setup["signoff"].key
    url = f"/readiness/people/{member.pk}/roles/{criteria.pk}/sign-off/"
    client.force_login(lead)
    given = client.post(url, {"key": key, "note": "Three chats, all calm."})
    assert given.status_code == 302
    signoff = SignOff.objects.get(person=member, criteria=criteria, key=key)
    assert signoff.signed_by == lead
    assert signoff.note == "Three chats, all calm."
    page = client.get(f"/readiness/people/{member.pk}/")
    line = page.context["roles"][0].lines[0]
    assert line.described.verdict == Verdict.MET
    assert line.signed
    assert "Signed off on" in text_of(page)
    assert "Withdraw sign-off" in text_of(page)

    withdrawn = client.post(url, {"key": key, "action": "withdraw"})
    assert withdrawn.status_code == 302
    assert not SignOff.objects.filter(person=member).exists()
    page = client.get(f"/readiness/people/{member.pk}/")
    assert page.context["roles"][0].lines[0].described.verdict == Verdict.NOT_MET

    # a key that is no sign-off line of the current criteria is refused
    module_line = criteria.versions.order_by("-number").first().items.get(kind=Kind.MODULES)
    refused = client.post(url, {"key": module_line.key}, follow=True)
    assert refused.status_code == 200
    assert "That sign-off is not in the current criteria any more." in text_of(refused)
    assert not SignOff.objects.exists()


def test_an_agent_cannot_sign_themselves_off(
    client: Client, setup: dict[str, Any], member: User
) -> None:
    criteria = setup["criteria"]
    client.force_login(member)
    url = f"/readiness/people/{member.pk}/roles/{criteria.pk}/sign-off/"
    assert client.post(url, {"key": setup["signoff"].key}).status_code == 404
    assert not SignOff.objects.exists()


# --- the criteria editor -------------------------------------------------------------------------


def newest(criteria: Criteria) -> CriteriaVersion:
    return criteria.versions.order_by("-number")[0]


def test_the_criteria_pages_are_for_admins_only(
    client: Client, setup: dict[str, Any], lead: User, member: User, admin_user: User
) -> None:
    criteria = setup["criteria"]
    for user in (lead, member):
        client.force_login(user)
        assert client.get("/readiness/criteria/").status_code == 404
        assert client.get(f"/readiness/criteria/{criteria.pk}/").status_code == 404
        added = client.post(
            f"/readiness/criteria/{criteria.pk}/",
            {"action": "add", "kind": "signoff", "label_en": "Sneaky"},
        )
        assert added.status_code == 404
    assert newest(criteria).number == 3
    client.force_login(admin_user)
    listing = client.get("/readiness/criteria/")
    assert listing.status_code == 200
    assert "Live chat agent" in text_of(listing)
    assert client.get(f"/readiness/criteria/{criteria.pk}/").status_code == 200
    assert client.get("/readiness/criteria/987654321/").status_code == 404


def test_an_admin_adds_and_removes_lines_each_a_new_version(
    client: Client, setup: dict[str, Any], admin_user: User
) -> None:
    criteria = setup["criteria"]
    url = f"/readiness/criteria/{criteria.pk}/"
    client.force_login(admin_user)
    before = newest(criteria)
    added = client.post(
        url,
        {
            "action": "add",
            "kind": "qa_pass_rate",
            "min_rate": "85",
            "min_count": "5",
            "categories": "Tone, Accuracy",
            "within_days": "60",
            "count": "7",  # not a field of this kind: left out
        },
    )
    assert added.status_code == 302
    version = newest(criteria)
    assert version.number == before.number + 1
    assert version.created_by == admin_user
    lines = list(version.items.order_by("position"))
    assert [line.kind for line in lines] == [Kind.SIGNOFF, Kind.MODULES, Kind.QA_PASS_RATE]
    new = lines[-1]
    assert (new.min_rate, new.min_count, new.within_days, new.count) == (0.85, 5, 60, None)
    assert new.categories == ["Tone", "Accuracy"]
    # the kept lines keep their keys (so sign-offs carry over); the old version is untouched
    assert lines[0].key == setup["signoff"].key
    assert before.items.count() == 2

    removed = client.post(url, {"action": "remove", "line": str(lines[0].pk)})
    assert removed.status_code == 302
    after = newest(criteria)
    assert after.number == version.number + 1
    assert [line.kind for line in after.items.order_by("position")] == [
        Kind.MODULES,
        Kind.QA_PASS_RATE,
    ]
    assert "Removed: Shadowed three chats" in after.change
    page = client.get(url)
    assert [title for _line, title in page.context["lines"]] == [
        "Modules completed: Chat etiquette",
        "QA pass rate at least 85% on Tone, Accuracy, over at least 5 reviewed interactions",
    ]
    # removing a line of an older version is refused, and saves nothing
    stale = client.post(url, {"action": "remove", "line": str(lines[0].pk)}, follow=True)
    assert "That line is not in the current version any more." in text_of(stale)
    assert newest(criteria).number == after.number


def test_removing_a_line_with_an_odd_id_is_refused(
    client: Client, setup: dict[str, Any], admin_user: User
) -> None:
    criteria = setup["criteria"]
    client.force_login(admin_user)
    page = client.post(
        f"/readiness/criteria/{criteria.pk}/", {"action": "remove", "line": "²"}, follow=True
    )
    assert page.status_code == 200
    assert "That line is not in the current version any more." in text_of(page)
    assert newest(criteria).number == 3


def test_removing_a_line_that_is_no_number_is_refused(
    client: Client, setup: dict[str, Any], admin_user: User
) -> None:
    criteria = setup["criteria"]
    client.force_login(admin_user)
    for line in ("abc", "", "-3", "99999999999999999999999"):
        page = client.post(
            f"/readiness/criteria/{criteria.pk}/", {"action": "remove", "line": line}, follow=True
        )
        assert page.status_code == 200, line
        assert "That line is not in the current version any more." in text_of(page), line
    assert newest(criteria).number == 3


def test_an_admin_creates_criteria_for_a_role(
    client: Client, setup: dict[str, Any], admin_user: User
) -> None:
    lead_role = RoleProfile.objects.create(slug="team-lead", name="Team lead")
    client.force_login(admin_user)
    created = client.post(
        "/readiness/criteria/",
        {"role_profile": lead_role.pk, "from_roles": [setup["role"].pk]},
    )
    assert created.status_code == 302
    criteria = Criteria.objects.get(role_profile=lead_role)
    assert created["Location"] == f"/readiness/criteria/{criteria.pk}/"
    assert list(criteria.from_roles.all()) == [setup["role"]]
    assert [v.number for v in criteria.versions.all()] == [1]
    # a role with criteria already is not offered again
    again = client.post("/readiness/criteria/", {"role_profile": lead_role.pk})
    assert again.status_code == 400
    assert "role_profile" in again.context["form"].errors
    assert Criteria.objects.filter(role_profile=lead_role).count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "quiz"}, "quiz", "Choose a quiz."),
        ({"kind": "signoff"}, "label_en", "Say what the lead signs off"),
        ({"kind": "sops"}, "sops", "Choose at least one SOP."),
        ({"kind": "qa_pass_rate"}, "min_rate", "Give the pass rate to reach."),
        ({"kind": "qa_pass_rate", "min_rate": "150"}, "min_rate", "less than or equal to 100"),
        ({"kind": "nonsense"}, "kind", "Select a valid choice."),
    ],
)
def test_a_bad_line_shows_a_form_error_and_makes_no_version(
    client: Client,
    setup: dict[str, Any],
    admin_user: User,
    data: dict[str, str],
    field: str,
    message: str,
) -> None:
    criteria = setup["criteria"]
    client.force_login(admin_user)
    count = CriteriaVersion.objects.filter(criteria=criteria).count()
    page = client.post(f"/readiness/criteria/{criteria.pk}/", {"action": "add", **data})
    assert page.status_code in (200, 400)
    form = page.context["line_form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert message in text_of(page)
    assert CriteriaVersion.objects.filter(criteria=criteria).count() == count


def test_a_quiz_band_must_be_one_of_the_quizs(
    client: Client, setup: dict[str, Any], admin_user: User, quiz: Any
) -> None:
    criteria = setup["criteria"]
    client.force_login(admin_user)
    url = f"/readiness/criteria/{criteria.pk}/"
    page = client.post(url, {"action": "add", "kind": "quiz", "quiz": quiz.pk, "min_band": "Top"})
    assert "min_band" in page.context["line_form"].errors
    assert newest(criteria).number == 3
    ok = client.post(url, {"action": "add", "kind": "quiz", "quiz": quiz.pk, "min_band": "High"})
    assert ok.status_code == 302
    line = newest(criteria).items.get(kind=Kind.QUIZ)
    assert (line.quiz, line.min_band) == (quiz, "High")


# --- a decision page -----------------------------------------------------------------------------


def test_a_decision_page_keeps_the_evidence_as_it_was(
    client: Client, setup: dict[str, Any], lead: User, member: User
) -> None:
    decision = decided_ready_then_regressed(setup, member, lead)
    client.force_login(lead)
    person = client.get(f"/readiness/people/{member.pk}/")
    now_line = person.context["roles"][0].lines[0]
    assert (now_line.line.kind, now_line.described.verdict) == (Kind.SIGNOFF, Verdict.NOT_MET)

    page = client.get(f"/readiness/decisions/{decision.pk}/")
    assert page.status_code == 200
    then = page.context["lines"]
    assert [(lv.line.kind, lv.described.verdict) for lv in then] == [
        (Kind.SIGNOFF, Verdict.MET),
        (Kind.MODULES, Verdict.MET),
    ]
    assert then[0].described.summary.startswith("Signed off on")
    text = text_of(page)
    assert "The evidence at that moment" in text
    assert "Signed off on" in text
    assert "Not signed off yet." not in text
    assert "A lead's sign-off" not in text
    # editing the criteria afterwards does not change the decision's lines either
    services.criterion_remove(criteria=setup["criteria"], criterion_id=then[0].line.pk, by=lead)
    again = client.get(f"/readiness/decisions/{decision.pk}/")
    assert [lv.line.kind for lv in again.context["lines"]] == [Kind.SIGNOFF, Kind.MODULES]


def test_a_decision_is_withdrawn_on_its_page_once(
    client: Client, setup: dict[str, Any], lead: User, member: User, outsider: User
) -> None:
    decision = services.decision_record(
        person=member, criteria=setup["criteria"], outcome="not_yet", by=lead, reason="Later."
    )
    url = f"/readiness/decisions/{decision.pk}/"
    for user in (outsider, setup["teammate"]):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "No."}).status_code == 404
    client.force_login(member)
    own = client.get(url)
    assert own.status_code == 200
    assert own.context["can_revoke"] is False
    assert client.post(url, {"reason": "Mine."}).status_code == 404
    client.force_login(lead)
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 400
    assert Decision.objects.count() == 1
    withdrawn = client.post(url, {"reason": "Recorded too early."})
    assert withdrawn.status_code == 302
    revocation = Decision.objects.get(revokes=decision)
    assert (revocation.outcome, revocation.reason) == ("revoked", "Recorded too early.")
    again = client.post(url, {"reason": "Again."})
    assert again.status_code == 400
    assert "Only the newest decision can be withdrawn, and only once." in text_of(again)
    assert Decision.objects.count() == 2


# --- queries -------------------------------------------------------------------------------------


@pytest.fixture
def every_kind(db: None, lead: User, team: Team, admin_user: User) -> dict[str, Any]:
    """Criteria with a line of every kind, and a function that adds a member with evidence for
    each (some met, some not), a decision, and for some a regression."""
    agent = RoleProfile.objects.create(slug="agent", name="Agent")
    live = RoleProfile.objects.create(slug="live-chat", name="Live chat agent")
    criteria = services.criteria_create(role_profile=live, from_roles=[agent], by=admin_user)
    sop = factories.sop_published("Be kind.", title="Tone of voice")
    module = factories.module_with_lessons(lessons=1, title="Chat etiquette")
    quiz = factories.quiz_published()
    skill = factories.SkillFactory.create(slug="empathy", name="Empathy")
    SkillTarget.objects.create(role_profile=live, skill=skill, level=0.6)
    line_add(criteria, admin_user, kind=Kind.ONBOARDING, count=1)
    line_add(criteria, admin_user, kind=Kind.SOPS, sops=[sop])
    line_add(criteria, admin_user, kind=Kind.MODULES, modules=[module])
    line_add(criteria, admin_user, kind=Kind.QUIZ, quiz=quiz, min_band="Mid", within_days=90)
    line_add(criteria, admin_user, kind=Kind.SKILL, skill=skill)
    line_add(criteria, admin_user, kind=Kind.QA_CRITICAL, within_days=30, min_count=1)
    line_add(
        criteria, admin_user, kind=Kind.QA_PASS_RATE, min_rate=0.8, min_count=1, categories=["Tone"]
    )
    signoff = line_add(criteria, admin_user, kind=Kind.SIGNOFF, label="Shadowed three chats")
    source = ReviewSource.objects.create(team=team, name="QA tool")
    now = timezone.now()
    added: list[User] = []

    def add_member() -> User:
        n = len(added)
        person = factories.UserFactory.create(name=f"Agent {n:02d}")
        factories.MembershipFactory.create(user=person, team=team, role=Membership.Role.MEMBER)
        LearnerProfile.objects.create(user=person, role_profile=agent)
        plan = OnboardingPlan.objects.create(user=person, name="First weeks", start_date=now.date())
        PlanItem.objects.create(
            plan=plan, title="Step", kind="task", due_on=now.date(), status=PlanItem.Status.DONE
        )
        courses_services.sop_acknowledge(user=person, version=sop.versions.get(number=1))
        if n % 2 == 0:
            module_done(person, module)
        else:
            courses_services.assignment_ensure(
                user=person, module=module, source="manual", due_on=now.date() + timedelta(days=3)
            )
        if n % 3 == 0:
            attempt = assessments_services.attempt_start(quiz=quiz, user=person)
            for question in attempt.quiz_version.questions.all():
                assessments_services.answer_save(
                    attempt=attempt,
                    question_id=question.pk,
                    choice_ids=factories.right_choice_ids(question),
                )
            assessments_services.attempt_submit(attempt=attempt)
            assessments_services.attempt_score(attempt_id=attempt.pk)
        SkillProficiency.objects.update_or_create(
            user=person,
            skill=skill,
            defaults={
                "alpha": 60,
                "beta": 4,
                "anchor_day": day_number(now),
                "evidence_count": 64,
            },
        )
        ReviewRating.objects.create(
            source=source,
            review_ref=f"r{person.pk}",
            category="Tone",
            agent=person,
            skill=skill,
            interaction_ref=f"T-{person.pk}",
            rating="3",
            result="pass" if n % 2 == 0 else "fail",
            occurred_at=now - timedelta(days=1),
        )
        if n % 4 == 1:
            qa_services.finding_record(
                reviewer=lead,
                agent=person,
                interaction_ref=f"C-{person.pk}",
                criterion="Data protection",
                skill=skill,
                severity=QAFinding.Severity.CRITICAL,
                occurred_at=now - timedelta(days=2),
            )
        services.signoff_give(person=person, criteria=criteria, key=signoff.key, by=lead)
        decision = services.decision_record(
            person=person,
            criteria=criteria,
            outcome="ready" if n % 2 else "not_yet",
            by=lead,
            reason="Judged.",
            override=True,
        )
        if n % 2:
            Regression.objects.create(decision=decision, failing=[signoff.key])
        added.append(person)
        return person

    return {"criteria": criteria, "add_member": add_member}


def board_queries(client: Client, url: str) -> tuple[int, int, int]:
    """The queries of the board page and of its CSV (read to the end), and the rows shown."""
    with CaptureQueriesContext(connection) as page_queries:
        page = client.get(url)
        assert page.status_code == 200
    rows = len(page.context["board"].rows)
    with CaptureQueriesContext(connection) as csv_queries:
        response = client.get(url + "?format=csv")
        assert len(csv_rows(response)) == rows + 1
    return len(page_queries.captured_queries), len(csv_queries.captured_queries), rows


def test_the_board_makes_the_same_queries_for_3_and_12_members(
    client: Client, every_kind: dict[str, Any], lead: User, team: Team
) -> None:
    for _ in range(3):
        every_kind["add_member"]()
    client.force_login(lead)
    url = f"/readiness/teams/{team.pk}/"
    client.get(url)  # warm the session
    small_page, small_csv, small_rows = board_queries(client, url)
    for _ in range(9):
        every_kind["add_member"]()
    big_page, big_csv, big_rows = board_queries(client, url)
    assert (small_rows, big_rows) == (3, 12)
    assert big_page == small_page
    assert big_csv == small_csv
    # every verdict the data can give is on the board, so each kind of evidence was read
    with CaptureQueriesContext(connection):
        board = client.get(url).context["board"]
    states = {b.row.state for b in board.rows}
    assert {"regressed", "not_yet_decided"} <= states
    kinds_met = {
        lv.line.kind for b in board.rows for lv in b.role.lines if lv.described.verdict == "met"
    }
    assert kinds_met == set(Kind)
