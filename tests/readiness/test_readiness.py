"""Readiness: each kind of criterion judged from real evidence, decisions frozen and never
edited, revocation, the regression sweep (idempotent, leads alerted once), notifications in the
person's language, xAPI, and criteria that can't be judged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from assessments import services as assessments_services
from core.errors import Conflict, ValidationFailed
from courses import services as courses_services
from notifications.models import Notification
from onboarding.models import OnboardingPlan, PlanItem
from qa import services as qa_services
from qa.models import QAFinding, ReviewRating, ReviewSource
from readiness import evaluation, services
from readiness.hooks import readiness_decided
from readiness.models import Criteria, Decision, Kind, Regression, Verdict
from skills.models import LearnerProfile, RoleProfile, SkillProficiency, SkillTarget
from skills.skill_model import day_number
from tests import factories


@pytest.fixture
def setup(db: None, lead: User, member: User) -> dict[str, Any]:
    agent = RoleProfile.objects.create(slug="agent", name="Agent")
    live = RoleProfile.objects.create(slug="live-chat", name="Live chat", name_pl="Czat na żywo")
    LearnerProfile.objects.create(user=member, role_profile=agent)
    criteria = services.criteria_create(role_profile=live, from_roles=[agent], by=lead)
    return {"agent": agent, "live": live, "criteria": criteria}


def add(criteria: Criteria, by: User, **fields: Any) -> Any:
    sops = fields.pop("sops", [])
    modules = fields.pop("modules", [])
    base = {"label": "", "categories": []}
    base.update(fields)
    version = services.criterion_add(
        criteria=criteria, by=by, fields=base, sops=sops, modules=modules
    )
    return version.items.order_by("-position").first()


def judge(person: User, criteria: Criteria, now: Any = None) -> evaluation.Standing:
    versions = evaluation.current_versions([criteria])
    return evaluation.evaluate(
        people=[person], versions=[versions[criteria.pk]], now=now or timezone.now()
    )[(person.pk, criteria.pk)]


def verdicts(standing: evaluation.Standing) -> list[str]:
    return [item.verdict for item in standing.items]


def test_sops_modules_and_signoff_follow_the_evidence(setup: Any, lead: User, member: User) -> None:
    criteria = setup["criteria"]
    sop = factories.sop_published("v1 text")
    module = factories.module_with_lessons(lessons=1)
    add(criteria, lead, kind=Kind.SOPS, sops=[sop])
    add(criteria, lead, kind=Kind.MODULES, modules=[module])
    signoff = add(criteria, lead, kind=Kind.SIGNOFF, label="Shadowed three chats")
    assert verdicts(judge(member, criteria)) == [Verdict.NOT_MET] * 3
    courses_services.sop_acknowledge(user=member, version=sop.versions.get(number=1))
    for lesson in module.lessons.all():
        courses_services.lesson_complete(user=member, lesson=lesson)
    courses_services.module_complete(user=member, module=module)
    services.signoff_give(person=member, criteria=criteria, key=signoff.key, by=lead)
    standing = judge(member, criteria)
    assert verdicts(standing) == [Verdict.MET] * 3
    assert standing.verdict == Verdict.MET
    assert standing.blocking is None


def test_an_edit_keeps_sign_offs_and_makes_a_new_version(
    setup: Any, lead: User, member: User
) -> None:
    criteria = setup["criteria"]
    signoff = add(criteria, lead, kind=Kind.SIGNOFF, label="Shadowed")
    services.signoff_give(person=member, criteria=criteria, key=signoff.key, by=lead)
    quiz = factories.quiz_published()
    add(criteria, lead, kind=Kind.QUIZ, quiz=quiz)
    standing = judge(member, criteria)
    assert standing.version.number == 3  # empty, +sign-off, +quiz
    assert verdicts(standing) == [Verdict.MET, Verdict.NOT_MET]
    assert standing.blocking is not None
    assert standing.blocking.criterion.kind == Kind.QUIZ


def test_quiz_band_and_window(setup: Any, lead: User, member: User) -> None:
    criteria = setup["criteria"]
    quiz = factories.quiz_published()  # bands Low 0, Mid 1.5, High 2.5
    add(criteria, lead, kind=Kind.QUIZ, quiz=quiz, min_band="High", within_days=30)
    attempt = assessments_services.attempt_start(quiz=quiz, user=member)
    for question in attempt.quiz_version.questions.all():
        assessments_services.answer_save(
            attempt=attempt,
            question_id=question.pk,
            choice_ids=factories.right_choice_ids(question),
        )
    assessments_services.attempt_submit(attempt=attempt)
    assessments_services.attempt_score(attempt_id=attempt.pk)
    assert verdicts(judge(member, criteria)) == [Verdict.MET]
    # the same attempt, 31 days later, is too old to count
    later = judge(member, criteria, now=timezone.now() + timedelta(days=31))
    assert verdicts(later) == [Verdict.NOT_MET]
    assert later.items[0].figures["attempt"] is None  # no attempt in the window


def test_skill_uses_the_lower_bound_so_not_sure_is_never_met(
    setup: Any, lead: User, member: User
) -> None:
    criteria = setup["criteria"]
    skill = factories.SkillFactory.create(slug="escalations", name="Escalations")
    SkillTarget.objects.create(role_profile=setup["live"], skill=skill, level=0.7)
    add(criteria, lead, kind=Kind.SKILL, skill=skill)
    now = timezone.now()

    def level(alpha: float, beta: float) -> str:
        SkillProficiency.objects.update_or_create(
            user=member,
            skill=skill,
            defaults={
                "alpha": alpha,
                "beta": beta,
                "anchor_day": day_number(now),
                "evidence_count": int(alpha + beta),
            },
        )
        return judge(member, criteria, now=now).items[0].verdict

    assert level(0, 0) == Verdict.UNSURE  # no evidence
    assert level(3, 1) == Verdict.UNSURE  # level ≈ 0.67 but the interval spans 0.7
    assert level(60, 4) == Verdict.MET  # the whole likely range is above 0.7
    assert level(2, 30) == Verdict.NOT_MET  # even the top of the range is below


def test_qa_critical_and_pass_rate(setup: Any, lead: User, member: User) -> None:
    criteria = setup["criteria"]
    skill = factories.SkillFactory.create(slug="quality", name="Quality")
    add(criteria, lead, kind=Kind.QA_CRITICAL, within_days=30)
    add(criteria, lead, kind=Kind.QA_PASS_RATE, min_rate=0.75, min_count=4, categories=["Tone"])
    assert verdicts(judge(member, criteria)) == [Verdict.MET, Verdict.UNSURE]
    source = ReviewSource.objects.create(team=member.memberships.first().team, name="QA tool")
    now = timezone.now()
    for n, result in enumerate(["pass", "pass", "pass", "fail"]):
        ReviewRating.objects.create(
            source=source,
            review_ref=f"r{n}",
            category="tone",  # matched without regard to case
            agent=member,
            skill=skill,
            interaction_ref=f"T-{n}",
            rating="3",
            result=result,
            occurred_at=now - timedelta(days=1),
        )
    standing = judge(member, criteria)
    assert verdicts(standing) == [Verdict.MET, Verdict.MET]  # 3 of 4 = 75%
    qa_services.finding_record(
        reviewer=lead,
        agent=member,
        interaction_ref="T-9",
        criterion="Data protection",
        skill=skill,
        severity=QAFinding.Severity.CRITICAL,
        note="",
        occurred_at=now - timedelta(days=2),
    )
    assert verdicts(judge(member, criteria))[0] == Verdict.NOT_MET
    # 31 days on, the finding is outside the window
    assert verdicts(judge(member, criteria, now=now + timedelta(days=29)))[0] == Verdict.MET


def test_onboarding_steps(setup: Any, lead: User, member: User) -> None:
    criteria = setup["criteria"]
    add(criteria, lead, kind=Kind.ONBOARDING, count=2)
    assert verdicts(judge(member, criteria)) == [Verdict.UNSURE]  # no plan yet
    plan = OnboardingPlan.objects.create(
        user=member, name="First weeks", start_date=timezone.now().date()
    )
    for n in range(3):
        PlanItem.objects.create(
            plan=plan,
            title=f"Step {n}",
            kind="task",
            due_on=timezone.now().date(),
            status=PlanItem.Status.DONE if n < 2 else PlanItem.Status.OPEN,
        )
    standing = judge(member, criteria)
    assert verdicts(standing) == [Verdict.MET]
    assert standing.items[0].figures["done"] == 2
    assert standing.items[0].figures["total"] == 3


def test_criteria_that_cannot_be_judged_say_why(setup: Any, lead: User, member: User) -> None:
    criteria = setup["criteria"]
    quiz = factories.quiz_published()
    skill = factories.SkillFactory.create(slug="no-target", name="No target")
    add(criteria, lead, kind=Kind.QUIZ, quiz=quiz)
    add(criteria, lead, kind=Kind.SKILL, skill=skill)  # the role has no target for it
    quiz.delete()
    standing = judge(member, criteria)
    assert [(i.verdict, i.figures["reason"]) for i in standing.items] == [
        (Verdict.CANNOT, "quiz_deleted"),
        (Verdict.CANNOT, "no_target"),
    ]
    assert standing.verdict == Verdict.CANNOT


def test_a_decision_freezes_the_evidence_and_ready_needs_an_override(
    setup: Any, lead: User, member: User
) -> None:
    criteria = setup["criteria"]
    signoff = add(criteria, lead, kind=Kind.SIGNOFF, label="Shadowed")
    with pytest.raises(ValidationFailed) as refused:
        services.decision_record(person=member, criteria=criteria, outcome="ready", by=lead)
    assert "override" in refused.value.field_errors
    with pytest.raises(ValidationFailed) as no_reason:
        services.decision_record(
            person=member, criteria=criteria, outcome="ready", by=lead, override=True
        )
    assert "reason" in no_reason.value.field_errors
    assert not Decision.objects.exists()
    services.signoff_give(person=member, criteria=criteria, key=signoff.key, by=lead)
    decision = services.decision_record(person=member, criteria=criteria, outcome="ready", by=lead)
    assert decision.verdict == Verdict.MET
    assert not decision.overridden
    assert decision.snapshot[0]["verdict"] == Verdict.MET
    services.signoff_withdraw(person=member, criteria=criteria, key=signoff.key, by=lead)
    decision.refresh_from_db()
    assert decision.snapshot[0]["verdict"] == Verdict.MET  # frozen
    # the person hears of it in their language
    notification = Notification.objects.get(user=member, key=f"readiness-decision:{decision.pk}")
    assert notification.kind == "readiness_ready"


def test_revoking_is_a_new_record_and_only_the_newest_once(
    setup: Any, lead: User, member: User
) -> None:
    criteria = setup["criteria"]
    add(criteria, lead, kind=Kind.SIGNOFF, label="Shadowed")
    first = services.decision_record(
        person=member, criteria=criteria, outcome="not_yet", by=lead, reason="Shadow first"
    )
    second = services.decision_record(
        person=member, criteria=criteria, outcome="not_yet", by=lead, reason="Still not"
    )
    assert list(Decision.objects.filter(person=member).order_by("-decided_at", "-pk")) == [
        second,
        first,
    ]
    with pytest.raises(Conflict):
        services.decision_revoke(decision=first, by=lead, reason="Oops")
    revocation = services.decision_revoke(decision=second, by=lead, reason="Recorded twice")
    assert revocation.revokes == second
    assert revocation.outcome == "revoked"
    with pytest.raises(Conflict):
        services.decision_revoke(decision=second, by=lead, reason="Again")
    with pytest.raises(ValidationFailed):
        services.decision_revoke(decision=revocation, by=lead, reason="")


def test_the_sweep_alerts_leads_once_and_resolves(setup: Any, lead: User, member: User) -> None:
    criteria = setup["criteria"]
    signoff = add(criteria, lead, kind=Kind.SIGNOFF, label="Shadowed")
    services.signoff_give(person=member, criteria=criteria, key=signoff.key, by=lead)
    decision = services.decision_record(person=member, criteria=criteria, outcome="ready", by=lead)
    assert services.regressions_sweep()["opened"] == 0
    services.signoff_withdraw(person=member, criteria=criteria, key=signoff.key, by=lead)
    assert services.regressions_sweep()["opened"] == 1
    assert services.regressions_sweep()["opened"] == 0  # idempotent
    regression = Regression.objects.get(decision=decision)
    assert regression.resolved_at is None
    assert regression.failing == [signoff.key]
    alerts = Notification.objects.filter(user=lead, kind="readiness_regressed")
    assert alerts.count() == 1
    services.signoff_give(person=member, criteria=criteria, key=signoff.key, by=lead)
    assert services.regressions_sweep()["resolved"] == 1
    regression.refresh_from_db()
    assert regression.resolved_at is not None


def test_the_hook_carries_the_decision(setup: Any, lead: User, member: User) -> None:
    criteria = setup["criteria"]
    add(criteria, lead, kind=Kind.SIGNOFF, label="Shadowed")
    heard: list[Decision] = []

    def listener(event: Any) -> None:
        heard.append(event.decision)

    readiness_decided.connect(listener)
    try:
        decision = services.decision_record(
            person=member, criteria=criteria, outcome="not_yet", by=lead, reason="Shadow first"
        )
    finally:
        readiness_decided._subscribers.remove(listener)
    assert heard == [decision]


def test_a_polish_agent_is_notified_in_polish(setup: Any, lead: User, member: User) -> None:
    member.language = "pl"
    member.save(update_fields=["language"])
    criteria = setup["criteria"]
    add(criteria, lead, kind=Kind.SIGNOFF, label="Shadowed")
    decision = services.decision_record(
        person=member, criteria=criteria, outcome="not_yet", by=lead, reason="Shadow first"
    )
    notification = Notification.objects.get(key=f"readiness-decision:{decision.pk}")
    assert notification.params["title"] == "Czat na żywo"


def test_the_decision_list_costs_the_same_statements_for_1_or_6_decisions(
    setup: Any, lead: User, member: User, api_as: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    criteria = setup["criteria"]
    add(criteria, lead, kind=Kind.SIGNOFF, label="Shadowed")
    client = api_as(lead)

    def statements() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/api/v1/readiness/decisions/?person={member.pk}")
        assert response.status_code == 200
        return len(captured)

    services.decision_record(
        person=member, criteria=criteria, outcome="not_yet", by=lead, reason="1"
    )
    statements()  # the token's first use in a minute is written down, once
    one = statements()
    for n in range(5):
        services.decision_record(
            person=member, criteria=criteria, outcome="not_yet", by=lead, reason=str(n)
        )
    assert statements() == one


@pytest.mark.parametrize(("passed", "total"), [(0, 1), (3, 4), (37, 45), (5, 5), (120, 400)])
def test_the_pass_rate_interval_is_scipys_wilson_interval(passed: int, total: int) -> None:
    from scipy.stats import binomtest

    from readiness.describe import wilson

    expected = binomtest(passed, total).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = wilson(passed, total)
    assert low == pytest.approx(expected.low, abs=1e-6)
    assert high == pytest.approx(expected.high, abs=1e-6)


def test_with_no_criteria_the_pages_say_so_and_the_report_still_prints(
    client: Any, lead: User, member: User, team: Any
) -> None:
    client.force_login(lead)
    board = client.get(f"/readiness/teams/{team.pk}/")
    assert board.status_code == 200
    assert "Nobody in this team works towards a role" in board.content.decode()
    page = client.get(f"/readiness/people/{member.pk}/")
    assert "No role with readiness criteria is set for this person yet." in page.content.decode()
    csv_body = b"".join(client.get(f"/readiness/teams/{team.pk}/?format=csv").streaming_content)
    assert csv_body.decode("utf-8-sig").strip().count("\n") == 0  # the header alone
    report = client.get(f"/readiness/people/{member.pk}/report.pdf")
    assert report.status_code == 200
    assert report.content.startswith(b"%PDF")
