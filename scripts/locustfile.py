"""The quiz-day scenario for ``make loadtest`` (scripts/loadtest.py starts Locust with it).

Learners (API, token auth) and candidates (their invitation pages) all wait until every user
is spawned. Then, with ``LOADTEST_ARRIVAL`` seconds (the realistic quiz day), each arrives at
its own moment of a Poisson process that brings them all within that window — given their
number, the arrival times of a Poisson process are independent and uniform over the window,
so each taker draws one (seeded: ``LOADTEST_SEED``); with ``0`` (the stress case) they all
start at the same moment. Each answers every question with a think time (uniform around
``LOADTEST_THINK``), revisits one answer, submits and polls until the attempt is scored. A floor user calls
``/healthz`` through the same stack at a steady pace, so a ratio can be taken on a noisy
machine. What each client saved is written to ``LOADTEST_OUT`` for the comparison with the
database. Traffic goes to the host Locust is given (scripts/loadtest.py: 127.0.0.1 only).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from typing import Any

import gevent
from gevent.event import Event
from locust import constant, constant_throughput, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"], encoding="utf-8").read())  # noqa: SIM115
THINK = float(os.environ.get("LOADTEST_THINK", "0"))
POLL = float(os.environ.get("LOADTEST_POLL", "2"))  # as the result page does
SCORED_TIMEOUT = float(os.environ.get("LOADTEST_SCORED_TIMEOUT", "120"))
OUT = os.environ["LOADTEST_OUT"]
CPU_OUT = os.environ.get("LOADTEST_CPU_OUT", "")
CPU_DUR = re.compile(r"cpu;dur=([0-9.]+)")
CPU: dict[str, list[float]] = {}

GO = Event()  # set once every user is spawned: the start of the quiz day
ARRIVAL = float(os.environ.get("LOADTEST_ARRIVAL", "0"))
_ARRIVALS = random.Random(int(os.environ.get("LOADTEST_SEED", "30")))
LEARNERS = itertools.count()
CANDIDATES = itertools.count()
RECORDS: list[dict[str, Any]] = []
TAKERS = len(PLAN["learners"]) + len(PLAN["candidates"])
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
ATTEMPT_URL = re.compile(r"/attempts/([0-9a-f-]{36})/")


@events.spawning_complete.add_listener
def _go(user_count: int, **_kwargs: Any) -> None:
    GO.set()


@events.request.add_listener
def _web_cpu(name: str, response: Any = None, **_kwargs: Any) -> None:
    """The web CPU the server spent on the request (its ``Server-Timing`` header, sent with
    ``REQUEST_CPU_TIMING=1``: scripts/loadtest.py turns it on), per endpoint."""
    header = getattr(response, "headers", None)
    found = CPU_DUR.search((header.get("Server-Timing") or "") if header is not None else "")
    if found:
        CPU.setdefault(name, []).append(float(found.group(1)))


@events.test_stop.add_listener
def _save(**_kwargs: Any) -> None:
    with open(OUT, "w", encoding="utf-8") as out:
        json.dump(RECORDS, out)
    if CPU_OUT:
        with open(CPU_OUT, "w", encoding="utf-8") as out:
            json.dump(CPU, out)


def _finished(environment: Any) -> None:
    """Quit once every taker is done, after Locust's periodic CSV write (every second) has
    taken in the last taker's figures."""
    if len(RECORDS) >= TAKERS and environment.runner is not None:
        gevent.spawn_later(2.5, environment.runner.quit)


def _arrive() -> None:
    """Wait for the quiz day to begin, then for this taker's arrival within the window."""
    GO.wait()
    if ARRIVAL > 0:
        gevent.sleep(_ARRIVALS.uniform(0, ARRIVAL))


def _think() -> None:
    if THINK > 0:
        gevent.sleep(random.uniform(0, 2 * THINK))


def _resent_once(record: dict[str, Any], send: Any) -> Any:
    """``send()``, and once more if it got no answer at all (status 0: the server closed the
    idle keep-alive connection as it was reused), as a browser does; counted in the record
    (the load test prints how many). Only for requests harmless to repeat (answers, submit)."""
    response = send()
    if response.status_code == 0:
        record["resent"] = record.get("resent", 0) + 1
        response = send()
    return response


def _record_scored(environment: Any, started: float, ok: bool) -> None:
    environment.events.request.fire(
        request_type="WAIT",
        name="submit→scored",
        response_time=(time.monotonic() - started) * 1000,
        response_length=0,
        exception=None if ok else TimeoutError("not scored in time"),
        context={},
    )


def _take_once(user: Any, kind: str) -> None:
    """One taker's whole quiz (``user._take``), recorded for the comparison with the database;
    a broken response stops this taker and counts as an error. Then the user stops."""
    record: dict[str, Any] = {"kind": kind, "attempt": None, "answers": {}}
    try:
        user._take(record)
    except Exception as exc:
        record["error"] = repr(exc)
        user.environment.events.request.fire(
            request_type="ERROR",
            name="client error",
            response_time=0,
            response_length=0,
            exception=exc,
            context={},
        )
    finally:
        RECORDS.append(record)
        _finished(user.environment)
    raise StopUser


class Learner(FastHttpUser):
    """Takes the quiz through the API with its own token."""

    fixed_count = len(PLAN["learners"])
    wait_time = constant(0)

    def on_start(self) -> None:
        self.key = PLAN["learners"][next(LEARNERS)]
        self.headers = {"Authorization": f"Token {self.key}"}
        _arrive()

    @task
    def take_the_quiz(self) -> None:
        _take_once(self, "learner")

    def _take(self, record: dict[str, Any]) -> None:
        quiz = PLAN["quiz"]
        with self.client.post(
            f"/api/v1/quizzes/{quiz}/attempts/",
            headers=self.headers,
            name="start",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"start: {response.status_code}")
                return
            body = response.json()
        attempt = record["attempt"] = body["id"]
        questions = body["questions"]
        for question in questions:
            _think()
            self._answer(record, attempt, question, random.choice(question["choices"]))
        revisit = random.choice(questions)
        _think()
        self._answer(
            record, attempt, revisit, random.choice(revisit["choices"]), "answer (revisit)"
        )
        started = time.monotonic()
        with _resent_once(
            record,
            lambda: self.client.post(
                f"/api/v1/attempts/{attempt}/submit/",
                headers=self.headers,
                name="submit",
                catch_response=True,
            ),
        ) as response:
            if response.status_code != 202:
                response.failure(f"submit: {response.status_code}")
                return
        record["submitted"] = True
        while time.monotonic() - started < SCORED_TIMEOUT:
            gevent.sleep(POLL)
            with self.client.get(
                f"/api/v1/attempts/{attempt}/",
                headers=self.headers,
                name="poll",
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"poll: {response.status_code}")
                    continue
                if response.json()["status"] == "scored":
                    # the read that finds the score is the result, not a poll: it carries the
                    # whole review, and the web CPU per endpoint tells the two apart
                    response.request_meta["name"] = "result"
                    record["scored"] = True
                    _record_scored(self.environment, started, True)
                    return
        _record_scored(self.environment, started, False)

    def _answer(
        self,
        record: dict[str, Any],
        attempt: str,
        question: dict[str, Any],
        choice: dict[str, Any],
        name: str = "answer",
    ) -> None:
        with self.client.put(
            f"/api/v1/attempts/{attempt}/answers/{question['id']}/",
            json={"choices": [choice["id"]]},
            headers=self.headers,
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                record["answers"][str(question["id"])] = [choice["id"]]
            else:
                response.failure(f"answer: {response.status_code}")


class Candidate(FastHttpUser):
    """Takes the quiz through an invitation link: the candidate pages, as a browser would
    (the form posts the page's autosave makes, with the CSRF token)."""

    fixed_count = len(PLAN["candidates"])
    wait_time = constant(0)

    def on_start(self) -> None:
        self.token = PLAN["candidates"][next(CANDIDATES)]
        _arrive()

    @task
    def take_the_quiz(self) -> None:
        _take_once(self, "candidate")

    def _post(
        self, url: str, data: dict[str, Any], name: str, record: Any = None, **kwargs: Any
    ) -> Any:
        """POST as the quiz page does; with ``record`` (answers and the submit), resent once
        if it got no answer at all (``_resent_once``)."""
        if record is not None:
            return _resent_once(record, lambda: self._send(url, data, name, **kwargs))
        return self._send(url, data, name, **kwargs)

    def _send(self, url: str, data: dict[str, Any], name: str, **kwargs: Any) -> Any:
        return self.client.post(
            url,
            data=data,
            name=name,
            catch_response=True,
            headers={"X-CSRFToken": self.csrf, "Referer": f"{self.host}{url}", **kwargs},
            allow_redirects=False,
        )

    def _take(self, record: dict[str, Any]) -> None:
        base = f"/c/{self.token}/"
        with self.client.get(base, name="candidate intro", catch_response=True) as response:
            found = CSRF.search(response.content or b"")
            if response.status_code != 200 or not found:
                response.failure(f"intro: {response.status_code}")
                return
            self.csrf = found.group(1).decode()
        with self._post(base, {"csrfmiddlewaretoken": self.csrf}, "candidate start") as response:
            location = (response.headers or {}).get("Location", "")
            match = ATTEMPT_URL.search(location)
            if response.status_code != 302 or not match:
                response.failure(f"start: {response.status_code} {location}")
                return
        attempt = record["attempt"] = match.group(1)
        pages = f"{base}attempts/{attempt}/"
        with self.client.get(pages, name="candidate take page", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"take page: {response.status_code}")
                return
        questions = PLAN["questions"]
        for question in questions:
            _think()
            self._answer(record, pages, question, random.choice(question["choices"]))
        revisit = random.choice(questions)
        _think()
        self._answer(
            record, pages, revisit, random.choice(revisit["choices"]), "candidate answer (revisit)"
        )
        started = time.monotonic()
        with self._post(f"{pages}submit/", {}, "candidate submit", record) as response:
            if response.status_code != 302:
                response.failure(f"submit: {response.status_code}")
                return
        record["submitted"] = True
        while time.monotonic() - started < SCORED_TIMEOUT:
            gevent.sleep(POLL)
            with self.client.get(
                f"{pages}result/", name="candidate poll", catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"poll: {response.status_code}")
                    continue
                if b'hx-trigger="every 2s"' not in (response.content or b""):
                    response.request_meta["name"] = "candidate result"
                    record["scored"] = True
                    _record_scored(self.environment, started, True)
                    return
        _record_scored(self.environment, started, False)

    def _answer(
        self,
        record: dict[str, Any],
        pages: str,
        question: dict[str, Any],
        choice: int,
        name: str = "candidate answer",
    ) -> None:
        url = f"{pages}answers/{question['id']}/"
        data = {"csrfmiddlewaretoken": self.csrf, f"q{question['id']}": str(choice)}
        with self._post(url, data, name, record, **{"HX-Request": "true"}) as response:
            if response.status_code == 200:
                record["answers"][str(question["id"])] = [choice]
            else:
                response.failure(f"answer: {response.status_code}")


class Floor(FastHttpUser):
    """Two bare endpoints through the same stack, a few times a second: the floors.
    ``/healthz`` (no authentication; it asks the broker) for the response times, and
    ``/api/v1/auth/ping/`` (a learner's token, the same middleware and authentication as every
    API call, nothing else) for the web CPU each endpoint is compared with."""

    fixed_count = 1
    wait_time = constant_throughput(float(os.environ.get("LOADTEST_FLOOR_RATE", "5")))

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Token {PLAN['learners'][0]}"}
        GO.wait()

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="floor /healthz")

    @task
    def ping(self) -> None:
        self.client.get("/api/v1/auth/ping/", headers=self.headers, name="floor ping")
