"""Production settings pass Django's deployment checks; every response carries the CSP."""

import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def documented_production_environment() -> dict[str, str]:
    """Exactly the variables docs/operations.md tells an operator to set before ``make serve``
    (its ``export …`` example), with the ``…`` placeholders filled in. Nothing else: every other
    setting keeps its default, as on a server that follows the docs."""
    text = (ROOT / "docs" / "operations.md").read_text()
    example = re.search(r"```sh\n(export .*?)\nmake serve\n```", text, re.DOTALL)
    assert example, "docs/operations.md no longer has the `export … make serve` example"
    words = shlex.split(example.group(1).replace("\\\n", " "))
    assert words[0] == "export"
    secret = secrets.token_urlsafe(50)
    env = {}
    for word in words[1:]:
        name, _, value = word.partition("=")
        env[name] = value.replace("…", secret)
    assert {"SECRET_KEY", "REDIS_URL", "ALLOWED_HOSTS"} <= set(env), env
    return env


def check_deploy(**extra: str) -> subprocess.CompletedProcess[str]:
    """``check --deploy --fail-level WARNING`` in a process that sees only the documented
    variables (plus ``extra``): none of the test run's own (``DEBUG``, ``DATABASE_URL``,
    ``READINESS_SINGLE_PROCESS``, ``DJANGO_SETTINGS_MODULE``, ``DJANGO_ALLOW_ASYNC_UNSAFE``…)."""
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={"PATH": os.environ.get("PATH", ""), **documented_production_environment(), **extra},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_the_documented_production_settings():
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    # HSTS preload stays off unless the operator opts in, so its warning (security.W021) is
    # silenced on purpose, and nothing else is (docs/operations.md, Security).
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_check_deploy_passes_with_hsts_preload_opted_in():
    result = check_deploy(SECURE_HSTS_PRELOAD="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


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
