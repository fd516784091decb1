"""The login limits (django-axes, ``accounts/lockout.py``) on the login page, the admin login and
the token API: 5 failures for one account from one address lock that address out of that
account only; 30 failures from one address, whatever the accounts, lock that address; a lock
ends 15 minutes after the last counted failure. Counted in the database: logging in works, and
is limited, with Redis down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from threading import Barrier
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.db.models import F, Sum
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from accounts import lockout, services
from accounts.models import ApiToken, User
from tests import factories

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.10"
OWNER = "198.51.100.20"
WINDOW = timedelta(minutes=15)
LOCKED = "Too many failed logins. Try again in 15 minutes."
WRONG = "The email or password is not correct."


@dataclass(frozen=True)
class Surface:
    """One way to log in, and how it answers."""

    name: str
    post: Callable[[str, str, dict[str, str]], Any]
    success: int
    failure: int

    def login(self, email: str, password: str, address: str = ATTACKER, **meta: str) -> Any:
        return self.post(email, password, {"REMOTE_ADDR": address, **meta})


def _page(email: str, password: str, meta: dict[str, str]) -> Any:
    return Client().post("/accounts/login/", {"email": email, "password": password}, **meta)


def _admin(email: str, password: str, meta: dict[str, str]) -> Any:
    return Client().post("/admin/login/", {"username": email, "password": password}, **meta)


def _api(email: str, password: str, meta: dict[str, str]) -> Any:
    return APIClient().post(
        "/api/v1/auth/token/", {"email": email, "password": password}, format="json", **meta
    )


PAGE = Surface("page", _page, success=302, failure=200)
ADMIN = Surface("admin", _admin, success=302, failure=200)
API = Surface("api", _api, success=201, failure=400)
SURFACES = pytest.mark.parametrize("surface", [PAGE, ADMIN, API], ids=lambda s: s.name)


def refusal(response: Any) -> str:
    """The error the answer shows: the form's error on a page, ``detail`` from the API."""
    if response["Content-Type"].startswith("application/json"):
        return str(response.json()["detail"])
    return " ".join(response.context["form"].non_field_errors())


def failures_counted(**filters: Any) -> int:
    total = AccessAttempt.objects.filter(**filters).aggregate(n=Sum("failures_since_start"))["n"]
    return int(total or 0)


def move_back(delta: timedelta) -> None:
    """Move every recorded failure ``delta`` into the past (as if that much time went by)."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)


@SURFACES
def test_five_wrong_passwords_lock_that_address_out_of_that_account(surface, admin_user, password):
    statuses = [surface.login(admin_user.email, "wrong").status_code for _ in range(5)]
    # the fifth failure reaches the limit and says so
    assert statuses == [surface.failure] * 4 + [429]

    response = surface.login(admin_user.email, password)
    assert response.status_code == 429
    assert refusal(response) == LOCKED
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    assert not ApiToken.objects.exists()
    # refused tries are not counted, so they do not push the end of the lock further
    assert failures_counted(username=admin_user.email) == 5


@SURFACES
def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(surface, admin_user, password):
    for _ in range(5):
        surface.login(admin_user.email, "wrong", address=ATTACKER)
    assert surface.login(admin_user.email, password, address=ATTACKER).status_code == 429

    assert surface.login(admin_user.email, password, address=OWNER).status_code == surface.success


def test_the_page_the_admin_and_the_api_share_the_count(admin_user, password):
    PAGE.login(admin_user.email, "wrong")
    PAGE.login(admin_user.email, "wrong")
    ADMIN.login(admin_user.email, "wrong")
    API.login(admin_user.email, "wrong")
    assert API.login(admin_user.email, "wrong").status_code == 429
    for surface in (PAGE, ADMIN, API):
        assert surface.login(admin_user.email, password).status_code == 429


def test_a_locked_address_can_still_log_into_other_accounts(member, lead, password):
    for _ in range(5):
        PAGE.login(member.email, "wrong")
    assert PAGE.login(member.email, password).status_code == 429
    assert PAGE.login(lead.email, password).status_code == 302


def test_a_success_clears_that_accounts_failures_from_that_address(member, password):
    for _ in range(4):
        API.login(member.email, "wrong")
    assert API.login(member.email, password).status_code == 201
    statuses = [API.login(member.email, "wrong").status_code for _ in range(4)]
    assert statuses == [400] * 4


def test_the_lock_ends_when_the_window_after_the_last_failure_ends(member, password):
    for _ in range(5):
        PAGE.login(member.email, "wrong")

    move_back(WINDOW - timedelta(minutes=10))
    response = PAGE.login(member.email, password)
    assert response.status_code == 429
    assert refusal(response) == "Too many failed logins. Try again in 10 minutes."
    assert 9 * 60 < int(response["Retry-After"]) <= 10 * 60

    move_back(timedelta(minutes=10, seconds=1))
    assert PAGE.login(member.email, password).status_code == 302


def test_credential_stuffing_locks_the_address(db, password, settings):
    assert settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS == 30
    accounts = factories.UserFactory.create_batch(41)

    statuses = [API.login(user.email, "guessed-password").status_code for user in accounts[:40]]

    # each account was tried once; the 30th failure from the address locks the address
    assert statuses == [400] * 29 + [429] * 11
    assert failures_counted(ip_address=ATTACKER) == 30
    # even a right password is refused from there, at an account never tried before
    response = API.login(accounts[40].email, password)
    assert response.status_code == 429
    assert response.json() == {"detail": LOCKED, "code": "too_many_attempts"}
    # while everybody elsewhere logs in
    assert API.login(accounts[0].email, password, address=OWNER).status_code == 201


def test_a_success_from_the_address_does_not_reset_its_count(db, member, password):
    others = factories.UserFactory.create_batch(30)
    for user in others[:29]:
        assert API.login(user.email, "guessed-password").status_code == 400

    # the attacker logs into an account of their own in between
    assert API.login(member.email, password).status_code == 201

    assert API.login(others[29].email, "guessed-password").status_code == 429


def test_a_password_reset_lifts_the_accounts_lock_for_every_address(member, password):
    for address in (ATTACKER, OWNER):
        for _ in range(5):
            PAGE.login(member.email, "wrong", address=address)
    assert PAGE.login(member.email, password, address=OWNER).status_code == 429

    services.login_limit_lift(user=member)

    assert PAGE.login(member.email, password, address=OWNER).status_code == 302
    assert PAGE.login(member.email, password, address=ATTACKER).status_code == 302


# --- the client's address ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "", "192.0.2.1"),
        (0, "203.0.113.5", "192.0.2.1"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "192.0.2.1"),
        (1, "not-an-address", "192.0.2.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
    ids=[
        "no-proxy",
        "no-proxy-ignores-forwarded-for",
        "one-proxy",
        "one-proxy-ignores-forged-entries",
        "two-proxies",
        "fewer-entries-than-proxies",
        "garbage",
        "ipv6",
    ],
)
def test_the_client_address(settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    meta = {"REMOTE_ADDR": "192.0.2.1"}
    if forwarded_for:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    assert lockout.client_ip_address(RequestFactory().get("/", **meta)) == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "0"),
        ({"USE_X_FORWARDED_PROTO": "1"}, "1"),
        ({"USE_X_FORWARDED_PROTO": "1", "TRUSTED_PROXY_COUNT": "2"}, "2"),
    ],
    ids=["no-proxy", "the-tls-proxy", "set"],
)
def test_trusted_proxies_default_to_the_proxy_use_x_forwarded_proto_announces(env, expected):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"USE_X_FORWARDED_PROTO", "TRUSTED_PROXY_COUNT", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)",
        ],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", **env},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_dodge_the_limit(member):
    statuses = [
        PAGE.login(member.email, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(5)
    ]
    assert statuses == [200] * 4 + [429]


def test_behind_a_proxy_each_client_address_has_its_own_count(settings, member, password):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    for n in range(5):
        PAGE.login(
            member.email, "wrong", address=proxy, HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, {ATTACKER}"
        )

    attacker = PAGE.login(member.email, password, address=proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    owner = PAGE.login(member.email, password, address=proxy, HTTP_X_FORWARDED_FOR=OWNER)
    assert (attacker.status_code, owner.status_code) == (429, 302)


# --- Redis down ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("cache_down")
@SURFACES
def test_logging_in_works_and_is_limited_with_redis_down(surface, admin_user, password):
    assert surface.login(admin_user.email, password).status_code == surface.success
    statuses = [surface.login(admin_user.email, "wrong").status_code for _ in range(5)]
    assert statuses == [surface.failure] * 4 + [429]
    assert surface.login(admin_user.email, password).status_code == 429
    assert surface.login(admin_user.email, password, address=OWNER).status_code == surface.success


@pytest.mark.usefixtures("cache_down")
def test_the_login_page_shows_with_redis_down(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "Log in to Readiness" in response.content.decode()


# --- the admin sees and clears lockouts ----------------------------------------------------------


def test_the_admin_lists_failed_logins(client, admin_user, member):
    for _ in range(5):
        PAGE.login(member.email, "wrong")
    client.force_login(admin_user)
    response = client.get("/admin/axes/accessattempt/")
    assert response.status_code == 200
    assert member.email in response.content.decode()


# --- parallel tries (PostgreSQL) -----------------------------------------------------------------


def post_json(url: str, payload: dict[str, str]) -> int:
    request = urllib.request.Request(  # noqa: S310
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_wrong_passwords_are_all_counted(
    postgres, live_server, member, password, monkeypatch
):
    """What axes guarantees under concurrency: it checks the lock before the password and
    counts the failure after it, under a row lock. So every checked wrong password is counted
    exactly once (no lost update), at most 4 tries answer "wrong password" (the 5th failure
    counted answers 429 whatever the order), and the lock holds right after the burst. Tries
    already past the check when the limit is reached are still checked: at most one per
    request in flight (here 20, since the test server has a thread per request; in production
    the web processes' threads bound it)."""
    checked: list[str] = []
    check_password = User.check_password

    def counting_check(user: User, raw_password: str) -> bool:
        checked.append(raw_password)
        return check_password(user, raw_password)

    monkeypatch.setattr(User, "check_password", counting_check)
    url = f"{live_server.url}/api/v1/auth/token/"
    start = Barrier(20)

    def attempt(_: int) -> int:
        start.wait()
        return post_json(url, {"email": member.email, "password": "wrong-password"})

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = Counter(pool.map(attempt, range(20)))

    assert set(statuses) <= {400, 429}
    assert statuses[400] <= 4
    assert 5 <= len(checked) <= 20
    assert failures_counted(username=member.email) == len(checked)
    assert post_json(url, {"email": member.email, "password": password}) == 429
