from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from home.demo.loader import DemoSummary, demo_load


def demo_banner(summary: DemoSummary, url: str | None = None) -> str:
    lines = []
    if url:
        lines += [f"Readiness is running at {url}", ""]
    lines.append(f"Demo logins (password: {summary.password}):")
    lines += [f"  {email:<20} {role}" for email, role in summary.logins]
    for label, link in summary.links:
        lines += ["", f"{label}:", f"  {link}"]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Load the demo organisation (idempotent). Refuses to run with DEBUG off."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-banner",
            action="store_true",
            help="Don't print the logins and links (`make run` prints them once it is up).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: it creates accounts with a known "
                "password. Run it with DEBUG=1 on a demo machine only."
            )
        summary = demo_load()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
        if not options["no_banner"]:
            self.stdout.write(demo_banner(summary))
