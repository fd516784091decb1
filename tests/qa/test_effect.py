""" "Is it working?": trained agents against agents who crossed the same rules but were not
trained, per (assignment, agent), with windows anchored at the firing, a bootstrap interval,
and a minimum below which the page says "not enough data yet"."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from courses.models import Assignment
from notifications.models import Notification
from qa import selectors as qa_selectors
from qa import services as qa_services
from qa.models import QAFinding, RuleFiring, TrainingRule, TrainingSuggestion
from skills.models import Skill
from tests import factories

pytestmark = pytest.mark.django_db

WEEKS = 30 / 7


def rule(catalogue, **fields):
    defaults = {
        "name": "Escalations",
        "skill": catalogue["escalations"],
        "module": catalogue["module"],
        "threshold": 3,
        "window_days": 30,
        "cooldown_days": 30,
        "due_days": 7,
        "mode": "auto",
    }
    return TrainingRule.objects.create(**{**defaults, **fields})


def agent(team, name):
    user = factories.UserFactory.create(name=name)
    factories.MembershipFactory.create(user=user, team=team)
    return user


def findings(who, skill, days_ago, *, now):
    """Findings on ``skill``, ``days_ago`` before ``now`` (bulk: no rules, no evidence)."""
    QAFinding.objects.bulk_create(
        QAFinding(
            agent=who,
            skill=skill,
            interaction_ref=f"T-{who.pk}-{n}-{days}",
            criterion="Escalated in time",
            occurred_at=now - timedelta(days=days),
        )
        for n, days in enumerate(days_ago)
    )


def trained(who, r, *, fired, completed, now, assignment=None):
    """``r`` fired ``fired`` days ago and the training was completed ``completed`` days ago."""
    assignment = assignment or Assignment.objects.create(
        user=who,
        kind=Assignment.Kind.MODULE,
        module=r.module,
        source=Assignment.Source.QA_RULE,
        status=Assignment.Status.COMPLETED,
        completed_at=now - timedelta(days=completed),
    )
    return RuleFiring.objects.create(
        rule=r,
        agent=who,
        skill=r.skill,
        fired_at=now - timedelta(days=fired),
        finding_count=3,
        assignment=assignment,
    )


def dismissed(who, r, *, fired, now):
    suggestion = TrainingSuggestion.objects.create(
        rule=r,
        agent=who,
        module=r.module,
        reason="3 QA findings",
        status=TrainingSuggestion.Status.DISMISSED,
        decided_at=now - timedelta(days=fired - 1),
    )
    return RuleFiring.objects.create(
        rule=r,
        agent=who,
        skill=r.skill,
        fired_at=now - timedelta(days=fired),
        finding_count=3,
        suggestion=suggestion,
    )


def held_out(who, r, *, fired, now):
    return RuleFiring.objects.create(
        rule=r,
        agent=who,
        skill=r.skill,
        fired_at=now - timedelta(days=fired),
        finding_count=3,
        held_out_until=now - timedelta(days=fired - 30),
    )


def effect_for(lead, team, skill, now=None):
    report = qa_selectors.training_effect(lead=lead, team_id=team.pk, now=now)
    [row] = [r for r in report.rows if r.skill == skill]
    return row


def text_of(response):
    """The page's text, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


# --- 1. regression to the mean: compared with agents who were not trained ---------------------


def test_a_spike_that_falls_back_on_its_own_shows_no_clear_difference(
    client, lead, team, catalogue
):
    # given six trained agents and six whose suggestion was dismissed, with the same story:
    # three findings just before the rule fired, then one in the 30 days after
    now = timezone.now()
    skill = catalogue["escalations"]
    r = rule(catalogue, mode="suggest")
    for n in range(6):
        who = agent(team, f"Trained {n}")
        trained(who, r, fired=80, completed=70, now=now)
        findings(who, skill, [85, 83, 81, 60], now=now)
    for n in range(6):
        who = agent(team, f"Dismissed {n}")
        dismissed(who, r, fired=80, now=now)
        findings(who, skill, [85, 83, 81, 60], now=now)  # after window: 70 to 40 days ago
    client.force_login(lead)

    page = text_of(client.get(f"/teams/{team.pk}/skills/"))

    # then the trained agents' drop from 0.70 to 0.23 is no better than the others'
    assert "6 trained agents 6 trainings 0.70 0.23" in page
    assert "6 agents not trained 0 episodes held out, 6 episodes dismissed 0.70 0.23" in page
    assert "Difference: 0.00 findings per agent-week (95% interval 0.00 to 0.00)" in page
    assert "no clear difference" in page
    assert "fewer" not in page


def test_training_that_halves_findings_shows_fewer(client, lead, team, catalogue):
    now = timezone.now()
    skill = catalogue["escalations"]
    r = rule(catalogue, mode="suggest")
    for n in range(8):
        who = agent(team, f"Trained {n}")
        trained(who, r, fired=80, completed=70, now=now)
        findings(who, skill, [85, 83, 81, *[60, 50][: n % 2]], now=now)
    for n in range(8):
        who = agent(team, f"Dismissed {n}")
        dismissed(who, r, fired=80, now=now)
        findings(who, skill, [85, 83, 81, 65, 55, *[50, 45][: n % 3]], now=now)
    client.force_login(lead)

    effect = effect_for(lead, team, skill)
    page = text_of(client.get(f"/teams/{team.pk}/skills/"))

    assert effect.estimate.verdict == "fewer"
    assert effect.estimate.high < 0
    assert "fewer" in page
    assert "no clear difference" not in page


def test_the_comparison_after_window_starts_after_the_median_open_period(lead, team, catalogue):
    # trained agents were 4, 10 and 20 days in training: the comparison's after window starts
    # 10 days after its firing
    now = timezone.now()
    skill = catalogue["escalations"]
    r = rule(catalogue, mode="suggest")
    for n, open_days in enumerate((4, 10, 20)):
        trained(agent(team, f"T{n}"), r, fired=100, completed=100 - open_days, now=now)
    other = agent(team, "Not trained")
    dismissed(other, r, fired=100, now=now)
    # 95 days ago: during the gap (not counted); 85 and 61 days ago: after; 59: too late
    findings(other, skill, [120, 95, 85, 61, 59], now=now)

    effect = effect_for(lead, team, skill, now=now)

    assert effect.gap_days == 10.0
    assert (effect.comparison.agents, effect.comparison.windows) == (1, 1)
    assert effect.comparison.before == round(1 / WEEKS, 2)
    assert effect.comparison.after == round(2 / WEEKS, 2)


def test_who_is_in_the_comparison_group(lead, team, catalogue):
    now = timezone.now()
    r = rule(catalogue, mode="suggest")
    trained(agent(team, "Trained"), r, fired=80, completed=70, now=now)
    dismissed(agent(team, "Dismissed"), r, fired=80, now=now)
    held_out(agent(team, "Held out"), r, fired=80, now=now)
    # a suggestion still waiting, and one accepted whose training is still open: neither
    waiting = agent(team, "Waiting")
    RuleFiring.objects.create(
        rule=r,
        agent=waiting,
        skill=r.skill,
        fired_at=now - timedelta(days=80),
        finding_count=3,
        suggestion=TrainingSuggestion.objects.create(
            rule=r, agent=waiting, module=r.module, reason="r"
        ),
    )
    still_open = agent(team, "Still open")
    RuleFiring.objects.create(
        rule=r,
        agent=still_open,
        skill=r.skill,
        fired_at=now - timedelta(days=80),
        finding_count=3,
        assignment=Assignment.objects.create(
            user=still_open, kind="module", module=r.module, source="qa_rule"
        ),
    )
    # dismissed by one rule, trained by another at the same time: trained, not comparison
    both = agent(team, "Both")
    dismissed(both, r, fired=80, now=now)
    trained(both, rule(catalogue, name="Other"), fired=79, completed=70, now=now)
    # dismissed twice within 30 days: one spike, counted once
    twice = agent(team, "Twice")
    dismissed(twice, r, fired=80, now=now)
    dismissed(twice, rule(catalogue, name="Second"), fired=75, now=now)

    effect = effect_for(lead, team, catalogue["escalations"], now=now)

    assert (effect.trained.agents, effect.trained.windows) == (2, 2)
    assert (effect.comparison.agents, effect.comparison.windows) == (3, 3)
    assert (effect.held_out, effect.dismissed, effect.randomized) == (1, 2, False)


def test_with_enough_held_out_agents_only_the_randomized_hold_out_is_the_comparison(
    lead, team, catalogue
):
    now = timezone.now()
    r = rule(catalogue)
    for n in range(5):
        trained(agent(team, f"T{n}"), r, fired=80, completed=70, now=now)
        held_out(agent(team, f"H{n}"), r, fired=80, now=now)
    dismissed(agent(team, "Dismissed"), r, fired=80, now=now)

    effect = effect_for(lead, team, catalogue["escalations"], now=now)

    assert (effect.held_out, effect.dismissed, effect.randomized) == (5, 0, True)
    assert effect.comparison.agents == 5


# --- 2. one training counts once --------------------------------------------------------------


def test_a_training_fired_by_a_skill_rule_and_a_criterion_rule_counts_once(
    lead, member, team, catalogue, django_capture_on_commit_callbacks
):
    # given a skill rule and a criterion rule on the same module, both met by three findings
    rule(catalogue, name="Skill rule")
    rule(catalogue, name="Criterion rule", skill=None, criterion="Escalated in time")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            qa_services.finding_record(
                reviewer=lead,
                agent=member,
                interaction_ref=f"TCK-{n}",
                criterion="Escalated in time",
                skill=catalogue["escalations"],
            )
    firings = RuleFiring.objects.all()
    assert firings.count() == 2
    assert len({f.assignment_id for f in firings}) == 1
    # the training was completed 40 days ago (backdated)
    now = timezone.now()
    firings.update(fired_at=now - timedelta(days=50))
    QAFinding.objects.update(occurred_at=now - timedelta(days=55))
    Assignment.objects.update(status="completed", completed_at=now - timedelta(days=40))

    effect = effect_for(lead, team, catalogue["escalations"])

    assert (effect.trained.agents, effect.trainings) == (1, 1)
    assert effect.trained.before == round(3 / WEEKS, 2)


# --- 3. the before window ends at the firing; the open period counts for neither -------------


def test_findings_while_the_training_is_open_do_not_count_as_before(lead, team, catalogue):
    now = timezone.now()
    skill = catalogue["escalations"]
    who = agent(team, "Agent")
    trained(who, rule(catalogue), fired=100, completed=50, now=now)
    # before: 110 and 105 days ago; open (fired … completed): 75, 60, 55; after: 40
    findings(who, skill, [110, 105, 75, 60, 55, 40], now=now)

    effect = effect_for(lead, team, skill, now=now)

    assert effect.trained.before == round(2 / WEEKS, 2) == 0.47
    assert effect.trained.after == round(1 / WEEKS, 2) == 0.23


def test_training_completed_less_than_30_days_ago_is_not_counted_yet(lead, team, catalogue):
    now = timezone.now()
    trained(agent(team, "Agent"), rule(catalogue), fired=40, completed=29, now=now)

    assert qa_selectors.training_effect(lead=lead, team_id=team.pk, now=now).rows == []


# --- 4. agents behind every figure, and a minimum -------------------------------------------


def test_one_agent_is_not_enough_data(client, lead, team, catalogue):
    # one agent, one finding before and none after
    now = timezone.now()
    who = agent(team, "Agent")
    trained(who, rule(catalogue), fired=50, completed=40, now=now)
    findings(who, catalogue["escalations"], [55], now=now)
    client.force_login(lead)

    page = text_of(client.get(f"/teams/{team.pk}/skills/"))

    assert "1 trained agent 1 training 0.23 0.00" in page
    assert "0 agents not trained" in page
    assert "not enough data yet" in page
    assert "It needs at least 5 trained agents and 5 agents not trained." in page
    assert "fewer" not in page
    assert "findings per agent-week (" not in page


@pytest.mark.parametrize(
    ("trained_agents", "comparison_agents", "enough"),
    [(4, 9, False), (9, 4, False), (5, 5, True)],
    ids=["4-trained", "4-comparison", "5-each"],
)
def test_the_estimate_needs_five_agents_in_each_group(trained_agents, comparison_agents, enough):
    estimate = qa_selectors.effect_estimate(
        trained=[qa_selectors.Counts(3, 1)] * trained_agents,
        comparison=[qa_selectors.Counts(3, 0)] * comparison_agents,
    )

    assert estimate.enough is enough
    assert estimate.verdict == ("more" if enough else "not_enough")


def test_the_interval_is_the_same_on_every_request():
    rng = random.Random(7)
    trained_ = [qa_selectors.Counts(rng.randint(2, 5), rng.randint(0, 3)) for _ in range(30)]
    comparison = [qa_selectors.Counts(rng.randint(2, 5), rng.randint(0, 3)) for _ in range(30)]

    first = qa_selectors.effect_estimate(trained=trained_, comparison=comparison, seed="2024:1")
    again = qa_selectors.effect_estimate(trained=trained_, comparison=comparison, seed="2024:1")

    assert first == again
    assert first.low < first.difference < first.high


def test_the_bootstrap_work_is_capped():
    estimate = qa_selectors.effect_estimate(
        trained=[qa_selectors.Counts(3, 1)] * 300, comparison=[qa_selectors.Counts(3, 1)] * 300
    )

    assert estimate.resamples == 200_000 // 600  # at most 200,000 agents drawn


# --- 5. simulation: no effect → the interval covers zero; halving → "fewer" -------------------


START = datetime(2025, 1, 1, tzinfo=UTC)


def poisson_times(rng: random.Random, per_day: float, start: float, end: float) -> list[float]:
    """Times (in days) of a Poisson process with ``per_day`` events a day in [start, end)."""
    times: list[float] = []
    t = start
    while True:
        t += rng.expovariate(per_day)
        if t >= end:
            return times
        times.append(t)


def simulate(seed, *, effect, agents=260, per_week=0.25, threshold=3, window=30, days=300):
    """Agents with findings at a constant rate (a Poisson process); a rule fires at the first
    time ``threshold`` findings fall within ``window`` days; half, at random, are trained
    (2 to 14 days to complete), after which their rate is multiplied by ``effect``; the others
    are held out. Returns the episodes, the findings and ``now`` for effects_from_episodes,
    and the naive figures of the old method (30 days before vs after completion)."""
    rng = random.Random(seed)
    rate = per_week / 7
    episodes, found, naive = [], {}, [0, 0, 0]
    for agent_id in range(1, agents + 1):
        times = poisson_times(rng, rate, 0, days)
        fired = next(
            (
                times[i] + 0.001  # rules run just after the finding that crosses the threshold
                for i in range(threshold - 1, len(times))
                if times[i] - times[i - threshold + 1] <= window
            ),
            None,
        )
        if fired is None or not window <= fired <= days - 2 * window - 15:
            continue  # never crossed, or crossed outside the observed period
        before = [t for t in times if t < fired]
        if rng.random() < 0.5:
            completed = fired + rng.uniform(2, 14)
            after = poisson_times(rng, rate, fired, completed)
            after += poisson_times(rng, rate * effect, completed, days)
            episodes.append(
                qa_selectors.Episode(
                    agent_id,
                    1,
                    START + timedelta(days=fired),
                    completed_at=START + timedelta(days=completed),
                )
            )
            naive[0] += 1
            naive[1] += sum(1 for t in before + after if completed - window <= t < completed)
            naive[2] += sum(1 for t in after if completed <= t < completed + window)
        else:
            after = poisson_times(rng, rate, fired, days)
            episodes.append(
                qa_selectors.Episode(agent_id, 1, START + timedelta(days=fired), held_out=True)
            )
        found[(agent_id, 1)] = [START + timedelta(days=t) for t in before + after]
    now = START + timedelta(days=days)
    naive_before, naive_after = (naive[1] / naive[0] / WEEKS, naive[2] / naive[0] / WEEKS)
    return episodes, found, now, (naive_before, naive_after)


def test_simulation_with_no_effect_the_interval_covers_zero():
    covered, naive = 0, []
    for seed in range(20):
        episodes, found, now, old_method = simulate(seed, effect=1.0)
        [effect] = qa_selectors.effects_from_episodes(episodes=episodes, findings=found, now=now)
        assert effect.trained.agents >= 40
        assert effect.comparison.agents >= 40
        covered += effect.estimate.low <= 0 <= effect.estimate.high
        naive.append(old_method)

    assert covered >= 18  # a 95% interval: at least 90% of the runs
    # while the old method showed a drop every time (regression to the mean)
    assert all(before > 2 * after for before, after in naive)


def test_simulation_with_training_that_halves_findings_shows_fewer():
    fewer = 0
    for seed in range(20):
        episodes, found, now, _old = simulate(100 + seed, effect=0.5)
        [effect] = qa_selectors.effects_from_episodes(episodes=episodes, findings=found, now=now)
        assert effect.estimate.verdict != "more"
        fewer += effect.estimate.verdict == "fewer"

    assert fewer >= 15


# --- the randomized hold-out ------------------------------------------------------------------


def record(lead, member, n, *, days_ago=0):
    return qa_services.finding_record(
        reviewer=lead,
        agent=member,
        interaction_ref=f"TCK-{n}",
        criterion="Escalated in time",
        skill=Skill.objects.get(slug="escalations"),
        occurred_at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.mark.parametrize("mode", ["auto", "suggest"])
def test_a_held_out_firing_assigns_and_suggests_nothing(
    lead, member, catalogue, django_capture_on_commit_callbacks, mode
):
    rule(catalogue, mode=mode, threshold=2, holdout_percent=100, holdout_days=30)
    with django_capture_on_commit_callbacks(execute=True):
        record(lead, member, 1)
        record(lead, member, 2)

    firing = RuleFiring.objects.get()
    assert firing.held_out_until == firing.fired_at + timedelta(days=30)
    assert (firing.assignment, firing.suggestion) == (None, None)
    assert not Assignment.objects.exists()
    assert not TrainingSuggestion.objects.exists()
    assert not Notification.objects.exists()


def test_a_held_out_agent_is_not_fired_again_until_the_hold_out_ends(lead, member, catalogue):
    r = rule(catalogue, threshold=2, cooldown_days=5, holdout_percent=100, holdout_days=30)
    record(lead, member, 1)
    record(lead, member, 2)
    assert qa_services.rules_evaluate(agent_id=member.pk) == 1

    later = timezone.now() + timedelta(days=10)  # past the cooldown, inside the hold-out
    assert qa_services.rules_evaluate(agent_id=member.pk, now=later) == 0
    TrainingRule.objects.filter(pk=r.pk).update(holdout_percent=0)
    after = timezone.now() + timedelta(days=31)
    assert qa_services.rules_evaluate(agent_id=member.pk, now=after) == 1
    assert RuleFiring.objects.filter(assignment__isnull=False).count() == 1


def test_without_a_hold_out_every_firing_trains(
    lead, member, catalogue, django_capture_on_commit_callbacks
):
    rule(catalogue, threshold=2)  # holdout_percent defaults to 0
    with django_capture_on_commit_callbacks(execute=True):
        record(lead, member, 1)
        record(lead, member, 2)

    firing = RuleFiring.objects.get()
    assert firing.held_out_until is None
    assert firing.assignment is not None


def test_the_hold_out_percent_is_at_most_100(catalogue):
    with pytest.raises(IntegrityError):
        rule(catalogue, holdout_percent=101)


def test_the_lead_sees_who_is_held_out(client, lead, member, team, catalogue):
    r = rule(catalogue, name="Escalations rule", holdout_percent=100)
    RuleFiring.objects.create(
        rule=r,
        agent=member,
        skill=r.skill,
        fired_at=timezone.now(),
        finding_count=3,
        held_out_until=timezone.now() + timedelta(days=30),
    )
    client.force_login(lead)

    page = text_of(client.get(f"/teams/{team.pk}/skills/"))

    assert f"Held out now {member.name} : Escalations rule held out" in page


# --- 6. a fixed number of queries -------------------------------------------------------------


def test_training_effect_queries_do_not_grow(lead, team, catalogue, assert_queries):
    now = timezone.now()
    skill = catalogue["escalations"]
    r = rule(catalogue, mode="suggest")

    def grow(n):
        for i in range(n):
            who = agent(team, f"T{i}")
            trained(who, r, fired=80, completed=70, now=now)
            findings(who, skill, [85, 83, 81, 60], now=now)
            other = agent(team, f"D{i}")
            dismissed(other, r, fired=80, now=now)
            findings(other, skill, [85, 83, 81], now=now)

    grow(1)
    with assert_queries(3):
        report = qa_selectors.training_effect(lead=lead, team_id=team.pk)
    assert report.rows[0].trained.agents == 1
    grow(20)
    with assert_queries(3):
        report = qa_selectors.training_effect(lead=lead, team_id=team.pk)
    assert report.rows[0].trained.agents == 21
