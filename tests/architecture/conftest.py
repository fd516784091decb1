"""The architecture tests read source files only: no database, no cache, no services."""

import pytest


@pytest.fixture(autouse=True)
def _clean_cache() -> None:
    """Override tests/conftest.py's cache clearing: nothing here touches the cache."""
    return
