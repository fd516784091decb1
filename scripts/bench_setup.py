"""What every benchmark shares: the throwaway database and the settings it runs with.

Importing this module points Django at ``BENCH_DATABASE_URL`` with production settings
(DEBUG off, so timings are honest; one process, no Redis needed). ``BENCH_SCALE`` shrinks the
data (CI runs 0.02): statement counts and exactly-once checks hold at any size; time limits are
meant for the full size.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/readiness_bench"
)
SCALE = float(os.environ.get("BENCH_SCALE", "1"))

os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 40)
os.environ.setdefault("READINESS_SINGLE_PROCESS", "1")
os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")


def recreate_database() -> None:
    """Drop and create the benchmark database (it is rebuilt on every run)."""
    import psycopg
    from psycopg import sql

    name = BENCH_URL.rsplit("/", 1)[1]
    admin_url = BENCH_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# How a benchmark judges time. A shared machine is noisy: an absolute limit fails with nothing
# wrong and teaches everyone to ignore the benchmark. So a time is judged against a *floor*
# measured in the same run on the same data (a hand-written SQL query, the same rows written
# in bulk): the ratio is enforced at the full size, where it is stable. Absolute limits are
# printed always and enforced only with STRICT=1 (a quiet machine, on purpose). Statement
# counts and exactly-once checks are enforced always, at any size.
STRICT = os.environ.get("STRICT", "").strip().lower() in {"1", "true", "yes"}


def verdict(
    checks: dict[str, bool],
    *,
    ratios: dict[str, bool] | None = None,
    timed: dict[str, bool] | None = None,
) -> int:
    """Print every check and the result; 0 if everything enforced passed, else 1.

    ``checks`` (counts, exactly-once) are enforced always; ``ratios`` (a time against its
    floor) at the full size (BENCH_SCALE=1); ``timed`` (absolute limits) at the full size with
    STRICT=1 only."""
    enforced = dict(checks)
    for group, applies, why in (
        (ratios or {}, SCALE >= 1, f"not checked at BENCH_SCALE={SCALE:g}"),
        (timed or {}, SCALE >= 1 and STRICT, "enforced with STRICT=1 at full size only"),
    ):
        if applies:
            enforced.update(group)
        else:
            for name, ok in group.items():
                print(f"  ({'pass' if ok else 'over'}, {why})  {name}")
    for name, ok in enforced.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    passed = all(enforced.values())
    print(f"Result: {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1
