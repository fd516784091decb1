"""The login limit holds under 20 parallel wrong passwords: exactly 5 are checked.

Runs against a real threaded HTTP server (``live_server``); in CI the counter lives in Redis.
"""

import json
import os
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.conf import settings

from accounts import login_limit as accounts_login_limit

pytestmark = pytest.mark.django_db(transaction=True)


def post_json(url: str, payload: dict) -> int:
    request = urllib.request.Request(  # noqa: S310
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_twenty_parallel_wrong_passwords_check_exactly_five(live_server, member):
    if os.environ.get("CI", "").lower() == "true":
        # the point is an atomic counter shared by every web process: Redis in CI
        assert str(settings.CACHES["default"]["BACKEND"]).endswith("RedisCache")
    url = f"{live_server.url}/api/v1/auth/token/"
    start = Barrier(20)

    def attempt(_: int) -> int:
        start.wait()
        return post_json(url, {"email": member.email, "password": "wrong-password"})

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = Counter(pool.map(attempt, range(20)))

    assert statuses == Counter({400: 5, 429: 15})
    assert accounts_login_limit.login_failures_count(member.email) == 20
