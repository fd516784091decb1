"""Every Celery task is named ``<app label>.<action>`` after the app that defines it, and
each deprecated alias runs a current task (the rule: core/task_names.py). ``make lint`` runs the
same check (scripts/check_task_names.py); the tests below also prove that it bites."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from config.celery import app
from core.task_names import (
    DEPRECATED_TASK_NAMES,
    project_app_configs,
    task_modules_import,
    task_name_problem,
    task_name_problems,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def registry() -> dict[str, Any]:
    task_modules_import()
    return dict(app.tasks)


def fake_task(module: str) -> object:
    """Something registered as a task, defined in ``module``."""
    return type("FakeTask", (), {"__module__": module})()


def test_every_task_is_named_after_its_app(registry):
    assert task_name_problems(registry) == []


def test_the_check_sees_the_tasks_of_every_app_that_has_some(registry):
    with_tasks = {c.name for c in project_app_configs() if (Path(c.path) / "tasks.py").exists()}
    checked = {task.__module__.partition(".")[0] for task in registry.values()}
    assert with_tasks
    assert with_tasks <= checked


@pytest.mark.parametrize(
    ("name", "app_label"),
    [
        pytest.param("courses.reminders_send_due", "notifications", id="another-apps-prefix"),
        pytest.param("reminders_send_due", "notifications", id="no-prefix"),
        pytest.param("notifications.", "notifications", id="nothing-after-the-prefix"),
        pytest.param("core.heartbeat", "core", id="one-word"),
        pytest.param("xapi.deliverStatements", "xapi", id="camel-case"),
        pytest.param("xapi.deliver-statements", "xapi", id="hyphen"),
        pytest.param("xapi.statements__deliver", "xapi", id="double-underscore"),
        pytest.param("xapi.statements_deliver_", "xapi", id="trailing-underscore"),
        pytest.param("xapi.statements_deliver2", "xapi", id="digit"),
        pytest.param("xapi.statements.deliver", "xapi", id="dotted"),
    ],
)
def test_a_name_against_the_rule_is_reported(name, app_label):
    problem = task_name_problem(name, app_label)
    assert problem is not None
    assert problem.startswith(f"{name}: ")


@pytest.mark.parametrize(
    ("name", "app_label"),
    [
        pytest.param("notifications.reminders_send_due", "notifications", id="three-words"),
        pytest.param("xapi.statements_deliver", "xapi", id="two-words"),
    ],
)
def test_a_name_by_the_rule_passes(name, app_label):
    assert task_name_problem(name, app_label) is None


def test_a_badly_named_task_fails_the_whole_check(registry):
    registry["courses.reminders_resend"] = fake_task("notifications.tasks")
    assert task_name_problems(registry) == [
        "courses.reminders_resend: a task of the 'notifications' app is named "
        "'notifications.<action>'"
    ]


def test_tasks_of_libraries_are_not_checked(registry):
    registry["celery.whatever"] = fake_task("celery.app.builtins")
    registry["cleanup"] = fake_task("django_celery_beat.tasks")
    assert task_name_problems(registry) == []


def test_an_alias_that_is_not_registered_is_reported(registry):
    del registry["xapi.deliver"]
    assert task_name_problems(registry) == [
        "xapi.deliver: listed as a deprecated alias, but not registered"
    ]


def test_an_alias_of_a_missing_task_is_reported(registry, monkeypatch):
    monkeypatch.setitem(DEPRECATED_TASK_NAMES, "xapi.deliver", "xapi.statements_send")
    assert task_name_problems(registry) == [
        "xapi.deliver: deprecated alias of xapi.statements_send, which is not a current task"
    ]


def test_an_alias_running_another_task_is_reported(registry, monkeypatch):
    monkeypatch.setitem(DEPRECATED_TASK_NAMES, "xapi.deliver", "core.heartbeat_record")
    assert task_name_problems(registry) == [
        "xapi.deliver: runs another function than core.heartbeat_record"
    ]


def test_an_alias_with_other_options_is_reported(registry, monkeypatch):
    monkeypatch.setattr(registry["xapi.deliver"], "time_limit", 60)
    assert task_name_problems(registry) == [
        "xapi.deliver: time_limit differs from xapi.statements_deliver's"
    ]


@pytest.mark.parametrize(
    ("old_name", "name"), sorted(DEPRECATED_TASK_NAMES.items()), ids=sorted(DEPRECATED_TASK_NAMES)
)
def test_each_deprecated_alias_is_registered_apart_from_its_task(registry, old_name, name):
    alias, current = registry[old_name], registry[name]
    assert (alias.name, current.name) == (old_name, name)
    assert alias is not current


def test_nothing_sends_a_deprecated_name():
    """The aliases are for messages already queued: our code sends the current names."""
    old = re.compile("|".join(re.escape(f'"{name}"') for name in DEPRECATED_TASK_NAMES))
    folders = [Path(c.path) for c in project_app_configs()] + [ROOT / "config", ROOT / "scripts"]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in folders
        for path in sorted(folder.rglob("*.py"))
        if path != ROOT / "core" / "task_names.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if old.search(line) and "old_name=" not in line
    ]
    assert found == []
