"""Every API error carries a stable ``code`` (docs/api.md "Error codes"): a domain error
answers its class's code, or the one it was raised with, at its class's status; and the table
in the docs lists exactly the codes the source can answer, each at its status."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from rest_framework import exceptions

from core.api import exception_handler
from core.errors import (
    Conflict,
    DomainError,
    NotFound,
    TooManyAttempts,
    Unavailable,
    ValidationFailed,
)

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "api.md"

# What DRF raises by itself in front of our views: authentication, the CSRF check of a session,
# routing of methods, content negotiation, parsing (core.parsers keeps DRF's ParseError).
DRF_RAISED: list[type[exceptions.APIException]] = [
    exceptions.ParseError,
    exceptions.NotAuthenticated,
    exceptions.AuthenticationFailed,
    exceptions.PermissionDenied,
    exceptions.NotFound,
    exceptions.MethodNotAllowed,
    exceptions.NotAcceptable,
    exceptions.UnsupportedMediaType,
]
if settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_CLASSES"):
    DRF_RAISED.append(exceptions.Throttled)

# Codes in the source that the API never answers, and why.
NOT_API_CODES = {
    "sso_refused": "single sign-on pages only (accounts/sso_views.py shows the reason)",
}

# ``code = "…"`` (a class's default), ``code="…"`` (raised with one), ``default_code = "…"``
# (an APIException of ours) and ``"code": "…"`` (a JSON error built by hand).
CODE_LITERAL = re.compile(r'\b(?:default_)?code\s*=\s*"([a-z_]+)"|"code":\s*"([a-z_]+)"')


def documented() -> dict[str, int]:
    """``{code: status}`` from the table under "### Error codes"."""
    text = DOCS.read_text()
    section = text[text.index("### Error codes") : text.index("## Endpoints")]
    rows = re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", section, flags=re.MULTILINE)
    codes = dict(rows)
    assert len(codes) == len(rows), "a code is listed twice"
    return {code: int(status) for code, status in codes.items()}


def source_files() -> list[Path]:
    """The project's own apps, without migrations and forms (a form's ValidationError code
    is shown on a page, never answered by the API)."""
    files = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        if path.parent != ROOT:  # Django's and third parties' apps
            continue
        files += [
            f for f in path.rglob("*.py") if "migrations" not in f.parts and "forms" not in f.stem
        ]
    return sorted(files)


def codes_in_source() -> dict[str, list[str]]:
    """``{code: [where]}`` for every code literal in the source, and what DRF raises."""
    found: dict[str, list[str]] = {}
    for path in source_files():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for match in CODE_LITERAL.finditer(line):
                code = match.group(1) or match.group(2)
                found.setdefault(code, []).append(f"{path.relative_to(ROOT)}:{number}")
    for exc in DRF_RAISED:
        found.setdefault(str(exc.default_code), []).append(f"rest_framework {exc.__name__}")
    return found


def test_the_scan_sees_the_codes_raised_in_services():
    found = codes_in_source()
    assert {"time_up", "attempt_submitted", "not_in_set", "open_steps", "replayed"} <= set(found)
    assert any(where.startswith("assessments/services/") for where in found["time_up"])


def test_every_code_the_source_can_answer_is_documented():
    undocumented = {
        code: where
        for code, where in codes_in_source().items()
        if code not in documented() and code not in NOT_API_CODES
    }
    assert not undocumented, (
        "Add these codes to the table under '### Error codes' in docs/api.md (or, if the API "
        f"never answers one, to NOT_API_CODES with why): {undocumented}"
    )


def test_every_documented_code_is_one_the_source_can_answer():
    produced = set(codes_in_source()) - set(NOT_API_CODES)
    stale = sorted(set(documented()) - produced)
    assert not stale, f"docs/api.md lists codes nothing answers any more: {stale}"


@pytest.mark.parametrize(
    "error",
    [ValidationFailed, NotFound, Conflict, TooManyAttempts, Unavailable],
    ids=lambda error: error.__name__,
)
def test_each_domain_error_class_is_documented_with_its_status(error):
    assert documented()[error.code] == error.status_code


@pytest.mark.parametrize("exc", DRF_RAISED, ids=lambda exc: exc.__name__)
def test_what_drf_raises_is_documented_with_its_status(exc):
    assert documented()[str(exc.default_code)] == exc.status_code


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (ValidationFailed("Bad."), 400, {"detail": "Bad.", "code": "invalid"}),
        (NotFound("Gone."), 404, {"detail": "Gone.", "code": "not_found"}),
        (Conflict("No."), 409, {"detail": "No.", "code": "conflict"}),
        (Conflict("Late.", code="time_up"), 409, {"detail": "Late.", "code": "time_up"}),
        (
            Conflict("Open.", code="attempt_in_progress", extra={"id": "a1"}),
            409,
            {"detail": "Open.", "code": "attempt_in_progress", "id": "a1"},
        ),
        (
            ValidationFailed("Pick.", code="not_in_set", field_errors={"choices": ["Pick."]}),
            400,
            {"detail": "Pick.", "code": "not_in_set", "errors": {"choices": ["Pick."]}},
        ),
        # the old way of naming a code still answers it once, in its place
        (
            Conflict("Shut.", extra={"code": "closed", "id": 1}),
            409,
            {"detail": "Shut.", "code": "closed", "id": 1},
        ),
    ],
    ids=["default-400", "default-404", "default-409", "named", "named-extra", "named-400", "old"],
)
def test_the_handler_answers_the_code_at_the_class_status(error, status, body):
    response = exception_handler(error, {})
    assert response is not None
    assert (response.status_code, response.data) == (status, body)
    assert list(response.data) == list(body)  # detail, code, then the rest


def test_a_named_code_belongs_to_that_error_only():
    named = Conflict("Late.", code="time_up")
    assert (named.code, named.status_code) == ("time_up", 409)
    assert Conflict("Other.").code == "conflict"
    assert (Conflict.code, DomainError.code) == ("conflict", "invalid")
