"""The demo organisation: every app's demo content, loaded in dependency order."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from django.db import transaction

from accounts.demo import DEMO_PEOPLE, demo_people_load
from courses.demo import demo_training_load

DEFAULT_DEMO_PASSWORD = "readiness-demo"  # noqa: S105  (documented demo login, DEBUG only)


@dataclass
class DemoSummary:
    password: str
    logins: list[tuple[str, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


@transaction.atomic
def demo_load() -> DemoSummary:
    """Create or update the demo data; running it again changes nothing."""
    people = demo_people_load(password=demo_password())
    demo_training_load(people=people)
    return demo_summary()


def demo_summary() -> DemoSummary:
    """What to print for people trying the demo: logins and links."""
    summary = DemoSummary(password=demo_password())
    summary.logins = [
        (email, "admin" if is_admin else (role or "member"))
        for email, _name, is_admin, role in DEMO_PEOPLE
    ]
    return summary
