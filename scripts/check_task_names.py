#!/usr/bin/env python3
"""`make lint`: every Celery task is named ``<app label>.<action>`` after its app, and each
deprecated alias runs a current task (the rule: core/task_names.py). Prints what breaks it and
exits 1; tests/architecture/test_task_names.py runs the same check."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> int:
    import django

    django.setup()
    from config.celery import app
    from core.task_names import task_modules_import, task_name_problems

    task_modules_import()
    problems = task_name_problems(app.tasks)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
