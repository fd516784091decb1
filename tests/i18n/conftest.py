from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.i18n.catalogues import extract


@pytest.fixture(scope="session")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The code's strings, by domain, as `make makemessages` would find them today (once per
    run; needs gettext's xgettext, as `make makemessages` does)."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext (Debian package gettext) is needed to extract the strings")
    return extract(tmp_path_factory.mktemp("makemessages"))
