import time
from typing import Any

from django.core.management.base import BaseCommand

from skills.services import profiles_rebuild


class Command(BaseCommand):
    help = "Rebuild every skill projection row from the evidence (safe at any time)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        rows = profiles_rebuild()
        self.stdout.write(
            f"Rebuilt {rows:,} skill profile rows in {time.perf_counter() - started:.1f} s."
        )
