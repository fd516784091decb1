"""Real concurrency on PostgreSQL: parallel requests through a threaded live server."""

import json
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier, Lock

import pytest
from celery.signals import task_postrun
from django.utils import timezone

from accounts.services import api_token_create
from assessments.models import Attempt, Question
from notifications.models import Notification
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def call(method, url, key, payload=None):
    request = urllib.request.Request(  # noqa: S310
        url,
        data=json.dumps(payload).encode() if payload is not None else None,
        headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
        method=method,
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def in_parallel(n, fn):
    barrier = Barrier(n)

    def run(index):
        barrier.wait()
        return fn(index)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


@pytest.fixture
def scoring_runs():
    """What each run of the scoring task returned (observed through Celery's signal)."""
    runs, lock = [], Lock()

    def record(sender=None, retval=None, **kwargs):
        if sender is not None and sender.name == "assessments.score_attempt":
            with lock:
                runs.append(retval)

    task_postrun.connect(record, weak=False)
    yield runs
    task_postrun.disconnect(record)


def test_parallel_submits_score_exactly_once(postgres, live_server, member, scoring_runs):
    quiz = factories.quiz_published()
    _token, key = api_token_create(user=member)
    status, body = call("POST", f"{live_server.url}/api/v1/quizzes/{quiz.pk}/attempts/", key)
    assert status == 201
    attempt_id = body["id"]
    for question in Question.objects.filter(version__quiz=quiz):
        call(
            "PUT",
            f"{live_server.url}/api/v1/attempts/{attempt_id}/answers/{question.pk}/",
            key,
            {"choices": factories.right_choice_ids(question)},
        )

    results = in_parallel(
        6, lambda _: call("POST", f"{live_server.url}/api/v1/attempts/{attempt_id}/submit/", key)
    )

    assert {status for status, _ in results} == {202}
    attempt = Attempt.objects.get(pk=attempt_id)
    assert (attempt.status, attempt.score) == ("scored", 3.0)
    assert sum(scoring_runs) == 1  # attempts scored by all runs together
    assert Notification.objects.filter(user=member, kind="quiz_result").count() == 1


def test_two_workers_scoring_at_once_share_the_waiting_attempts(postgres):
    """Batches take the waiting attempts ``FOR UPDATE SKIP LOCKED``: two workers scoring at
    the same moment never wait on each other nor score an attempt twice."""
    from django.db import connection

    from assessments import services as assessments_services

    quiz = factories.quiz_published()
    users = factories.UserFactory.create_batch(30)
    ids = [attempt.pk for attempt in factories.attempts_answered_right(quiz, users)]
    # submitted, with their scoring tasks still to come (here, eager tasks would score at once)
    Attempt.objects.filter(pk__in=ids).update(status="submitted", submitted_at=timezone.now())

    def worker(index):
        try:  # each task of this worker's share, as its messages arrive
            return [
                assessments_services.attempts_score(attempt_id=pk, batch=7) for pk in ids[index::2]
            ]
        finally:
            connection.close()

    counts = in_parallel(2, worker)
    assert sum(map(sum, counts)) == 30
    assert set(Attempt.objects.values_list("status", "score")) == {("scored", 3.0)}
    assert Notification.objects.filter(kind="quiz_result").count() == 30


def test_parallel_starts_open_one_attempt(postgres, live_server, member):
    quiz = factories.quiz_published()
    _token, key = api_token_create(user=member)
    results = in_parallel(
        6, lambda _: call("POST", f"{live_server.url}/api/v1/quizzes/{quiz.pk}/attempts/", key)
    )
    statuses = Counter(status for status, _ in results)
    assert statuses == Counter({201: 1, 409: 5})
    [created] = [body for status, body in results if status == 201]
    assert {body["id"] for status, body in results if status == 409} == {created["id"]}
    assert Attempt.objects.count() == 1


def test_an_answer_racing_a_submit_is_either_kept_or_refused(postgres, live_server, member):
    quiz = factories.quiz_published()
    _token, key = api_token_create(user=member)
    _status, body = call("POST", f"{live_server.url}/api/v1/quizzes/{quiz.pk}/attempts/", key)
    attempt_id = body["id"]
    question = Question.objects.filter(version__quiz=quiz).first()
    right = factories.right_choice_ids(question)  # here: a worker thread would open a connection
    url = live_server.url
    answer = lambda: call(  # noqa: E731
        "PUT",
        f"{url}/api/v1/attempts/{attempt_id}/answers/{question.pk}/",
        key,
        {"choices": right},
    )
    submit = lambda: call("POST", f"{url}/api/v1/attempts/{attempt_id}/submit/", key)  # noqa: E731
    jobs = [answer, submit]
    (answer_status, _), (submit_status, _) = in_parallel(2, lambda index: jobs[index]())
    attempt = Attempt.objects.get(pk=attempt_id)
    assert submit_status == 202
    if answer_status == 200:  # saved before the submit: it counts
        assert attempt.score == 1.0
    else:  # refused after the submit: nothing half-saved
        assert answer_status == 409
        assert attempt.score == 0.0
