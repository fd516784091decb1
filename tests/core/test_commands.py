"""`manage.py demo` is idempotent and refuses production; schedules install themselves."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from accounts.models import Membership, Team, User
from assessments.models import Question, Quiz, QuizVersion
from courses.models import SOP, Assignment, Lesson, Module, SOPVersion
from practice import selectors as practice_selectors
from practice import services as practice_services
from skills.models import RoleProfile, Skill

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(User.objects.values_list("email", "is_staff")),
        sorted(Team.objects.values_list("name", flat=True)),
        sorted(Membership.objects.values_list("user__email", "team__name", "role")),
        sorted(Skill.objects.values_list("slug", flat=True)),
        sorted(SOPVersion.objects.values_list("sop__slug", "number", "status")),
        sorted(Lesson.objects.values_list("module__slug", "position", "title")),
        sorted(Assignment.objects.values_list("user__email", "kind", "source", "status")),
    )


def test_demo_loads_the_documented_logins_and_a_second_run_changes_nothing(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("demo", stdout=out)
    first = snapshot()
    assert first[0] == [
        ("admin@demo.test", True),
        ("agent1@demo.test", False),
        ("agent2@demo.test", False),
        ("agent3@demo.test", False),
        ("agent4@demo.test", False),
        ("lead@demo.test", False),
        ("zofia@demo.test", False),
    ]
    assert ("lead@demo.test", "Support EMEA", "lead") in first[2]
    assert len(first[3]) == 12
    assert RoleProfile.objects.count() == 5
    assert SOP.objects.count() == 11  # 8 in English, 3 in Polish
    assert Module.objects.count() >= 6
    assert all(
        Module.objects.get(slug=slug).lessons.count() >= 3
        for slug in ("service-metrics", "helpdesk-tool-basics")
    )
    # agent 1 read two SOPs before they changed: both came back as re-acknowledgements
    assert sorted(
        Assignment.objects.filter(user__email="agent1@demo.test", source="sop_change").values_list(
            "sop__slug", flat=True
        )
    ) == ["escalation-handling", "new-agent-first-week"]
    assert "readiness-demo" in out.getvalue()
    assert "Candidate link (lead-readiness quiz, no login needed)" in out.getvalue()
    lead_quiz = Quiz.objects.get(slug="lead-readiness").versions.get()
    assert [q.choices.count() for q in lead_quiz.questions.all()] == [3, 3, 3, 3, 3]
    assert sorted(lead_quiz.bands.values_list("min_score", "label")) == [
        (0.0, "Time to skill up"),
        (2.0, "On the right track"),
        (4.0, "Ready to lead"),
    ]
    assert Quiz.objects.get(slug="agent-knowledge-check").versions.get().questions.count() >= 8
    module = Module.objects.get(completion_quiz__slug="service-metrics-quiz")
    assert module.slug == "service-metrics"
    assert User.objects.get(email="agent1@demo.test").check_password("readiness-demo")
    # practice from day one: a bank per skill, and a full set for every learner, in their
    # language (Zofia reads Polish)
    assert Quiz.objects.banks().count() == Skill.objects.count()
    learners = User.objects.filter(memberships__role="member").distinct()
    for learner in learners:
        today = practice_selectors.practice_today(
            user=learner, practice_set=practice_services.practice_today_ensure(user=learner)
        )
        assert len(today.questions) == settings.PRACTICE_SET_SIZE, learner.email
    zofia = User.objects.get(email="zofia@demo.test")
    shown = practice_selectors.practice_today(
        user=zofia, practice_set=practice_services.practice_today_ensure(user=zofia)
    ).questions[0]
    assert shown.text != Question.objects.get(pk=shown.pk).text  # the Polish text
    # SOPs know their skills: a finding on escalations can point to the escalation SOPs
    assert set(
        SOPVersion.objects.filter(skills__slug="escalations").values_list("sop__slug", flat=True)
    ) >= {"escalation-handling", "obsluga-eskalacji"}
    banks_before = list(QuizVersion.objects.filter(quiz__purpose="practice").values_list("pk"))

    call_command("demo", stdout=StringIO())
    assert snapshot() == first
    assert list(QuizVersion.objects.filter(quiz__purpose="practice").values_list("pk")) == (
        banks_before
    )


def test_demo_password_comes_from_the_environment(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-pass")
    call_command("demo", stdout=StringIO())
    assert User.objects.get(email="lead@demo.test").check_password("another-demo-pass")


def test_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to load demo data with DEBUG off"):
        call_command("demo", stdout=StringIO())
    assert not User.objects.exists()


def test_sync_schedules_installs_every_periodic_task_once(settings):
    call_command("sync_schedules", verbosity=0)
    call_command("sync_schedules", verbosity=0)
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert names == set(settings.CELERY_BEAT_SCHEDULE)
    task = PeriodicTask.objects.get(name="accounts.invitations_send_pending")
    assert (task.task, task.interval.every, task.interval.period) == (
        "accounts.invitations_send_pending",
        300,
        "seconds",
    )
