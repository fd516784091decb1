from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from core.catalogues import compile_catalogue


class Command(BaseCommand):
    help = (
        "Compile every locale/<lang>/LC_MESSAGES/*.po of LOCALE_PATHS into .mo, where the .po "
        "is newer (pure Python: no gettext tools needed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Compile even if up to date.")

    def handle(self, *args: Any, **options: Any) -> None:
        for base in settings.LOCALE_PATHS:
            for po_path in sorted(Path(base).glob("*/LC_MESSAGES/*.po")):
                if compile_catalogue(po_path, force=options["force"]) and options["verbosity"]:
                    self.stdout.write(f"compiled {po_path}")
