"""audit sits just above accounts: every app but accounts may call it, accounts reaches it only
through its hook, and the contracts of `make lint` say so (tests/architecture runs them)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.conf import settings

from accounts.hooks import account_changed
from audit import services

ROOT = Path(__file__).resolve().parents[2]


def contracts() -> dict[str, dict[str, list[str]]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_audit_is_the_layer_just_above_accounts():
    layers = contracts()["layers"]["layers"]
    assert layers[-3:] == ["audit", "accounts", "core"]
    assert "audit" in contracts()["public-surfaces"]["apps"]
    assert "audit" in contracts()["core-imports-no-app"]["forbidden_modules"]
    apps = settings.INSTALLED_APPS
    assert apps.index("audit") == apps.index("accounts") + 1


def test_accounts_reaches_the_trail_through_its_hook_only():
    assert services.on_account_changed in account_changed.subscribers
    for path in (ROOT / "accounts").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import audit" not in text, path
        assert "from audit" not in text, path


def test_the_middleware_follows_authentication():
    middleware = settings.MIDDLEWARE
    assert middleware.index("audit.middleware.AuditContextMiddleware") > middleware.index(
        "django.contrib.auth.middleware.AuthenticationMiddleware"
    )
