"""Settings come from the environment; with DEBUG off, web, worker and beat refuse to start
without a secret or Redis, while management commands still work."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'name': str(settings.DATABASES['default']['NAME']), 'broker': settings.CELERY_BROKER_URL, "
    "'cache': settings.CACHES['default']['BACKEND'], 'debug': settings.DEBUG, "
    "'hosts': settings.ALLOWED_HOSTS, 'email': settings.EMAIL_BACKEND}))"
)
CLEAN_ENV = {
    key: value
    for key, value in os.environ.items()
    if key
    not in {
        "DATABASE_URL",
        "REDIS_URL",
        "REDIS_CACHE_URL",
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "READINESS_SINGLE_PROCESS",
    }
}


def run(command: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        env={**CLEAN_ENV, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-c", PROBE], **env)


WEB = [sys.executable, "-c", "import config.wsgi"]
WORKER = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo"]
BEAT = [sys.executable, "-m", "celery", "-A", "config", "beat", "--schedule", os.devnull]


@pytest.mark.parametrize("process", [WEB, WORKER, BEAT], ids=["web", "worker", "beat"])
def test_debug_off_without_a_secret_key_refuses_to_start(process):
    result = run(process, DEBUG="0", REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize("process", [WEB, WORKER, BEAT], ids=["web", "worker", "beat"])
def test_debug_off_without_redis_refuses_to_start(process):
    result = run(process, SECRET_KEY="s" * 50)
    assert result.returncode != 0
    assert "REDIS_URL must be set when DEBUG is off" in result.stderr


def test_management_commands_work_on_a_fresh_clone_without_any_environment():
    result = run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"])
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_the_deploy_check_reports_what_production_needs():
    result = run([sys.executable, "manage.py", "check", "--deploy"])
    assert result.returncode != 0
    assert "(readiness.E001) SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert "(readiness.E002) REDIS_URL must be set when DEBUG is off" in result.stderr


def test_the_embedded_default_is_sqlite_filesystem_broker_and_console_email():
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    assert values["broker"] == "filesystem://"
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["email"] == "django.core.mail.backends.console.EmailBackend"


def test_production_settings_use_postgres_redis_and_smtp_from_the_environment():
    result = load_settings(
        SECRET_KEY="s" * 50,
        DATABASE_URL="postgres://app:pw@db.internal:5432/readiness",
        REDIS_URL="redis://cache.internal:6379/0",
        ALLOWED_HOSTS="readiness.example.com, www.example.com",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "engine": "django.db.backends.postgresql",
        "name": "readiness",
        "broker": "redis://cache.internal:6379/0",
        "cache": "django.core.cache.backends.redis.RedisCache",
        "debug": False,
        "hosts": ["readiness.example.com", "www.example.com"],
        "email": "django.core.mail.backends.smtp.EmailBackend",
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [("EMAIL_PORT", "twenty-five"), ("LOGIN_FAILURE_LIMIT", "5x")],
    ids=["email-port", "login-limit"],
)
def test_a_malformed_number_names_the_variable(name, value):
    result = load_settings(DEBUG="1", **{name: value})
    assert result.returncode != 0
    assert f"{name} must be an integer" in result.stderr
