from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from privacy.register_doc import register_markdown


class Command(BaseCommand):
    help = "Print the register of personal data as Markdown (--write: into docs/privacy.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="Write docs/privacy.md.")

    def handle(self, *args: Any, **options: Any) -> None:
        text = register_markdown()
        if options["write"]:
            Path(settings.BASE_DIR, "docs", "privacy.md").write_text(text, encoding="utf-8")
            self.stdout.write("docs/privacy.md written.")
        else:
            self.stdout.write(text, ending="")
