"""Training rules: threshold, window, cooldown, auto vs suggest; suggestions accepted once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, NotFound
from courses.models import Assignment
from notifications.models import Notification
from qa import selectors as qa_selectors
from qa import services as qa_services
from qa.models import RuleFiring, TrainingRule, TrainingSuggestion
from qa.tasks import qa_rules_evaluate_task
from skills.models import Skill

pytestmark = pytest.mark.django_db


def rule(catalogue, **fields):
    defaults = {
        "name": "Escalations",
        "skill": catalogue["escalations"],
        "module": catalogue["module"],
        "threshold": 2,
        "window_days": 30,
        "cooldown_days": 30,
        "due_days": 7,
        "mode": "auto",
    }
    return TrainingRule.objects.create(**{**defaults, **fields})


def record(lead, member, n, *, days_ago=0, criterion="Escalated in time", skill="escalations"):
    return qa_services.finding_record(
        reviewer=lead,
        agent=member,
        interaction_ref=f"TCK-{n}",
        criterion=criterion,
        skill=Skill.objects.get(slug=skill),
        severity="medium",
        occurred_at=timezone.now() - timedelta(days=days_ago),
    )


def test_below_the_threshold_nothing_happens(
    lead, member, catalogue, django_capture_on_commit_callbacks
):
    rule(catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        record(lead, member, 1)
    assert not Assignment.objects.exists()
    assert not RuleFiring.objects.exists()


def test_a_single_finding_reads_as_one_finding(
    lead, member, catalogue, django_capture_on_commit_callbacks
):
    rule(catalogue, threshold=1)
    with django_capture_on_commit_callbacks(execute=True):
        record(lead, member, 1)
    assert Assignment.objects.get().reason == "1 QA finding within 30 days (rule “Escalations”)"


def test_reaching_the_threshold_assigns_automatically_once(
    lead, member, catalogue, django_capture_on_commit_callbacks
):
    r = rule(catalogue)
    with django_capture_on_commit_callbacks(execute=True):
        record(lead, member, 1)
        record(lead, member, 2)
    assignment = Assignment.objects.get()
    assert (assignment.user, assignment.module, assignment.source) == (
        member,
        catalogue["module"],
        "qa_rule",
    )
    assert assignment.due_on == timezone.localdate() + timedelta(days=7)  # the rule's D
    assert "2 QA findings within 30 days" in assignment.reason
    assert RuleFiring.objects.get().rule == r
    assert Notification.objects.filter(user=member, kind="qa_training").count() == 1
    # the task again, and a third finding inside the cooldown, change nothing
    assert qa_rules_evaluate_task.apply(args=(member.pk,)).get() == 0
    with django_capture_on_commit_callbacks(execute=True):
        record(lead, member, 3)
    assert Assignment.objects.count() == 1
    assert RuleFiring.objects.count() == 1


def test_findings_outside_the_window_do_not_count(
    lead, member, catalogue, django_capture_on_commit_callbacks
):
    rule(catalogue, window_days=10)
    with django_capture_on_commit_callbacks(execute=True):
        record(lead, member, 1, days_ago=25)
        record(lead, member, 2, days_ago=0)
    assert not Assignment.objects.exists()


def test_after_the_cooldown_the_rule_fires_again(
    lead, member, catalogue, django_capture_on_commit_callbacks
):
    rule(catalogue, cooldown_days=5)
    with django_capture_on_commit_callbacks(execute=True):
        record(lead, member, 1)
        record(lead, member, 2)
    assignment = Assignment.objects.get()
    assignment.status = "completed"
    assignment.save()
    RuleFiring.objects.update(fired_at=timezone.now() - timedelta(days=6))
    with django_capture_on_commit_callbacks(execute=True):
        record(lead, member, 3)
    assert RuleFiring.objects.count() == 2
    assert Assignment.objects.filter(status="open").count() == 1


def test_a_criterion_rule_matches_the_scorecard_line(
    lead, member, catalogue, django_capture_on_commit_callbacks
):
    rule(catalogue, skill=None, criterion="Empathy statement", threshold=2)
    with django_capture_on_commit_callbacks(execute=True):
        record(lead, member, 1, criterion="Empathy statement", skill="kpi-literacy")
        record(lead, member, 2, criterion="Something else")
    assert not Assignment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        record(lead, member, 3, criterion="Empathy statement", skill="kpi-literacy")
    assert Assignment.objects.count() == 1
    assert RuleFiring.objects.get().skill == catalogue["metrics"]  # the findings' skill


def test_suggest_mode_waits_for_the_lead(
    lead, member, outsider, catalogue, django_capture_on_commit_callbacks
):
    rule(catalogue, mode="suggest")
    with django_capture_on_commit_callbacks(execute=True):
        record(lead, member, 1)
        record(lead, member, 2)
    assert not Assignment.objects.exists()
    suggestion = TrainingSuggestion.objects.get()
    assert Notification.objects.filter(user=lead, kind="qa_suggestion").count() == 1
    with pytest.raises(NotFound):
        qa_selectors.suggestion_get(lead=outsider, suggestion_id=suggestion.pk)
    qa_services.suggestion_accept(suggestion=suggestion, lead=lead)
    assignment = Assignment.objects.get()
    assert (assignment.source, assignment.assigned_by) == ("qa_rule", lead)
    assert RuleFiring.objects.get().assignment == assignment
    with pytest.raises(Conflict):
        qa_services.suggestion_accept(suggestion=suggestion, lead=lead)
    assert Assignment.objects.count() == 1


def test_dismissing_a_suggestion(lead, member, catalogue, django_capture_on_commit_callbacks):
    rule(catalogue, mode="suggest")
    with django_capture_on_commit_callbacks(execute=True):
        record(lead, member, 1)
        record(lead, member, 2)
    suggestion = qa_selectors.suggestions_for(lead=lead).get()
    qa_services.suggestion_dismiss(suggestion=suggestion, lead=lead)
    assert not qa_selectors.suggestions_for(lead=lead).exists()
    assert not Assignment.objects.exists()


def test_is_it_working_compares_findings_before_the_firing_and_after_completion(
    lead, member, team, catalogue, django_capture_on_commit_callbacks
):
    rule(catalogue, threshold=3)
    with django_capture_on_commit_callbacks(execute=True):
        for n, days in enumerate((70, 65, 62), start=1):
            record(lead, member, n, days_ago=days)
    firing = RuleFiring.objects.get()
    RuleFiring.objects.filter(pk=firing.pk).update(fired_at=timezone.now() - timedelta(days=60))
    Assignment.objects.filter(pk=firing.assignment_id).update(
        status="completed", completed_at=timezone.now() - timedelta(days=45)
    )
    record(lead, member, 10, days_ago=20)  # one finding in the 30 days after completion
    [effect] = qa_selectors.training_effect(lead=lead, team_id=team.pk).rows
    assert (effect.skill, effect.trained.agents, effect.trainings) == (
        catalogue["escalations"],
        1,
        1,
    )
    assert effect.trained.before == round(3 / (30 / 7), 2)  # 70, 65, 62 days ago
    assert effect.trained.after == round(1 / (30 / 7), 2)
    assert effect.estimate.verdict == "not_enough"  # one agent, no comparison


@pytest.mark.parametrize("mode", ["auto", "suggest"])
def test_a_rule_s_notices_are_in_each_recipient_s_language(
    lead, member, catalogue, mode, django_capture_on_commit_callbacks
):
    """The rules task runs in the worker's language; an agent or a lead reading Polish got
    "New training after QA: Handling escalations" with the module's English title."""
    from courses.models import Module

    Module.objects.filter(pk=catalogue["module"].pk).update(title_pl="Eskalacje w praktyce")
    for person in (lead, member):
        person.language = "pl"
        person.save(update_fields=["language"])
    rule(catalogue, mode=mode)
    with django_capture_on_commit_callbacks(execute=True):
        record(lead, member, 1)
        record(lead, member, 2)
    reader = member if mode == "auto" else lead
    notice = Notification.objects.get(
        user=reader, kind=f"qa_{'training' if mode == 'auto' else 'suggestion'}"
    )
    heading = "Nowe szkolenie po ocenie QA" if mode == "auto" else "Sugerowane szkolenie"
    assert notice.title.startswith(heading)
    assert "Eskalacje w praktyce" in notice.title
    assert notice.body == "2 uwagi QA w ciągu 30 dni (reguła „Escalations”)"
    # and the reason the agent reads in My training, with the training
    stored = (
        Assignment.objects.get(user=member).reason
        if mode == "auto"
        else TrainingSuggestion.objects.get(agent=member).reason
    )
    assert stored == "2 uwagi QA w ciągu 30 dni (reguła „Escalations”)"
