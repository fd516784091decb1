"""Settings for the test suite: the normal settings plus fast, observable test doubles.

The database and Redis come from the environment like everywhere else: CI points them at real
PostgreSQL and Redis (see .ci/run); a quick local run falls back to SQLite and local memory.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
# Quick local runs may have no Redis (CI sets REDIS_URL and uses it).
os.environ.setdefault("READINESS_SINGLE_PROCESS", "1")

from config.settings import *  # noqa: F403
from config.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks inline; tests/integration drives a real worker over Redis.
CELERY_TASK_ALWAYS_EAGER = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SITE_URL = "http://testserver"
# Live-server request threads must not keep connections open past the test.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
