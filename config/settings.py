"""Settings, read from the environment. Every variable is listed in README.md and .env.example.

The embedded default (no variables set but ``DEBUG=1``) runs on SQLite with Celery on kombu's
filesystem transport, so a fresh machine needs nothing but Python. Production sets
``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL``.
"""

import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core import limits as input_limits

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def redis_db_url(url: str, db: int) -> str:
    """The same Redis server as ``url`` but another logical database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


DEBUG = env_bool("DEBUG", False)

# With DEBUG off and no SECRET_KEY, management commands still work (Django raises on first
# use of the empty key), but web, worker and beat refuse to start: see core/production.py.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Our apps, lowest layer first (docs/architecture.md): each imports only those listed before it.
    # The two ground layers come before Django's apps because Django takes a management command
    # from the first app that has it: accounts' `changepassword` revokes API tokens.
    "core",
    "accounts",
    "audit",  # just above accounts: every app below the top writes its audit trail here
    # Content in several languages (skills, role profiles, modules): before the admin, as
    # django-modeltranslation asks.
    "modeltranslation",
    # Django's admin, on a site that writes every admin change to the audit trail.
    "audit.admin_config.AuditedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "axes",
    # The rest of our apps, in layer order.
    "notifications",
    "skills",
    "assessments",
    "courses",
    "qa",
    "onboarding",
    "readiness",  # above qa and onboarding: criteria per role, decisions, the board
    "home",
    "xapi",  # top layer beside home: subscribes to the others' hooks, nothing imports it
    "practice",  # top layer beside home: daily spaced practice (docs/practice.md)
    "privacy",  # top layer: the register of personal data, erasure, export (docs/privacy.md)
]

MIDDLEWARE = [
    "core.timing.RequestCpuMiddleware",  # only with REQUEST_CPU_TIMING=1 (the load test)
    "django.middleware.security.SecurityMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store on every answer to a logged-in person or a token.
    "core.security.PrivateCacheMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The database, broker or cache away while a view runs: 503, not 500 (core/outage.py).
    # Only views' errors reach a process_exception (the last middleware's is asked first), so
    # one raised in a middleware (loading the session, saving it) is answered by handler500.
    "core.outage.OutageMiddleware",
    # Last, as django-axes asks: marks the answer to a locked-out login 429 (accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "home.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite is the embedded default; production and CI use PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: wait for locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login limits (django-axes, counted in the database so they hold while Redis is down; see
# accounts/lockout.py). LOGIN_FAILURE_LIMIT failed logins for one account from one address lock
# that account for that address only (someone elsewhere can't lock the owner out);
# LOGIN_FAILURE_LIMIT_PER_ADDRESS failed logins from one address, whatever the accounts, lock
# that address (credential stuffing). A lock ends LOGIN_FAILURE_WINDOW_MINUTES after the last
# counted failure; tries refused while locked are not counted. A successful login clears its
# account's failures from that address, a password reset all of the account's failures.
# TRUSTED_PROXY_COUNT: how many reverse proxies in front of the app append the caller's address
# to X-Forwarded-For (0: the client is REMOTE_ADDR). Default: the one proxy that
# USE_X_FORWARDED_PROTO says is there.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 30)
LOGIN_FAILURE_WINDOW = timedelta(minutes=env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15))
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if env_bool("USE_X_FORWARDED_PROTO") else 0)
AXES_HANDLER = "accounts.lockout.LoginLimitHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT  # per account and address; per address: see above
AXES_COOLOFF_TIME = LOGIN_FAILURE_WINDOW
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "email"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # no row per successful login: only failures are kept
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken"]
INVITATION_EXPIRY = timedelta(days=env_int("INVITATION_EXPIRY_DAYS", 7))

# The audit trail (audit/, docs/operations.md): events older than this many days are deleted
# by the daily audit.events_purge task; 0 keeps them forever.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 730)

# Personal data (privacy/, docs/privacy.md): how long each kind is kept. The daily
# privacy.retention_sweep erases candidates this many days after their invitation expired,
# clears QA notes and comments older than the next, and deletes delivered xAPI statements.
CANDIDATE_RETENTION_DAYS = env_int("CANDIDATE_RETENTION_DAYS", 180)
QA_COMMENT_RETENTION_DAYS = env_int("QA_COMMENT_RETENTION_DAYS", 730)
XAPI_DELIVERED_RETENTION_DAYS = env_int("XAPI_DELIVERED_RETENTION_DAYS", 90)
# A candidate's link to their own data (sent by an admin on request) works this many days.
CANDIDATE_DATA_LINK_DAYS = env_int("CANDIDATE_DATA_LINK_DAYS", 7)
# An export past this many rows is built by Celery and offered as a link that works for
# PRIVACY_EXPORT_LINK_HOURS; the files wait in PRIVACY_EXPORT_DIR until then.
PRIVACY_EXPORT_SYNC_MAX_ROWS = env_int("PRIVACY_EXPORT_SYNC_MAX_ROWS", 20_000)
PRIVACY_EXPORT_LINK_HOURS = env_int("PRIVACY_EXPORT_LINK_HOURS", 24)
PRIVACY_EXPORT_DIR = os.environ.get("PRIVACY_EXPORT_DIR", str(BASE_DIR / "var" / "exports"))

# Training: "due soon" starts this many days before the due date; re-acknowledging a changed
# SOP is due this many days after the new version is published.
TRAINING_DUE_SOON_DAYS = env_int("TRAINING_DUE_SOON_DAYS", 3)
SOP_REACK_DUE_DAYS = env_int("SOP_REACK_DUE_DAYS", 7)

# Reminders (hourly sweep): "due soon" this many days before the due time; "overdue" this
# many days after it, then again every REPEAT days while open; escalated to the leads after
# ESCALATE days. A weekly digest goes to every lead on Monday at DIGEST_HOUR (UTC).
REMINDER_DUE_SOON_DAYS = env_int("REMINDER_DUE_SOON_DAYS", 3)
REMINDER_OVERDUE_AFTER_DAYS = env_int("REMINDER_OVERDUE_AFTER_DAYS", 1)
REMINDER_REPEAT_DAYS = env_int("REMINDER_REPEAT_DAYS", 7)
REMINDER_ESCALATE_AFTER_DAYS = env_int("REMINDER_ESCALATE_AFTER_DAYS", 3)
DIGEST_HOUR = env_int("DIGEST_HOUR", 7)

# The skill model (skills/skill_model.py): a Beta(1 + α, 1 + β) belief per person and skill;
# evidence halves its weight every SKILL_HALF_LIFE_DAYS. Below SKILL_MIN_EVIDENCE units of
# (decayed) evidence a level is reported as "not enough evidence".
SKILL_HALF_LIFE_DAYS = env_int("SKILL_HALF_LIFE_DAYS", 90)
SKILL_MIN_EVIDENCE = float(os.environ.get("SKILL_MIN_EVIDENCE", "2"))
QA_SEVERITY_WEIGHTS = {"low": 0.5, "medium": 1.0, "high": 2.0, "critical": 3.0}

# Daily practice (practice/, docs/practice.md): questions per day, the weight of a practice
# answer as skill evidence (× the question's weight; a quiz answer counts 1), how much recent
# QA findings raise a skill's priority, the default nudge hour (each person's own zone), and
# the FSRS scheduler's desired retention and interval fuzz.
PRACTICE_SET_SIZE = env_int("PRACTICE_SET_SIZE", 5)
PRACTICE_EVIDENCE_WEIGHT = float(os.environ.get("PRACTICE_EVIDENCE_WEIGHT", "0.25"))
PRACTICE_FINDING_BOOST = float(os.environ.get("PRACTICE_FINDING_BOOST", "0.5"))
PRACTICE_FINDING_WINDOW_DAYS = env_int("PRACTICE_FINDING_WINDOW_DAYS", 28)
# Which QA findings raise a skill in practice: empty for all, else finding sources (page, api,
# csv, review, webhook) and QA tool review source ids, e.g. "review,webhook" or "3".
PRACTICE_FINDING_SOURCES = env_list("PRACTICE_FINDING_SOURCES", [])
PRACTICE_NUDGE_HOUR = env_int("PRACTICE_NUDGE_HOUR", 9)
# Percent of learners drawn, once, into a hold-out that is never nudged: the comparison group
# of "Is practice working?". 0 (the default): everyone is nudged and there is no comparison.
PRACTICE_NUDGE_HOLDOUT_PERCENT = env_int("PRACTICE_NUDGE_HOLDOUT_PERCENT", 0)
PRACTICE_BUILD_BATCH = env_int("PRACTICE_BUILD_BATCH", 2000)
PRACTICE_FSRS_RETENTION = float(os.environ.get("PRACTICE_FSRS_RETENTION", "0.9"))
PRACTICE_FSRS_FUZZING = env_bool("PRACTICE_FSRS_FUZZING", True)

# Item analysis of quiz questions (Moodle's definitions): each taker's "first" scored attempt,
# as Moodle does by default, or "all" scored attempts.
ITEM_ANALYSIS_ATTEMPTS = os.environ.get("ITEM_ANALYSIS_ATTEMPTS", "first")
if ITEM_ANALYSIS_ATTEMPTS not in {"first", "all"}:
    raise ImproperlyConfigured("ITEM_ANALYSIS_ATTEMPTS must be 'first' or 'all'")
MODULE_EVIDENCE_WEIGHT = 1.0
# Scoring: a scoring task scores its own attempt and up to this many others waiting (oldest
# first) in one transaction; their own tasks then find them scored (docs/operations.md).
SCORING_BATCH = max(1, env_int("SCORING_BATCH", 100))
# Seconds a submitted attempt waits before its scoring task runs, so that attempts submitted
# meanwhile are scored in the same batch (docs/operations.md, "Workers for a quiz day").
SCORING_DELAY = max(0.0, min(10.0, float(os.environ.get("SCORING_DELAY", "") or 1)))

# Question-bank imports (GIFT, Aiken; docs/moodle.md): larger files are refused as a whole.
# Every input's limits, these defaults included: core/limits.py (docs/limits.md).
QUESTION_IMPORT_MAX_BYTES = env_int("QUESTION_IMPORT_MAX_BYTES", input_limits.GIFT.bytes or 0)
QUESTION_IMPORT_MAX_QUESTIONS = env_int(
    "QUESTION_IMPORT_MAX_QUESTIONS", input_limits.GIFT.items or 0
)
# Request bodies (JSON, forms) and the number of query-string or form fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = input_limits.JSON_BODY.bytes or 0  # never None: "no limit"
DATA_UPLOAD_MAX_NUMBER_FIELDS = input_limits.QUERY_STRING.fields or 0
# Printable reports (core/pdf.py): longer HTML is refused before WeasyPrint lays it out.
PDF_MAX_HTML_BYTES = 2_000_000

# xAPI (docs/xapi.md): off unless XAPI_LRS_URL is set (the LRS's xAPI base, e.g.
# https://lrs.example.com/xAPI; statements go to {XAPI_LRS_URL}/statements). While off, no
# statement is stored. Delivery: batches of XAPI_BATCH_SIZE; an LRS that is down or answers 5xx
# is retried with exponential backoff (1 minute doubling, at most an hour) up to
# XAPI_MAX_ATTEMPTS times; then the statement is "failed" and kept for a retry from the admin.
XAPI_LRS_URL = os.environ.get("XAPI_LRS_URL", "").rstrip("/")
XAPI_LRS_USERNAME = os.environ.get("XAPI_LRS_USERNAME", "")
XAPI_LRS_PASSWORD = os.environ.get("XAPI_LRS_PASSWORD", "")
XAPI_BATCH_SIZE = env_int("XAPI_BATCH_SIZE", 50)
XAPI_MAX_ATTEMPTS = env_int("XAPI_MAX_ATTEMPTS", 24)
XAPI_TIMEOUT_SECONDS = env_int("XAPI_TIMEOUT_SECONDS", 10)

# Single sign-on (docs/sso.md): OpenID Connect through mozilla-django-oidc, off unless OIDC_ISSUER
# and OIDC_CLIENT_ID are set. Endpoints and signing keys come from the issuer's discovery
# document (read when first needed, kept OIDC_DISCOVERY_CACHE_SECONDS). OIDC_GROUP_MAP is JSON:
# {"<group>": "<team>"} (member), {"<group>": {"team": "<team>", "role": "lead"}} or
# {"<group>": {"admin": true}}. PASSWORD_LOGIN=break_glass_only refuses password logins except
# for the emails in BREAK_GLASS_USERS.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "") or "single sign-on"
OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "") or "openid email profile"
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
_oidc_group_map = os.environ.get("OIDC_GROUP_MAP", "") or "{}"
try:
    OIDC_GROUP_MAP: object = json.loads(_oidc_group_map)
except (ValueError, RecursionError):
    # kept as text: `manage.py check` reports it (accounts.E010), not a traceback here
    OIDC_GROUP_MAP = _oidc_group_map
OIDC_ALLOWED_EMAIL_DOMAINS = [d.lower() for d in env_list("OIDC_ALLOWED_EMAIL_DOMAINS", [])]
OIDC_EMAIL_VERIFIED_CLAIM = os.environ.get("OIDC_EMAIL_VERIFIED_CLAIM", "email_verified")
OIDC_SIGN_ALGORITHMS = env_list("OIDC_SIGN_ALGORITHMS", ["RS256"])
OIDC_CLOCK_SKEW_SECONDS = env_int("OIDC_CLOCK_SKEW_SECONDS", 60)
OIDC_DISCOVERY_CACHE_SECONDS = env_int("OIDC_DISCOVERY_CACHE_SECONDS", 3600)
OIDC_STATE_MAX_AGE_SECONDS = env_int("OIDC_STATE_MAX_AGE_SECONDS", 600)
PASSWORD_LOGIN = os.environ.get("PASSWORD_LOGIN", "") or "all"
if PASSWORD_LOGIN not in {"all", "break_glass_only"}:
    raise ImproperlyConfigured("PASSWORD_LOGIN must be 'all' or 'break_glass_only'")
BREAK_GLASS_USERS = [e.lower() for e in env_list("BREAK_GLASS_USERS", [])]
# mozilla-django-oidc's own names for the same things (accounts/oidc.py reads the rest).
OIDC_RP_CLIENT_ID = OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = OIDC_CLIENT_SECRET
OIDC_RP_SCOPES = OIDC_SCOPES
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the provider's end-session endpoint
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
# client_secret_basic, the default of OpenID Connect; false sends the secret in the form instead.
OIDC_TOKEN_USE_BASIC_AUTH = env_bool("OIDC_TOKEN_USE_BASIC_AUTH", True)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"

# Health (/healthz/ready, core/health.py): the worker's heartbeat (core.heartbeat_record, sent
# by beat every minute) is stale after this long; a submitted attempt still unscored after this
# long means scoring has stopped. Either answers 503.
HEALTH_HEARTBEAT_STALE = timedelta(seconds=env_int("HEALTH_HEARTBEAT_STALE_SECONDS", 5 * 60))
HEALTH_SCORING_BACKLOG_MAX_AGE = timedelta(
    seconds=env_int("HEALTH_SCORING_BACKLOG_MAX_AGE_SECONDS", 10 * 60)
)

# Offer a language only with a complete catalogue (tests/i18n/test_catalogue.py fails on any
# untranslated or fuzzy string; README "Adding a language"). Before a person chooses, the
# browser's Accept-Language decides (LocaleMiddleware); then the language cookie, and for a
# logged-in person their profile (accounts.middleware). locale/*.mo are built by `make`.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("pl", _("Polish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content translations (skills/translation.py, courses/translation.py): an empty Polish text
# falls back to the English one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# A row created in Polish gets the same text in English until someone translates it.
MODELTRANSLATION_AUTO_POPULATE = "default"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In DEBUG whitenoise serves straight from the app folders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Redis: broker and cache in production. Without it, Celery uses kombu's filesystem transport
# and the cache is per-process memory (fine for the single-process embedded demo only).
# Production runs with Redis: web, worker and beat refuse to start without it when DEBUG is
# off (core/production.py), unless READINESS_SINGLE_PROCESS says this is a one-process trial.
REDIS_URL = os.environ.get("REDIS_URL", "")
READINESS_SINGLE_PROCESS = env_bool("READINESS_SINGLE_PROCESS", False)
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", "") or (
    redis_db_url(REDIS_URL, 1) if REDIS_URL else ""
)
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "readiness",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _queue_dir = VAR_DIR / "celery-broker"
    for _folder in ("queue", "control"):
        (_queue_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A task delivered but not acknowledged (its whole worker was killed) is delivered
        # again after this long. It must exceed every task's hard time limit (5 minutes by
        # default, CELERY_TASK_TIME_LIMIT below; a few tasks set their own), or a slow task
        # would run twice at once: tests/integration/test_broker_faults.py checks it.
        "visibility_timeout": 15 * 60,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that lost Redis keeps trying to reconnect (every few seconds) instead of exiting
# after 100 tries; see "What holds under faults" in docs/operations.md.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Every task is idempotent (guarded on state), so a task is acknowledged after it ran, and
# given back to the queue when the process running it dies (kill -9, out of memory).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A task still running when the connection drops finishes and keeps its work (its ack is lost,
# so it runs again later and changes nothing) rather than being killed half-way.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A web request must not hang when the broker is down: publishing gives up quickly and the
# periodic sweeps pick the work up later (see core/tasks.py, enqueue_on_commit).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic tasks. `manage.py sync_schedules` writes them to django-celery-beat's tables (beat
# also does so when it starts); admins can pause one there without a deploy.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Proves beat and a worker are alive (/healthz/ready); one stuck in the queue for longer
    # than the stale limit is worthless, so it expires.
    "core.heartbeat_record": {
        "task": "core.heartbeat_record",
        "schedule": timedelta(minutes=1),
        "options": {"expire_seconds": int(HEALTH_HEARTBEAT_STALE.total_seconds())},
    },
    "accounts.invitations_send_pending": {
        "task": "accounts.invitations_send_pending",
        "schedule": timedelta(minutes=5),
    },
    "courses.sop_reack_sweep": {
        "task": "courses.sop_reack_sweep",
        "schedule": timedelta(minutes=5),
    },
    "assessments.attempts_sweep": {
        "task": "assessments.attempts_sweep",
        "schedule": timedelta(minutes=1),
    },
    "notifications.reminders_send_due": {
        "task": "notifications.reminders_send_due",
        "schedule": crontab(minute=5),
    },
    "notifications.notifications_send_emails": {
        "task": "notifications.notifications_send_emails",
        "schedule": timedelta(minutes=5),
    },
    "onboarding.digests_send_weekly": {
        "task": "onboarding.digests_send_weekly",
        "schedule": crontab(minute=0, hour=DIGEST_HOUR, day_of_week="mon"),
    },
    # Sends the xAPI outbox (does nothing unless XAPI_LRS_URL is set); events also kick it.
    "xapi.statements_deliver": {
        "task": "xapi.statements_deliver",
        "schedule": timedelta(minutes=1),
    },
    # Builds today's and tomorrow's practice sets in each person's zone (idempotent).
    "practice.build_sets": {
        "task": "practice.build_sets",
        "schedule": crontab(minute=35),
    },
    # Who was decided ready and no longer meets a criterion: alerts for their leads.
    "readiness.regressions_sweep": {
        "task": "readiness.regressions_sweep",
        "schedule": crontab(minute=20, hour=4),
    },
    # Deletes audit events older than AUDIT_RETENTION_DAYS, in batches (idempotent).
    "audit.events_purge": {
        "task": "audit.events_purge",
        "schedule": crontab(minute=50, hour=3),
    },
    # Applies the retention periods of personal data, in batches (idempotent).
    "privacy.retention_sweep": {
        "task": "privacy.retention_sweep",
        "schedule": crontab(minute=55, hour=3),
    },
}

# Email: the console backend when DEBUG is on, SMTP otherwise, unless EMAIL_BACKEND says.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Readiness <readiness@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Request bodies are JSON (multipart only on the views that take a file), so the schema
    # advertises one body per operation and generated clients work. core's JSONParser answers
    # JSON nested too deeply with a 400, not a RecursionError.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append(  # type: ignore[attr-defined]
        "rest_framework.renderers.BrowsableAPIRenderer"
    )

SPECTACULAR_SETTINGS = {
    "TITLE": "Readiness API",
    "DESCRIPTION": (
        "Training, onboarding and readiness assessment for customer-service teams. "
        "Authenticate with `Authorization: Token <key>` (from `POST /api/v1/auth/token/`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # <id:…> in URLs (core.ids.IdConverter): a positive signed 64-bit integer.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "format": "int64", "minimum": 1}},
    # Swagger UI is served from our own static files (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # drf-spectacular's enum hook, then the error answers (400/401/404 and the bodies of every
    # 4xx) that core.api.exception_handler gives; see core/schema.py.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "MembershipRoleEnum": "accounts.models.Membership.Role",
        "AssignmentKindEnum": "courses.models.Assignment.Kind",
        "AssignmentStatusEnum": "courses.models.Assignment.Status",
        "AssignmentSourceEnum": "courses.models.Assignment.Source",
        "QuestionKindEnum": "assessments.models.Question.Kind",
        "AttemptStatusEnum": "assessments.models.Attempt.Status",
        "RatingScaleEnum": "qa.models.RATING_SCALES",
        "ReadinessKindEnum": "readiness.models.Kind",
        "ReadinessVerdictEnum": "readiness.models.Verdict",
        "DecisionOutcomeEnum": "readiness.models.Decision.Outcome",
        "DecisionChoiceEnum": [("ready", "Ready"), ("not_yet", "Not yet")],
    },
}

# The web CPU of each request in a Server-Timing header (core/timing.py): for the load test.
REQUEST_CPU_TIMING = env_bool("REQUEST_CPU_TIMING", False)

# Security. Production values are the defaults whenever DEBUG is off: HTTPS only (HSTS for a
# year, cookies only over HTTPS, plain HTTP redirected, except /healthz for load balancers).
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz(/ready)?$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preload is off by default on purpose: once browsers ship the domain in their preload list it
# is HTTPS-only (subdomains included) for months even after the header is gone, so an operator
# opts in after submitting the domain. `check --deploy` warns about every site without it
# (security.W021); silence that one warning only while preload is off, so the documented
# production settings pass `check --deploy --fail-level WARNING` (docs/operations.md).
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# No inline script anywhere, so scripts come only from this site. Inline style attributes stay
# allowed for the admin and Swagger UI.
CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # django-axes: failed logins and lockouts are warnings; its per-login chatter is INFO.
        "axes": {"level": "WARNING"},
        "celery": {"level": "INFO"},
        # PDF reports (core/pdf.py): WeasyPrint's steps and fontTools' font subsetting are INFO.
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
