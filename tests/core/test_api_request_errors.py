"""Bodies the API cannot read answer its JSON error format, on every endpoint, never a 500 or
Django's HTML "Bad Request (400)" page: JSON nested too deeply for Python (400 ``parse_error``),
a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413 ``too_large``), too many form fields (400).
Pages keep Django's own answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.models import User
from core import limits

pytestmark = pytest.mark.django_db

# 2,000 bytes: enough to exhaust Python's recursion limit in json.loads.
DEEP = "[" * 1000 + "]" * 1000
THREE_MB = 3 * 1024 * 1024


@dataclass
class Endpoint:
    client: APIClient
    method: str
    url: str

    def send(self, body: str | bytes, content_type: str = "application/json") -> Any:
        client = self.client
        client.raise_request_exception = False  # a 500 is an answer to check, not a crash
        return getattr(client, self.method)(self.url, data=body, content_type=content_type)


@pytest.fixture
def endpoints(
    api_as: Callable[[User], APIClient], lead: User, member: User, quiz: Any
) -> dict[str, Endpoint]:
    """The anonymous token endpoint, and authenticated POST, PATCH and PUT endpoints."""
    as_member = api_as(member)
    started = as_member.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert started.status_code == 201, started.content
    attempt = started.json()
    question_id = attempt["questions"][0]["id"]
    return {
        "anonymous POST auth/token/": Endpoint(APIClient(), "post", "/api/v1/auth/token/"),
        "POST assignments/": Endpoint(api_as(lead), "post", "/api/v1/assignments/"),
        "PATCH me/": Endpoint(as_member, "patch", "/api/v1/me/"),
        "PUT answers/": Endpoint(
            as_member, "put", f"/api/v1/attempts/{attempt['id']}/answers/{question_id}/"
        ),
    }


ENDPOINTS = ["anonymous POST auth/token/", "POST assignments/", "PATCH me/", "PUT answers/"]


def assert_api_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json", response.content[:300]
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


@pytest.mark.parametrize("name", ENDPOINTS)
def test_json_nested_too_deeply_is_a_400_parse_error(endpoints, name):
    assert len(DEEP) == 2000
    response = endpoints[name].send(DEEP)
    body = assert_api_error(response, 400, "parse_error")
    assert "nested too deeply" in body["detail"]
    assert "errors" not in body  # the body could not be read at all


@pytest.mark.parametrize("name", ENDPOINTS)
def test_json_nested_deeply_inside_an_object_is_a_400_too(endpoints, name):
    body = f'{{"email": {DEEP}, "name": {DEEP}, "choices": {DEEP}, "users": {DEEP}}}'
    assert_api_error(endpoints[name].send(body), 400, "parse_error")


def test_json_as_deep_as_the_limit_is_still_ordinary_invalid_input(endpoints):
    depth = limits.JSON_BODY.nesting or 0  # the object is one level, its arrays the rest
    shallow = "[" * (depth - 1) + "]" * (depth - 1)
    response = endpoints["anonymous POST auth/token/"].send(
        f'{{"email": {shallow}, "password": "x"}}'
    )
    body = assert_api_error(response, 400, "invalid")
    assert body["errors"] == {"email": ["Not a valid string."]}


def test_json_one_level_deeper_than_the_limit_is_a_400_parse_error(endpoints):
    deeper = "[" * (limits.JSON_BODY.nesting or 0) + "]" * (limits.JSON_BODY.nesting or 0)
    response = endpoints["anonymous POST auth/token/"].send(
        f'{{"email": {deeper}, "password": "x"}}'
    )
    assert_api_error(response, 400, "parse_error")


def three_mb_of_json(name: str) -> str:
    """A well-formed body of the endpoint's own shape, just too large."""
    filler = "x" * THREE_MB
    bodies = {
        "anonymous POST auth/token/": {"email": "a@example.test", "password": filler},
        "POST assignments/": {"users": [1], "module": 1, "reason": filler},
        "PATCH me/": {"name": filler},
        "PUT answers/": {"choices": [1] * (THREE_MB // 3)},
    }
    body = json.dumps(bodies[name])
    assert len(body) > THREE_MB > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return body


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_json_body_over_the_limit_is_a_413_in_the_api_format(endpoints, name, caplog):
    response = endpoints[name].send(three_mb_of_json(name))
    body = assert_api_error(response, 413, "too_large")
    assert f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}" in body["detail"]
    # Still logged where Django logs it, so operators keep seeing it.
    assert "django.security.RequestDataTooBig" in {r.name for r in caplog.records}


@pytest.mark.parametrize(
    "body",
    [
        "email=a%40example.test&password=x",
        f"email=a%40example.test&password={'x' * THREE_MB}",
        "&".join(f"f{i}=1" for i in range(1001)),
    ],
    ids=["small", "over-the-size-limit", "too-many-fields"],
)
def test_a_form_body_is_a_415_in_the_api_format_whatever_its_size(endpoints, body):
    """The API takes JSON (multipart only where a file is uploaded): a form body is refused
    before it is read, so its size or field count never matters."""
    response = endpoints["anonymous POST auth/token/"].send(
        body, content_type="application/x-www-form-urlencoded"
    )
    assert_api_error(response, 415, "unsupported_media_type")


def test_pages_keep_djangos_own_answer_to_a_body_over_the_limit(client):
    response = client.post(
        "/accounts/login/",
        data=f"username=a&password={'x' * THREE_MB}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_the_schema_documents_the_413_on_every_operation_with_a_body(client):
    schema = client.get("/api/schema/?format=json").json()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
    ]
    with_body = [(p, m, o) for p, m, o in operations if "requestBody" in o]
    assert with_body
    for path, method, operation in with_body:
        response = operation["responses"].get("413")
        assert response, f"{method.upper()} {path} does not document 413"
        assert response["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
    for path, method, operation in operations:
        if "requestBody" not in operation:
            assert "413" not in operation["responses"], f"{method.upper()} {path}"


def test_every_api_view_reads_json_with_cores_parser():
    """A view that sets its own ``parser_classes`` must not bring back DRF's JSON parser (whose
    RecursionError on deep nesting was a 500)."""
    from django.urls import get_resolver
    from rest_framework import parsers as drf_parsers
    from rest_framework.views import APIView

    from core.parsers import JSONParser

    def views(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from views(pattern.url_patterns)
            else:
                yield getattr(pattern.callback, "cls", None)

    api_views = {
        view for view in views(get_resolver().url_patterns) if view and issubclass(view, APIView)
    }
    assert len(api_views) > 20
    for view in api_views:
        json_parsers = [p for p in view().get_parsers() if isinstance(p, drf_parsers.JSONParser)]
        assert all(isinstance(p, JSONParser) for p in json_parsers), view
