#!/usr/bin/env python3
"""Make sure Debian's Chromium is installed for the browser tests (Playwright can't download one).

Installs it with apt-get when running as root; otherwise says what to run. Exits 1 only under
CI=true, where a missing browser must fail the build instead of skipping tests.
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Chromium from Debian for the browser tests…", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        result = subprocess.run(
            ["apt-get", "install", "-y", "-q", "chromium"], env=env, check=False
        )
        if result.returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
            subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], env=env, check=False)
    if os.path.exists(CHROMIUM):
        return 0
    print(
        f"Chromium is not at {CHROMIUM}: browser tests will be skipped.\n"
        "Install it with: sudo apt-get install -y chromium (or set CHROMIUM_PATH).",
        file=sys.stderr,
    )
    return 1 if os.environ.get("CI", "").lower() == "true" else 0


if __name__ == "__main__":
    sys.exit(main())
