"""The bad-input corpus: the probe's cases (issue "Trust II") and their neighbours, sent to every
upload endpoint, every searchable list and every URL that takes an id.

Every answer must be a clear refusal, never a 5xx: a 4xx with a message in the API's error
format, or the page again with a message on it. And every case must stay within a bound of
time (``perf_counter``, generous for a loaded CI runner) and memory (``tracemalloc``'s peak,
the request's own allocations: bodies are encoded before the measure starts), which the limits
in ``core/limits.py`` are there to guarantee. Markdown rendering has its own adversarial tests.

Uploads: the SOP import (page and API), the question-bank import (GIFT/Aiken; page and API),
the findings CSV (page and API), the QA review import (page and API) and the signed webhook.
Cases: a truncated XLSX, an XLSX with a DTD, the probe's XLSX bomb (136 KB that expands to
45 MB), a wall of empty rows, the probe's million-column CSV, run-on rows, NUL in text and in
YAML front matter, a billion-laughs .docx, a zip bomb, and a file one byte over each limit.
"""

from __future__ import annotations

import io
import json
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import api_token_create
from assessments import services as assessments_services
from assessments.models import Question
from core import limits
from core.ids import IdConverter
from qa.reviews import sources as review_sources
from qa.reviews.webhook import webhook_signature
from tests import bad_inputs, factories
from tests.docx_builder import DocxBuilder, run
from tests.qa import review_exports as exports

pytestmark = pytest.mark.django_db

SECONDS = 5.0  # per case, on SQLite or PostgreSQL, on a CI runner that is doing other things
MEMORY = 100 * 1024 * 1024  # tracemalloc's peak per case
MB = 1024 * 1024


@contextmanager
def bounded(case: str, failures: list[str]) -> Iterator[None]:
    """Note in ``failures`` a case that took longer than ``SECONDS`` or ``MEMORY``."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield
    finally:
        took = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        if took > SECONDS:
            failures.append(f"{case}: {took:.1f} s")
        if peak > MEMORY:
            failures.append(f"{case}: {peak / MB:.0f} MB")


# --- the cases ---------------------------------------------------------------------------------


def _billion_laughs_docx() -> bytes:
    """A .docx whose document declares nine levels of ten entities (10⁹ "lol"s)."""
    entities = b'<!ENTITY l0 "lol">' + b"".join(
        b'<!ENTITY l%d "%s">' % (n, b"".join(b"&l%d;" % (n - 1) for _ in range(10)))
        for n in range(1, 10)
    )
    # A marker in the text, then replaced by a reference to the top entity.
    doc = DocxBuilder().heading("Refunds").paragraph(run("Check the receipt. ENTITY-HERE"))
    parts = doc.parts()
    body = parts["word/document.xml"].replace(b"ENTITY-HERE", b"&l9;")
    start = body.index(b"<w:document")
    parts["word/document.xml"] = (
        body[:start] + b"<!DOCTYPE w:document [" + entities + b"]>" + body[start:]
    )
    return doc.build(parts)


def _zip_bomb() -> bytes:
    """An archive of one .md entry that expands to 60 MB (60 KB on disk)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.md", b"# Bomb\n\n" + b"a" * (60 * MB))
    return out.getvalue()


# name → (file name, builder). Each upload endpoint receives every case.
CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "xlsx-truncated": ("export.xlsx", bad_inputs.xlsx_truncated),
    "xlsx-dtd": ("export.xlsx", bad_inputs.xlsx_dtd),
    "xlsx-bomb": ("export.xlsx", bad_inputs.xlsx_bomb),
    "xlsx-empty-rows": ("export.xlsx", lambda: bad_inputs.xlsx_blank_rows(150_000)),
    "xlsx-wide": ("export.xlsx", lambda: bad_inputs.xlsx_wide(5000)),
    "csv-wide": ("wide.csv", lambda: bad_inputs.wide_csv(1_000_006, 200)),  # 7.9 MB
    "csv-run-on-rows": ("export.csv", lambda: bad_inputs.wide_rows_csv("a,b", 600_000, 3)),
    "nul-binary": ("export.csv", lambda: b"agent_email,x\n" + b"\x00" * 5000),
    "nul-late": ("notes.md", lambda: b"# Notes\n\n" + b"Some text.\n" * 500 + b"a NUL\x00\n"),
    "nul-front-matter": ("refunds.md", lambda: b'---\ntitle: "Refunds\\0"\n---\n\nCheck.\n'),
    "docx-billion-laughs": ("refunds.docx", _billion_laughs_docx),
    "zip-bomb": ("sops.zip", _zip_bomb),
    "gift-many-answers": ("bank.gift", lambda: b"Q? {=a " + b"~b " * 1_000_000 + b"}\n"),
}


@cache
def case_bytes(name: str) -> bytes:
    return CASES[name][1]()


# --- the world and the endpoints ----------------------------------------------------------------


@dataclass
class World:
    admin: User
    lead: User
    member: User
    team: Any
    quiz: Any
    source: Any
    attempt: Any


@pytest.fixture
def world(admin_user, lead, member, team, catalogue) -> World:
    source, _secret = review_sources.review_source_create(
        team=team,
        created_by=lead,
        name="Zendesk QA export",
        columns=exports.LONG_MAPPING,
        webhook_enabled=True,
    )
    quiz = factories.quiz_published()
    attempt = assessments_services.attempt_start(quiz=quiz, user=member)
    return World(admin_user, lead, member, team, quiz, source, attempt)


def page_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user: User) -> APIClient:
    _token, key = api_token_create(user=user, name="corpus")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@dataclass(frozen=True)
class Upload:
    """An upload endpoint: who sends to it, its URL, its other fields, its size limit, and the
    cases that are good input for it (only bounded, not refused)."""

    url: Callable[[World], str]
    user: Callable[[World], User]
    fields: Callable[[World], dict[str, Any]]
    limit: int
    api: bool
    accepts: frozenset[str] = frozenset()


UPLOADS = {
    "sop-page": Upload(
        lambda w: "/import/sops/", lambda w: w.admin, lambda w: {}, limits.ZIP.bytes or 0, False
    ),
    "sop-api": Upload(
        lambda w: "/api/v1/sops/import/",
        lambda w: w.admin,
        lambda w: {"dry_run": "true"},
        limits.ZIP.bytes or 0,
        True,
    ),
    "question-bank-page": Upload(
        lambda w: "/question-bank/import/",
        lambda w: w.admin,
        lambda w: {"quiz": w.quiz.pk, "format": "gift"},
        limits.GIFT.bytes or 0,
        False,
    ),
    "question-bank-api": Upload(
        lambda w: "/api/v1/quizzes/import/",
        lambda w: w.admin,
        lambda w: {"quiz": w.quiz.pk, "format": "gift", "dry_run": "true"},
        limits.GIFT.bytes or 0,
        True,
    ),
    "findings-page": Upload(
        lambda w: f"/teams/{w.team.pk}/findings/import/",
        lambda w: w.lead,
        lambda w: {},
        limits.FINDINGS.bytes or 0,
        False,
    ),
    "findings-api": Upload(
        lambda w: "/api/v1/qa-findings/import/",
        lambda w: w.lead,
        lambda w: {"dry_run": "true"},
        limits.FINDINGS.bytes or 0,
        True,
    ),
    "review-import-page": Upload(
        lambda w: f"/teams/{w.team.pk}/qa-sources/{w.source.pk}/import/",
        lambda w: w.lead,
        lambda w: {},
        limits.CSV.bytes or 0,
        False,
        # A CSV of one column named "---": the page goes on to map its columns.
        accepts=frozenset({"nul-front-matter"}),
    ),
    "review-import-api": Upload(
        lambda w: f"/api/v1/qa-review-sources/{w.source.pk}/import/",
        lambda w: w.lead,
        lambda w: {"dry_run": "true"},
        limits.CSV.bytes or 0,
        True,
    ),
}


def page_messages(response: Any) -> list[str]:
    """What the page tells the person: form errors, an import's problems, flash messages."""
    found: list[str] = []
    for context in response.context or []:
        for value in context.flatten().values():
            errors = getattr(value, "errors", None)
            if isinstance(errors, dict):
                found += [str(m) for messages in errors.values() for m in messages]
            problems = getattr(value, "problems", None)
            if isinstance(problems, list | tuple):
                found += [str(getattr(p, "message", p)) for p in problems]
    found += [str(m) for m in getattr(response.wsgi_request, "_messages", [])]
    return [m for m in found if m]


def refusal(response: Any, *, api: bool) -> str:
    """Why ``response`` is not a clear refusal, or ``""`` when it is one: a 4xx with a
    ``detail`` and a ``code``, or a dry run's preview listing the file's problems (which a
    preview answers with a 200), or the page again with a message."""
    if response.status_code >= 500:
        return f"{response.status_code}"
    if api:
        body = response.json()
        if 400 <= response.status_code < 500:
            return "" if body.get("detail") and body.get("code") else f"{str(body)[:200]}"
        if response.status_code == 200 and body.get("dry_run") and body.get("problems"):
            return ""
        return f"{response.status_code}: {str(body)[:200]}"
    if response.status_code != 200:
        return f"{response.status_code}, not the page again"
    return "" if page_messages(response) else "no message on the page"


def multipart(fields: dict[str, Any], filename: str, data: bytes) -> bytes:
    """The form with the file, encoded before the measure starts (the test client's copies
    of a 50 MB body are not the server's memory)."""
    return encode_multipart(BOUNDARY, {**fields, "file": SimpleUploadedFile(filename, data)})


@pytest.mark.parametrize("endpoint", UPLOADS, ids=list(UPLOADS))
def test_every_upload_endpoint_refuses_every_bad_file_clearly_and_within_bounds(world, endpoint):
    upload = UPLOADS[endpoint]
    user = upload.user(world)
    client = api_client(user) if upload.api else page_client(user)
    url = upload.url(world)
    client.get(url)  # the first request loads templates and translations: not the case's cost
    failures: list[str] = []
    over = ("over-limit.csv", b"agent_email\n" + b"x" * upload.limit)
    for case, (filename, data) in [
        *((name, (CASES[name][0], case_bytes(name))) for name in CASES),
        ("over-the-limit", over),
    ]:
        body = multipart(upload.fields(world), filename, data)
        with bounded(case, failures):
            response = client.generic("POST", url, body, content_type=MULTIPART_CONTENT)
        problem = refusal(response, api=upload.api)
        if case in upload.accepts:
            problem = f"{response.status_code}" if response.status_code >= 500 else ""
        if problem:
            failures.append(f"{case}: {problem}")
    assert not failures, f"{endpoint}:\n" + "\n".join(failures)


def test_the_signed_webhook_refuses_deep_oversized_and_unreadable_bodies(world):
    secret = review_sources.webhook_secret(world.source)
    url = f"/api/v1/qa-review-sources/{world.source.pk}/webhook/"
    bodies = {
        "deep-json": ('{"rows": ' + bad_inputs.deep_json(100_000) + "}").encode(),
        "over-the-limit": b'{"rows": [' + b" " * (limits.WEBHOOK.bytes or 0) + b"]}",
        "nul-binary": b"\x00" * 5000,
        "not-utf8": b'{"rows": ["\xff\xfe"]}',
        "too-many-rows": json.dumps({"rows": [{}] * ((limits.WEBHOOK.rows or 0) + 1)}).encode(),
    }
    failures: list[str] = []
    for case, body in bodies.items():
        timestamp = str(int(time.time()))
        headers = {
            "HTTP_X_READINESS_TIMESTAMP": timestamp,
            "HTTP_X_READINESS_SIGNATURE": webhook_signature(secret, timestamp, body),
        }
        with bounded(case, failures):
            response = APIClient().generic(
                "POST", url, body, content_type="application/json", **headers
            )
        problem = refusal(response, api=True)
        if problem:
            failures.append(f"{case}: {problem}")
    assert not failures, "\n".join(failures)


def test_json_bodies_too_deep_or_too_large_are_refused_within_bounds(world):
    client = api_client(world.member)
    question = Question.objects.filter(version=world.attempt.quiz_version).first()
    answer_url = f"/api/v1/attempts/{world.attempt.pk}/answers/{question.pk}/"
    deep = bad_inputs.deep_json((limits.JSON_BODY.nesting or 0) + 1)
    cases = {
        "answer-deep": ("PUT", answer_url, f'{{"choices": {deep}}}', 400),
        "answer-recursion": ("PUT", answer_url, bad_inputs.deep_json(100_000), 400),
        "answer-too-large": ("PUT", answer_url, '{"choices": [' + "1," * 2 * MB + "1]}", 413),
        "findings-deep": ("POST", "/api/v1/qa-findings/import/", f'{{"csv": {deep}}}', 400),
        "findings-too-large": (
            "POST",
            "/api/v1/qa-findings/import/",
            json.dumps({"csv": "x" * 3 * MB}),
            413,
        ),
    }
    failures: list[str] = []
    for case, (method, url, body, status) in cases.items():
        client = api_client(world.lead) if "findings" in case else api_client(world.member)
        with bounded(case, failures):
            response = client.generic(method, url, body, content_type="application/json")
        if response.status_code != status or not response.json().get("detail"):
            failures.append(f"{case}: {response.status_code} {response.content[:200]!r}")
    assert not failures, "\n".join(failures)


# --- searchable lists -------------------------------------------------------------------------

NASTY_VALUES = {
    "nul": "a%00b",  # psycopg refuses NUL in text: a 500 on PostgreSQL before
    "long": "x" * 10_000,
    "huge-number": "9" * 30,
    "unicode-digits": "%D9%A3%25_%5C",  # ٣ (an Arabic-Indic three), then LIKE's wildcards
}


def list_pages(world: World) -> list[tuple[User, str, tuple[str, ...]]]:
    """(who, list page, the query parameters it reads)."""
    team = world.team.pk
    return [
        (world.lead, f"/teams/{team}/findings/", ("q", "skill", "member", "source", "page")),
        (world.lead, f"/teams/{team}/candidates/", ("q", "status", "page")),
        (world.lead, f"/teams/{team}/results/", ("q", "status", "quiz", "page")),
        (world.lead, f"/teams/{team}/training/", ("q", "status", "page")),
        (world.lead, f"/teams/{team}/skills/", ("skill", "member")),
        (world.member, "/training/modules/", ("q", "page")),
        (world.member, "/sops/", ("q", "page")),
        (world.member, "/notifications/", ("page",)),
        (world.member, "/practice/", ("answered",)),
        (world.lead, "/api/v1/qa-findings/", ("team", "page")),
        (world.lead, "/api/v1/attempts/", ("team", "page")),
        (world.lead, f"/api/v1/teams/{team}/skill-gaps/", ("min_gap", "skill")),
        (world.member, "/api/v1/notifications/", ("unread", "page")),
    ]


def test_every_searchable_list_answers_nasty_queries_within_bounds(world):
    """Each value in every parameter the list reads at once, then in its first (the search
    box, or the filter a refusal of another parameter could hide) alone."""
    failures: list[str] = []
    for user, url, parameters in list_pages(world):
        client = api_client(user) if url.startswith("/api/") else page_client(user)
        for name, value in NASTY_VALUES.items():
            for query in ("&".join(f"{p}={value}" for p in parameters), f"{parameters[0]}={value}"):
                case = f"{url}?{query[:40]} ({name})"
                with bounded(case, failures):
                    response = client.get(f"{url}?{query}")
                if response.status_code not in (200, 400, 404):  # never a 5xx
                    failures.append(f"{case}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_every_admin_search_answers_nasty_queries(world):
    client = page_client(world.admin)
    failures: list[str] = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.search_fields:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        with bounded(url, failures):
            response = client.get(f"{url}?q={NASTY_VALUES['nul']}")
        if response.status_code != 200:
            failures.append(f"{url}?q=a%00b: {response.status_code}")
    assert not failures, "\n".join(failures)


# --- ids ---------------------------------------------------------------------------------------

HUGE_IDS = {
    "max": str(2**63 - 1),  # fits: the view looks it up and finds nothing
    "just-over": str(2**63),  # the first that a bigint can't hold
    "probe": "99999999999999999999999",  # the probe's PUT …/answers/<this>/ was a 500
}


def id_routes(patterns: list[Any] | None = None, prefix: str = "") -> list[str]:
    """Every route of the site with an ``<id:…>`` in it, as a path with ``{…}`` for each
    parameter."""
    routes: list[str] = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes += id_routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern) and any(
            isinstance(c, IdConverter) for c in pattern.pattern.converters.values()
        ):
            routes.append("/" + prefix + route)
    return routes


def fill(route: str, world: World, huge: str) -> str:
    """The route with ``huge`` for its last id and real values before it where there are
    (the team, the source), so the huge id is what the answer depends on."""
    real = {"team_id": world.team.pk, "source_id": world.source.pk, "attempt_id": world.attempt.pk}
    specs = [piece.split(">", 1)[0] for piece in route.split("<")[1:]]
    last_id = max(n for n, spec in enumerate(specs) if spec.startswith("id:"))
    for n, spec in enumerate(specs):
        kind, _sep, name = spec.partition(":")
        value = huge if n == last_id or (kind == "id" and name not in real) else real.get(name)
        route = route.replace(f"<{spec}>", str(value if value is not None else "x"), 1)
    return route


def test_the_probes_huge_answer_id_is_a_404_not_a_500(world):
    question = Question.objects.filter(version=world.attempt.quiz_version).first()
    client = api_client(world.member)
    for huge in HUGE_IDS.values():
        response = client.put(
            f"/api/v1/attempts/{world.attempt.pk}/answers/{huge}/", {"choices": []}, format="json"
        )
        assert response.status_code == 404, (huge, response.content[:300])
    ok = client.put(
        f"/api/v1/attempts/{world.attempt.pk}/answers/{question.pk}/",
        {"choices": factories.right_choice_ids(question)},
        format="json",
    )
    assert ok.status_code == 200, ok.content[:300]


def test_every_url_with_an_id_answers_huge_ids_without_a_5xx(world):
    routes = id_routes()
    assert len(routes) > 50  # the walk found the site's routes
    failures: list[str] = []
    page, api = page_client(world.admin), api_client(world.admin)
    # The largest id reaches the views (read and write); past it the URL does not match, so
    # one method each is enough.
    requests = [("GET", "max"), ("POST", "max"), ("GET", "just-over"), ("POST", "probe")]
    for route in routes:
        client = api if route.startswith("/api/") else page
        # The admin's catch-all pattern redirects a path it can't match to its "change" page.
        refused = (302, 404) if route.startswith("/admin/") else (404,)
        for method, name in requests:
            url = fill(route, world, HUGE_IDS[name])
            with bounded(f"{method} {url}", failures):
                response = client.generic(method, url, "{}", content_type="application/json")
            beyond = name != "max"
            if response.status_code >= 500 or (beyond and response.status_code not in refused):
                failures.append(f"{method} {route} ({name}): {response.status_code}")
    assert not failures, "\n".join(failures)


def test_every_admin_object_page_answers_huge_ids(world):
    client = page_client(world.admin)
    failures: list[str] = []
    for model in admin.site._registry:
        for huge in HUGE_IDS.values():
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[huge]
            )
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(f"{url}: {response.status_code}")
    assert not failures, "\n".join(failures)
