"""The skill model's decay never underflows on PostgreSQL (it raised ``value out of range:
underflow`` on the team gaps, skill-gap API, profile API, org report and practice for short
half-lives and old evidence: H = 1 from 2040, H = 7 from 2060, H = 14 from 2080), and the
database's figures still agree with the Python model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skills import selectors as skills_selectors
from skills import services as skills_services
from skills import skill_model
from skills.models import SkillEvidence, SkillProficiency
from tests import factories


def _belief(pieces, now):
    alpha = beta = 0.0
    for outcome, weight, at in pieces:
        a, b = skill_model.contribution(outcome=outcome, weight=weight, at=at, now=now)
        alpha, beta = alpha + a, beta + b
    return skill_model.belief(alpha, beta)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    half_life=st.integers(min_value=1, max_value=365),
    evidence_year=st.integers(min_value=2025, max_value=2099),
    refresh_after=st.integers(min_value=0, max_value=40 * 365),
    read_after=st.integers(min_value=0, max_value=40 * 365),
    outcome=st.sampled_from([0.0, 0.25, 1.0]),
    weight=st.sampled_from([0.05, 1.0, 3.0]),
)
def test_old_evidence_decays_to_nothing_without_an_error(
    postgres, half_life, evidence_year, refresh_after, read_after, outcome, weight
):
    SkillEvidence.objects.all().delete()
    SkillProficiency.objects.all().delete()
    with settings_override(half_life):
        user = factories.UserFactory.create()
        skill = factories.SkillFactory.create()
        at = datetime(evidence_year, 3, 1, 12, tzinfo=UTC)
        refreshed = min(at + timedelta(days=refresh_after), datetime(2100, 1, 1, tzinfo=UTC))
        read = min(refreshed + timedelta(days=read_after), datetime(2100, 12, 31, tzinfo=UTC))
        SkillEvidence.objects.bulk_create(
            [
                skills_services.evidence_row(
                    user_id=user.pk,
                    skill_id=skill.pk,
                    outcome=outcome,
                    weight=weight,
                    at=at,
                    source=SkillEvidence.Source.ANSWER,
                    source_id=1,
                )
            ]
        )
        skills_services.profiles_refresh(user_ids=[user.pk], now=refreshed)
        row = (
            skills_selectors.decayed(SkillProficiency.objects.filter(user=user), read)
            .values("alpha_now", "beta_now", "level_now")
            .get()
        )
        expected = _belief([(outcome, weight, at)], read)
        assert row["level_now"] == pytest.approx(expected.level, abs=1e-12)
        assert row["alpha_now"] == pytest.approx(expected.alpha, abs=1e-12)
        assert row["beta_now"] == pytest.approx(expected.beta, abs=1e-12)
        assert row["alpha_now"] >= 0.0
        assert row["beta_now"] >= 0.0


class settings_override:
    """``SKILL_HALF_LIFE_DAYS`` for one hypothesis example (the ``settings`` fixture is
    function-scoped and would not reset between examples)."""

    def __init__(self, half_life: int) -> None:
        from django.test import override_settings

        self._override = override_settings(SKILL_HALF_LIFE_DAYS=half_life)

    def __enter__(self) -> None:
        self._override.enable()

    def __exit__(self, *exc: object) -> None:
        self._override.disable()


@pytest.mark.django_db
@pytest.mark.parametrize(("half_life", "year"), [(1, 2040), (7, 2060), (14, 2080)])
def test_the_reported_cases_read_on_every_surface(postgres, member, half_life, year, settings):
    """The cases the independent check found: only old evidence, refreshed late, read later."""
    settings.SKILL_HALF_LIFE_DAYS = half_life
    skill = factories.SkillFactory.create()
    at = datetime(2026, 1, 5, tzinfo=UTC)
    SkillEvidence.objects.bulk_create(
        [
            skills_services.evidence_row(
                user_id=member.pk,
                skill_id=skill.pk,
                outcome=1.0,
                weight=1.0,
                at=at,
                source=SkillEvidence.Source.ANSWER,
                source_id=7,
            )
        ]
    )
    refreshed = datetime(year, 1, 1, tzinfo=UTC)
    skills_services.profiles_refresh(user_ids=[member.pk], now=refreshed)
    read = refreshed + timedelta(days=400)
    row = skills_selectors.decayed(SkillProficiency.objects.filter(user=member), read).get()
    assert getattr(row, "level_now") == pytest.approx(0.5, abs=1e-12)  # noqa: B009 (annotated)
    report = skills_selectors.org_skill_report(people=[member], now=read)
    assert report.rows  # the report's SQL reads the same decayed values without an error
