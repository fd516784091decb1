"""Production settings pass Django's deployment checks; every response carries the CSP."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "readiness.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://readiness.example.com",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECURE_HSTS_PRELOAD": "1",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def test_check_deploy_passes_with_production_settings():
    env = {
        k: v
        for k, v in os.environ.items()
        # Not the test settings' relaxations, nor the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE
        # (which Django's checks rightly warn about).
        if k not in {"READINESS_SINGLE_PROCESS", "SECURE_SSL_REDIRECT"}
        and not k.startswith("DJANGO_")
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**env, **PRODUCTION},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/api/v1/me/", "/healthz", "/admin/login/", "/api/docs/"]
)
def test_every_response_has_a_csp_without_inline_script(client, url):
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/api/docs/", "/admin/login/"])
def test_pages_have_no_inline_script(client, url):
    import re

    html = client.get(url).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag  # every script is a file from this site
    assert not re.search(r"\son[a-z]+\s*=", html)  # no inline event handlers
