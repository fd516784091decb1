#!/usr/bin/env python3
"""Make sure Debian's Pango and the DejaVu fonts are installed for PDF reports (core/pdf.py).

WeasyPrint lays text out with Pango (loaded at import, not a pip package) and the reports name
the DejaVu Sans font, which has every Polish letter. Installs what is missing with apt-get when
running as root; otherwise says what to run. Exits 1 only under CI=true, where a missing
library must fail the build instead of failing the PDF tests one by one.
"""

import ctypes.util
import glob
import os
import shutil
import subprocess
import sys

PACKAGES = ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"]
LIBRARIES = {
    "pango-1.0": "libpango-1.0-0",
    "pangoft2-1.0": "libpangoft2-1.0-0",
    # font subsetting: four times faster than fontTools, and required by later WeasyPrints
    "harfbuzz-subset": "libharfbuzz-subset0",
}
FONT_PATTERNS = [
    "/usr/share/fonts/**/DejaVuSans.ttf",
    "/usr/local/share/fonts/**/DejaVuSans.ttf",
]


def missing() -> list[str]:
    """The Debian packages of what is not there."""
    packages = [package for lib, package in LIBRARIES.items() if not ctypes.util.find_library(lib)]
    if not any(glob.glob(pattern, recursive=True) for pattern in FONT_PATTERNS):
        packages.append("fonts-dejavu-core")
    return packages


def main() -> int:
    if not missing():
        return 0
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing Pango and the DejaVu fonts from Debian for PDF reports…", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        command = ["apt-get", "install", "-y", "-q", *PACKAGES]
        result = subprocess.run(command, env=env, check=False)
        if result.returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
            subprocess.run(command, env=env, check=False)
    still_missing = missing()
    if not still_missing:
        return 0
    print(
        f"Missing for PDF reports: {', '.join(still_missing)}.\n"
        f"Install them with: sudo apt-get install -y {' '.join(PACKAGES)}",
        file=sys.stderr,
    )
    return 1 if os.environ.get("CI", "").lower() == "true" else 0


if __name__ == "__main__":
    sys.exit(main())
