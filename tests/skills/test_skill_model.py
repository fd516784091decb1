"""The Beta belief with decay, against hand-computed values, and rebuild = incremental."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from skills import services as skills_services
from skills import skill_model as skills_skill_model
from skills.models import SkillEvidence, SkillProficiency
from tests import factories

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_no_evidence_is_the_prior():
    belief = skills_skill_model.belief(0, 0, now=NOW)
    assert (belief.level, belief.confidence, belief.evidence, belief.enough) == (
        0.5,
        0.0,
        0.0,
        False,
    )


def test_one_right_answer_today():
    a, b = skills_skill_model.parts(outcome=1.0, weight=1.0, at=NOW)
    belief = skills_skill_model.belief(a, b, now=NOW)
    # Beta(1 + 1, 1 + 0): level 2/3; evidence 1; confidence 1/(1 + 4)
    assert belief.level == pytest.approx(2 / 3, abs=1e-9)
    assert belief.evidence == pytest.approx(1.0, abs=1e-9)
    assert belief.confidence == pytest.approx(0.2, abs=1e-9)


def test_evidence_halves_every_half_life():
    a, b = skills_skill_model.parts(outcome=1.0, weight=2.0, at=NOW - timedelta(days=90))
    belief = skills_skill_model.belief(a, b, now=NOW)
    assert belief.alpha == pytest.approx(1.0, abs=1e-9)  # 2 × ½
    a2, b2 = skills_skill_model.parts(outcome=1.0, weight=2.0, at=NOW - timedelta(days=180))
    assert skills_skill_model.belief(a2, b2, now=NOW).alpha == pytest.approx(0.5, abs=1e-9)  # 2 × ¼


def test_a_mix_by_hand():
    # a right answer today (w 1), a half-right answer 90 days ago (w 1),
    # a high-severity QA finding (w 2) 45 days ago: against the skill.
    parts = [
        skills_skill_model.parts(outcome=1.0, weight=1.0, at=NOW),
        skills_skill_model.parts(outcome=0.5, weight=1.0, at=NOW - timedelta(days=90)),
        skills_skill_model.parts(outcome=0.0, weight=2.0, at=NOW - timedelta(days=45)),
    ]
    a = sum(p[0] for p in parts)
    b = sum(p[1] for p in parts)
    belief = skills_skill_model.belief(a, b, now=NOW)
    half_45 = 0.5**0.5
    alpha = 1.0 + 0.5 * 0.5
    beta = 0.5 * 0.5 + 2.0 * half_45
    assert belief.alpha == pytest.approx(alpha, abs=1e-8)
    assert belief.beta == pytest.approx(beta, abs=1e-8)
    assert belief.level == pytest.approx((1 + alpha) / (2 + alpha + beta), abs=1e-8)
    assert belief.enough  # 1.25 + 1.66 ≥ 2


def test_parts_are_exact_decimals_so_sums_do_not_depend_on_order():
    values = [
        skills_skill_model.parts(outcome=o / 7, weight=1.3, at=NOW - timedelta(days=d))
        for o, d in zip(range(8), range(0, 400, 50), strict=True)
    ]
    forwards = sum((v[0] for v in values), Decimal(0))
    backwards = sum((v[0] for v in reversed(values)), Decimal(0))
    assert forwards == backwards
    assert all(v[0].as_tuple().exponent == -9 for v in values)


@pytest.mark.django_db
def test_rebuilding_gives_exactly_what_incremental_updates_gave(
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
                [
                    skills_services.evidence_row(
                        user_id=user.pk,
                        skill_id=skill.pk,
                        outcome=outcome,
                        weight=weight,
                        at=NOW - timedelta(days=day * 17),
                        source="answer",
                        source_id=day,
                    )
                ]
            )
    incremental = sorted(
        SkillProficiency.objects.values_list(
            "user_id", "skill_id", "alpha", "beta", "evidence_count"
        )
    )
    assert len(incremental) == 3
    skills_services.profiles_rebuild()
    rebuilt = sorted(
        SkillProficiency.objects.values_list(
            "user_id", "skill_id", "alpha", "beta", "evidence_count"
        )
    )
    assert rebuilt == incremental
    # and the projection equals a fresh sum of the evidence
    row = SkillProficiency.objects.get(user=member, skill=a)
    parts = SkillEvidence.objects.filter(user=member, skill=a).values_list(
        "alpha_part", "beta_part"
    )
    assert row.alpha == sum((p[0] for p in parts), Decimal(0))
    assert row.beta == sum((p[1] for p in parts), Decimal(0))


@pytest.mark.django_db
def test_the_rebuild_command(member, skill_factory):
    from io import StringIO

    from django.core.management import call_command

    skill = skill_factory(slug="quality")
    SkillEvidence.objects.create(
        user=member,
        skill=skill,
        outcome=1,
        weight=1,
        alpha_part=Decimal("5.5"),
        beta_part=0,
        source="answer",
        source_id=1,
        occurred_at=NOW,
    )
    out = StringIO()
    call_command("rebuild_skill_profiles", stdout=out)
    assert "Rebuilt 1 skill profile rows" in out.getvalue()
    assert SkillProficiency.objects.get().alpha == Decimal("5.5")


def test_fresh_evidence_counts_in_full_for_the_threshold():
    a, b = skills_skill_model.parts(outcome=0.0, weight=2.0, at=NOW - timedelta(seconds=30))
    assert skills_skill_model.belief(a, b, now=NOW).enough
