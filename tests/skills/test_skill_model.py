"""The Beta belief with decay: hand-computed values, no overflow for any half-life or date,
rebuild = incremental, a half-life change followed by a rebuild, and one rule for "enough
evidence" and gaps everywhere."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Membership
from skills import selectors as skills_selectors
from skills import services as skills_services
from skills import skill_model
from skills.models import LearnerProfile, RoleProfile, SkillEvidence, SkillProficiency, SkillTarget
from tests import factories

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def belief_of(*pieces, now=NOW):
    """The belief from (outcome, weight, at) pieces, computed in Python."""
    a = b = 0.0
    for outcome, weight, at in pieces:
        da, db = skill_model.contribution(outcome=outcome, weight=weight, at=at, now=now)
        a, b = a + da, b + db
    return skill_model.belief(a, b)


def test_no_evidence_is_the_prior():
    belief = skill_model.belief(0, 0)
    assert (belief.level, belief.confidence, belief.evidence, belief.enough) == (
        0.5,
        0.0,
        0.0,
        False,
    )


def test_one_right_answer_today():
    belief = belief_of((1.0, 1.0, NOW))
    # Beta(1 + 1, 1 + 0): level 2/3; evidence 1; confidence 1/(1 + 4)
    assert belief.level == pytest.approx(2 / 3, abs=1e-12)
    assert belief.evidence == pytest.approx(1.0, abs=1e-12)
    assert belief.confidence == pytest.approx(0.2, abs=1e-12)


def test_evidence_halves_every_half_life():
    assert belief_of((1.0, 2.0, NOW - timedelta(days=90))).alpha == pytest.approx(1.0)  # 2 × ½
    assert belief_of((1.0, 2.0, NOW - timedelta(days=180))).alpha == pytest.approx(0.5)  # 2 × ¼


def test_a_mix_by_hand():
    # a right answer today (w 1), a half-right answer 90 days ago (w 1),
    # a high-severity QA finding (w 2) 45 days ago: against the skill.
    belief = belief_of(
        (1.0, 1.0, NOW),
        (0.5, 1.0, NOW - timedelta(days=90)),
        (0.0, 2.0, NOW - timedelta(days=45)),
    )
    alpha = 1.0 + 0.5 * 0.5
    beta = 0.5 * 0.5 + 2.0 * 0.5**0.5
    assert belief.alpha == pytest.approx(alpha, abs=1e-12)
    assert belief.beta == pytest.approx(beta, abs=1e-12)
    assert belief.level == pytest.approx((1 + alpha) / (2 + alpha + beta), abs=1e-12)
    assert belief.enough  # 1.25 + 1.66 ≥ 2


def record(user, skill, outcome, weight, at, n):
    return skills_services.evidence_row(
        user_id=user.pk,
        skill_id=skill.pk,
        outcome=outcome,
        weight=weight,
        at=at,
        source="answer",
        source_id=n,
    )


def cell_of(user, skill, now):
    user = type(user).objects.select_related("learner_profile__role_profile").get(pk=user.pk)
    [cell] = skills_selectors._cells(users=[user], skills=[skill], now=now)[user.pk]
    return cell


@pytest.mark.django_db
@pytest.mark.parametrize("half_life", [1, 7, 14, 90, 365])
@pytest.mark.parametrize("year", [2026, 2040, 2099])
def test_evidence_is_recorded_and_read_for_any_half_life_and_date(
    member, skill_factory, settings, half_life, year
):
    """Was: parts growing as 2^(t/H) overflowed numeric(24,9) (today with H = 14)."""
    settings.SKILL_HALF_LIFE_DAYS = half_life
    skill = skill_factory(slug="escalations")
    now = datetime(year, 6, 1, 12, tzinfo=UTC)
    pieces = [(0.0, 3.0, now - timedelta(days=10)), (1.0, 1.0, now - timedelta(hours=1))]
    pieces.append((1.0, 2.0, now - timedelta(days=40 * 365)))  # very old: counts as nothing
    SkillEvidence.objects.bulk_create(
        [record(member, skill, o, w, at, n) for n, (o, w, at) in enumerate(pieces)]
    )
    skills_services.profiles_refresh(user_ids=[member.pk], now=now)
    expected = belief_of(*pieces, now=now)
    cell = cell_of(member, skill, now)
    assert cell.level == pytest.approx(expected.level, rel=1e-12)
    assert cell.evidence == pytest.approx(expected.evidence, rel=1e-12)
    # and read again a year later, without a refresh in between
    later = now + timedelta(days=365)
    assert cell_of(member, skill, later).level == pytest.approx(
        belief_of(*pieces, now=later).level, rel=1e-12
    )


@pytest.mark.django_db
def test_rebuilding_gives_what_incremental_updates_gave(
    member, lead, skill_factory, django_capture_on_commit_callbacks
):
    a, b = skill_factory(slug="coaching"), skill_factory(slug="escalations")
    other = factories.UserFactory.create()
    # evidence arrives piece by piece; the projection is refreshed after each (as in Celery)
    for day, (user, skill, outcome, weight) in enumerate(
        [
            (member, a, 1.0, 1.0),
            (member, a, 0.0, 2.0),
            (member, b, 0.75, 1.0),
            (other, a, 1 / 3, 1.5),
            (member, a, 0.2, 0.5),
        ]
    ):
        with django_capture_on_commit_callbacks(execute=True):
            skills_services.evidence_add(
                [record(user, skill, outcome, weight, NOW - timedelta(days=day * 17), day)]
            )
    read_at = NOW + timedelta(days=3)
    users = [member, other]
    incremental = {
        (c.skill.slug, u.pk): (c.level, c.evidence)
        for u in users
        for c in (cell_of(u, a, read_at), cell_of(u, b, read_at))
    }
    assert SkillProficiency.objects.count() == 3
    skills_services.profiles_rebuild()
    for u in users:
        for skill in (a, b):
            level, evidence = incremental[(skill.slug, u.pk)]
            cell = cell_of(u, skill, read_at)
            assert cell.level == pytest.approx(level, rel=1e-12)
            assert cell.evidence == pytest.approx(evidence, rel=1e-12)


@pytest.mark.django_db
def test_changing_the_half_life_and_rebuilding_recomputes_from_the_raw_evidence(
    member, skill_factory, settings
):
    """Was: the rebuild re-summed stored parts that carried the old half-life (after 90 → 30
    every level showed 0.5000 with evidence 0.0000)."""
    skill = skill_factory(slug="coaching")
    now = datetime(2026, 11, 26, 9, tzinfo=UTC)
    pieces = [(1.0, 1.0, now - timedelta(days=5)), (1.0, 1.0, now - timedelta(days=60))]
    SkillEvidence.objects.bulk_create(
        [record(member, skill, o, w, at, n) for n, (o, w, at) in enumerate(pieces)]
    )
    skills_services.profiles_refresh(user_ids=[member.pk], now=now)
    for half_life in (30, 180):
        settings.SKILL_HALF_LIFE_DAYS = half_life
        skills_services.profiles_rebuild(now=now)
        # by hand: α = ½^(5/H) + ½^(60/H), β = 0
        alpha = 0.5 ** (5 / half_life) + 0.5 ** (60 / half_life)
        cell = cell_of(member, skill, now)
        assert cell.evidence == pytest.approx(alpha, rel=1e-12)
        assert cell.level == pytest.approx((1 + alpha) / (2 + alpha), rel=1e-12)


@pytest.mark.django_db
def test_the_rebuild_command(member, skill_factory):
    skill = skill_factory(slug="quality")
    SkillEvidence.objects.create(
        user=member,
        skill=skill,
        outcome=1,
        weight=5.5,
        source="answer",
        source_id=1,
        occurred_at=NOW,
        occurred_day=skill_model.day_number(NOW),
    )
    out = StringIO()
    call_command("rebuild_skill_profiles", stdout=out)
    assert "Rebuilt 1 skill profile rows" in out.getvalue()
    row = SkillProficiency.objects.get()
    assert (row.alpha, row.beta) == (
        pytest.approx(5.5 * skill_model.decay(row.anchor_day - skill_model.day_number(NOW))),
        0.0,
    )


def test_fresh_evidence_counts_in_full_for_the_threshold():
    """Two units recorded 10 minutes ago come to 1.99989: what shows as 2.00 counts as 2."""
    assert belief_of((0.0, 2.0, NOW - timedelta(minutes=10))).enough
    assert not belief_of((0.0, 2.0, NOW - timedelta(days=2))).enough  # 1.97: not enough


def test_the_likely_interval_is_the_betas_own():
    # Beta(2, 1) (one right answer, no decay): F(x) = x², so the 2.5% and 97.5% points are
    # √0.025 and √0.975; Beta(1, 1) (no evidence) is uniform.
    [(low, high), (u_low, u_high)] = skill_model.credible_intervals([(1.0, 0.0), (0.0, 0.0)])
    assert (low, high) == (pytest.approx(0.025**0.5, rel=1e-12), pytest.approx(0.975**0.5))
    assert (u_low, u_high) == (pytest.approx(0.025), pytest.approx(0.975))
    # more evidence, a narrower interval around the level
    [(a_low, a_high), (b_low, b_high)] = skill_model.credible_intervals([(3, 2), (30, 20)])
    assert a_low < b_low < 4 / 7 < 31 / 52 < b_high < a_high


@pytest.mark.parametrize(
    ("level", "likely_high", "target", "category"),
    [
        (0.6996, 0.80, 0.70, "near"),  # was "gap 0.00" in the small-gap colour, "on target"
        (0.697, 0.80, 0.70, "near"),  # was a red "gap 0.00" badge on the profile
        (0.70, 0.80, 0.70, "met"),
        (0.71, 0.80, 0.70, "met"),
        (0.50, 0.75, 0.70, "near"),  # a big gap that the evidence can't confirm yet
        (0.50, 0.69, 0.70, "gap"),  # the whole likely interval is below the target
        (0.50, 0.69, None, "neutral"),
    ],
)
def test_gaps_are_decided_on_unrounded_values_and_the_interval(
    level, likely_high, target, category
):
    decide = skill_model.gap_category
    assert decide(enough=True, level=level, likely_high=likely_high, target=target) == category
    assert decide(enough=False, level=level, likely_high=likely_high, target=target) == "unknown"


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    people=st.lists(
        st.lists(
            st.tuples(
                st.sampled_from([0.0, 0.5, 1.0]),
                st.sampled_from([0.5, 1.0, 2.0, 3.0]),
                st.integers(min_value=0, max_value=200 * 24 * 60),  # minutes ago
            ),
            max_size=4,
        ),
        min_size=1,
        max_size=6,
    ),
    target=st.sampled_from([0.3, 0.5, 0.6, 0.7]),
)
def test_heatmap_profile_api_and_org_report_agree(team, lead, people, target):
    """One rule decides "enough evidence" and the gap: the org report's counts (SQL) match
    the cells every page and the API show (Python), on the same numbers."""
    SkillEvidence.objects.all().delete()
    SkillProficiency.objects.all().delete()
    skill = factories.SkillFactory.create()
    profile = RoleProfile.objects.create(slug=f"p{skill.pk}", name="P")
    SkillTarget.objects.create(role_profile=profile, skill=skill, level=target)
    users = []
    for n, pieces in enumerate(people):
        user = factories.UserFactory.create()
        Membership.objects.create(user=user, team=team, role=Membership.Role.MEMBER)
        LearnerProfile.objects.create(user=user, role_profile=profile)
        SkillEvidence.objects.bulk_create(
            [
                record(user, skill, o, w, NOW - timedelta(minutes=m), n * 10 + i)
                for i, (o, w, m) in enumerate(pieces)
            ]
        )
        users.append(user)
    skills_services.profiles_refresh(user_ids=[u.pk for u in users], now=NOW)
    now = NOW + timedelta(hours=1)
    gaps = skills_selectors.team_skill_gaps(lead=lead, team_id=team.pk, now=now)
    cells = [c for _user, _profile, row in gaps.rows for c in row if c.skill == skill]
    api = [
        c["category"]
        for m in gaps.as_dict()["members"]
        for c in m["skills"]
        if c["skill"] == skill.slug
    ]
    report = skills_selectors.org_skill_report(people=[], now=now)
    [summary] = [s for s in report.skills if s["skill"] == skill]
    assert summary["people"] == sum(c.enough for c in cells)
    assert summary["below_target"] == sum(c.category == "gap" for c in cells)
    assert summary["near_target"] == sum(c.category == "near" for c in cells)
    assert sorted(api) == sorted(c.category for c in cells)


@pytest.mark.django_db
def test_the_org_report_counts_active_measured_people_with_enough_evidence_only(skill_factory):
    """Was: one person at 0.25 plus an inactive person with 1 unit gave a mean of 0.458; and
    people measured against no role profile (not in the report's rows) were counted."""
    skill = skill_factory(slug="coaching")
    active, inactive, thin, unmeasured = (factories.UserFactory.create() for _ in range(4))
    inactive.is_active = False
    inactive.save()
    profile = RoleProfile.objects.create(slug="agent", name="Agent")
    for person in (active, inactive, thin):
        LearnerProfile.objects.create(user=person, role_profile=profile)
    rows = [
        record(active, skill, 0.0, 2.0, NOW, 1),  # level 1/4, evidence 2
        record(inactive, skill, 1.0, 3.0, NOW, 2),
        record(thin, skill, 1.0, 1.0, NOW, 3),  # evidence 1: not enough
        record(unmeasured, skill, 1.0, 5.0, NOW, 4),  # no role profile
    ]
    SkillEvidence.objects.bulk_create(rows)
    skills_services.profiles_refresh(
        user_ids=[active.pk, inactive.pk, thin.pk, unmeasured.pk], now=NOW
    )
    report = skills_selectors.org_skill_report(people=[], now=NOW)
    [summary] = [s for s in report.skills if s["skill"] == skill]
    assert (summary["people"], summary["mean_level"]) == (1, 0.25)


@pytest.mark.django_db
def test_the_profile_shows_effective_evidence_not_rows(client, member, skill_factory):
    """Was: "confidence 0.00, 2 pieces of evidence" for weight-0 and fully decayed rows."""
    skill = skill_factory(slug="coaching")
    now = datetime.now(tz=UTC)
    SkillEvidence.objects.bulk_create(
        [
            record(member, skill, 1.0, 0.0, now, 1),  # weight 0
            record(member, skill, 1.0, 1.0, now - timedelta(days=90 * 1200), 2),  # decayed away
        ]
    )
    skills_services.profiles_refresh(user_ids=[member.pk])
    client.force_login(member)
    page = client.get(f"/skills/people/{member.pk}/").content.decode()
    assert "confidence 0.00, evidence 0.00" in page
    assert "(2 pieces)" in page
