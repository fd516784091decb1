#!/usr/bin/env python3
"""`make bench`: run every benchmark in its own process and report each result."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "bench_reminders.py",
    "bench_skills.py",
    "bench_practice.py",
    "bench_qa_reviews.py",
    "bench_scoring.py",
    "bench_readiness.py",
]


def main() -> int:
    failed = []
    for script in BENCHMARKS:
        print(f"\n=== {script} ===", flush=True)
        if subprocess.run([sys.executable, str(HERE / script)], check=False).returncode:
            failed.append(script)
    print("\nAll benchmarks passed." if not failed else f"\nFailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
