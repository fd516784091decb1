"""Shared fixtures. Factories are handed out as fixtures; outside services are checked once.

Under ``CI=true`` a test that needs PostgreSQL, Redis or Chromium fails when the service is
missing instead of skipping, so a missing install step can't hide.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from accounts.models import Membership, Team, User
from accounts.services import api_token_create
from skills.models import LearnerProfile, RoleProfile, SkillTarget
from tests import factories

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(available: bool, what: str) -> None:
    """Skip locally, fail in CI, when an outside service is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available", pytrace=False)
    pytest.skip(f"{what} is not available here")


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language: a request made by the test client activates
    its reader's language in the test's own thread, and nothing ends it after the response."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def postgres(db: None) -> None:
    """For tests of row locks and real concurrency."""
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    ok = False
    if url:
        import redis

        try:
            ok = bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
        except redis.RedisError:
            ok = False
    require(ok, "Redis (set REDIS_URL)")
    return url


@pytest.fixture
def user_factory() -> type[factories.UserFactory]:
    return factories.UserFactory


@pytest.fixture
def team_factory() -> type[factories.TeamFactory]:
    return factories.TeamFactory


@pytest.fixture
def membership_factory() -> type[factories.MembershipFactory]:
    return factories.MembershipFactory


@pytest.fixture
def invitation_factory() -> type[factories.InvitationFactory]:
    return factories.InvitationFactory


@pytest.fixture
def password() -> str:
    return factories.TEST_PASSWORD


@pytest.fixture
def team(db: None) -> Team:
    return factories.TeamFactory.create(name="Support EMEA")


@pytest.fixture
def other_team(db: None) -> Team:
    return factories.TeamFactory.create(name="Support APAC")


@pytest.fixture
def lead(team: Team) -> User:
    user = factories.UserFactory.create(name="Lena Lead", email="lead@example.test")
    factories.MembershipFactory.create(user=user, team=team, role=Membership.Role.LEAD)
    return user


@pytest.fixture
def member(team: Team) -> User:
    user = factories.UserFactory.create(name="Aiko Agent", email="agent@example.test")
    factories.MembershipFactory.create(user=user, team=team)
    return user


@pytest.fixture
def outsider(other_team: Team) -> User:
    """A lead of another team: sees nothing of ``team``."""
    user = factories.UserFactory.create(name="Olaf Outsider", email="outsider@example.test")
    factories.MembershipFactory.create(user=user, team=other_team, role=Membership.Role.LEAD)
    return user


@pytest.fixture
def admin_user(db: None) -> User:
    return factories.UserFactory.create(
        name="Ada Admin", email="admin@example.test", is_staff=True, is_superuser=True
    )


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


AssertQueries = Callable[[int], AbstractContextManager[CaptureQueriesContext]]


@pytest.fixture
def assert_queries(db: None) -> AssertQueries:
    """``with assert_queries(9): ...`` fails unless the block makes exactly 9 SQL queries.

    On a mismatch the failure shows expected and actual counts and every captured statement,
    numbered, one a line, without needing ``-v``.
    """

    @contextmanager
    def check(expected: int) -> Iterator[CaptureQueriesContext]:
        with CaptureQueriesContext(connection) as ctx:
            yield ctx
        actual = len(ctx.captured_queries)
        if actual != expected:
            statements = "\n".join(
                f"{n}. {query['sql']}" for n, query in enumerate(ctx.captured_queries, start=1)
            )
            pytest.fail(
                f"expected {expected} queries, got {actual} ({connection.vendor}):\n{statements}"
            )

    return check


@pytest.fixture
def api_as() -> Callable[[User], APIClient]:
    """An API client authenticated with a real token of ``user``."""

    def make(user: User) -> APIClient:
        _token, key = api_token_create(user=user, name="tests")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def sop_published(db: None) -> Any:
    return factories.sop_published


@pytest.fixture
def module_with_lessons(db: None) -> Any:
    return factories.module_with_lessons


@pytest.fixture
def skill_factory(db: None) -> Any:
    return factories.SkillFactory


@pytest.fixture
def quiz_published(db: None) -> Any:
    return factories.quiz_published


@pytest.fixture
def quiz(db: None) -> Any:
    """Three single-choice questions, weight 1, bands Low (0), Mid (1.5), High (2.5)."""
    return factories.quiz_published()


def broker_connections_reset() -> None:
    """Drop pooled broker connections so the next publish uses the current ``broker_url``."""
    from kombu import pools

    from config.celery import app

    celery: Any = app
    if celery._pool is not None:
        celery._pool.force_close_all()
        celery._pool = None
    celery.amqp._producer_pool = None
    pools.reset()  # kombu's process-wide registry would hand back a closed pool


@pytest.fixture
def catalogue(db: None, member: User, lead: User) -> Any:
    """Two skills, an "agent" role profile with targets, and the member measured against it."""
    escalations = factories.SkillFactory.create(
        slug="escalations", name="Escalation handling", position=1
    )
    metrics = factories.SkillFactory.create(slug="kpi-literacy", name="Service metrics", position=2)
    agent = RoleProfile.objects.create(slug="agent", name="Agent")
    SkillTarget.objects.create(role_profile=agent, skill=escalations, level=0.7)
    SkillTarget.objects.create(role_profile=agent, skill=metrics, level=0.6)
    LearnerProfile.objects.create(user=member, role_profile=agent)
    module = factories.module_with_lessons(lessons=1, title="Handling escalations")
    module.skills.add(escalations)
    return {"escalations": escalations, "metrics": metrics, "profile": agent, "module": module}


@pytest.fixture
def cache_down(settings: Any) -> None:
    """The cache points at a port where no Redis listens (a Redis outage, without stopping
    the shared server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with pytest.raises(redis.ConnectionError):
        cache.get("probe")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real OpenID provider (node's oidc-provider) on 127.0.0.1, for the single sign-on
    tests (tests/sso/). Started once, stopped at the end."""
    from tests.sso import provider

    require(provider.available(), "node and npm's oidc-provider (npm ci)")
    with provider.provider_running(tmp_path_factory.mktemp("oidc-provider")) as running:
        yield running
