"""How Celery tasks are named, and the old names kept for one release after a rename.

A task is called ``<app label>.<action>``: the label of the app whose module defines it, then
what it does, lowercase words (a noun and a verb, either order) joined by ``_``; usually the
service it calls (``notifications.reminders_send_due``, ``assessments.score_attempt``).

Names are a contract with the messages waiting in the broker and with the beat schedule stored
in the database, so a renamed task keeps answering to its old name for one release
(``renamed_task``), and ``manage.py sync_schedules`` moves stored periodic tasks to the new
name. ``make lint`` (scripts/check_task_names.py) and tests/architecture/test_task_names.py hold
every task to the rule with ``task_name_problems``.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar, overload

from celery import Task, shared_task
from django.apps import AppConfig, apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_P = ParamSpec("_P")
_R = TypeVar("_R")

# After "<app label>.": lowercase words joined by "_", at least two (a noun and a verb).
TASK_NAME = re.compile(r"^[a-z]+(_[a-z]+)+$")

# Deprecated aliases, {old name: current name}. Messages queued before the rename still run
# under the old name. Remove each entry and its ``renamed_task`` in the next release.
DEPRECATED_TASK_NAMES: dict[str, str] = {
    "assessments.item_analysis": "assessments.item_analysis_compute",
    "assessments.qa_rules_evaluate": "qa.rules_evaluate",
    "assessments.skill_profiles_refresh": "skills.profiles_refresh",
    "core.heartbeat": "core.heartbeat_record",
    "courses.digests_send_weekly": "onboarding.digests_send_weekly",
    "courses.notifications_send_emails": "notifications.notifications_send_emails",
    "courses.reminders_send_due": "notifications.reminders_send_due",
    "xapi.deliver": "xapi.statements_deliver",
}

# Options an alias must share with its task (``renamed_task`` passes it the same ones).
_SHARED_OPTIONS = (
    "acks_late",
    "ignore_result",
    "autoretry_for",
    "max_retries",
    "retry_backoff",
    "time_limit",
    "soft_time_limit",
)


@overload
def renamed_task(
    *, name: str, old_name: str, bind: Literal[True], **options: Any
) -> Callable[[Callable[Concatenate[Task[_P, _R], _P], _R]], Task[_P, _R]]: ...
@overload
def renamed_task(
    *, name: str, old_name: str, bind: Literal[False] = ..., **options: Any
) -> Callable[[Callable[_P, _R]], Task[_P, _R]]: ...
def renamed_task(*, name: str, old_name: str, **options: Any) -> Callable[..., Any]:
    """``shared_task(name=name, **options)`` that also registers the same function, with the
    same options, as the deprecated alias ``old_name`` (listed in ``DEPRECATED_TASK_NAMES``)."""
    if DEPRECATED_TASK_NAMES.get(old_name) != name:
        raise ImproperlyConfigured(
            f"List {old_name!r}: {name!r} in core.task_names.DEPRECATED_TASK_NAMES."
        )

    def decorate(fun: Callable[..., Any]) -> Any:
        shared_task(name=old_name, **options)(fun)
        return shared_task(name=name, **options)(fun)

    return decorate


def task_name_problem(name: str, app_label: str) -> str | None:
    """Why ``name`` is not a fit name for a task of the app ``app_label``; None if it is."""
    prefix, _, rest = name.partition(".")
    if prefix != app_label:
        return f"{name}: a task of the {app_label!r} app is named '{app_label}.<action>'"
    if not TASK_NAME.fullmatch(rest):
        return f"{name}: after '{app_label}.', lowercase words (noun, verb) joined by '_'"
    return None


def project_app_configs() -> list[AppConfig]:
    """Our own apps (folders at the top of the project), not Django's or a library's."""
    base = Path(settings.BASE_DIR).resolve()
    return [c for c in apps.get_app_configs() if Path(c.path).resolve().parent == base]


def task_modules_import() -> None:
    """Import each of our apps' ``tasks`` module, as the worker's autodiscovery does (without
    the worker's start-up checks), so that every task is registered."""
    for config in project_app_configs():
        module = f"{config.name}.tasks"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)


def _function(task: Task[Any, Any]) -> object:
    run = getattr(task, "__wrapped__", None)
    return getattr(run, "__func__", run)


def task_name_problems(tasks: Mapping[str, Task[Any, Any]]) -> list[str]:
    """One line per task of our apps named against the rule, and per deprecated alias that
    does not run a current task the same way; empty when all is well. ``tasks`` is a Celery
    app's registry, with ``task_modules_import`` done."""
    ours = {config.name: config.label for config in project_app_configs()}
    problems = []
    for name, task in sorted(tasks.items()):
        config = apps.get_containing_app_config(task.__module__)
        if config is None or config.name not in ours or name in DEPRECATED_TASK_NAMES:
            continue
        problem = task_name_problem(name, config.label)
        if problem:
            problems.append(problem)
    for old_name, name in sorted(DEPRECATED_TASK_NAMES.items()):
        alias, current = tasks.get(old_name), tasks.get(name)
        if alias is None:
            problems.append(f"{old_name}: listed as a deprecated alias, but not registered")
        elif current is None or name in DEPRECATED_TASK_NAMES:
            problems.append(f"{old_name}: deprecated alias of {name}, which is not a current task")
        elif _function(alias) is not _function(current):
            problems.append(f"{old_name}: runs another function than {name}")
        else:
            problems.extend(
                f"{old_name}: {option} differs from {name}'s"
                for option in _SHARED_OPTIONS
                if getattr(alias, option, None) != getattr(current, option, None)
            )
    return problems
