"""Accounts API: tokens, me, teams and members, scoped by role; JSON errors."""

import hashlib

import pytest

from accounts.models import ApiToken
from tests import factories

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def test_a_token_is_issued_for_the_right_password_and_stored_hashed(api_client, member, password):
    response = api_client.post(
        TOKEN_URL, {"email": member.email, "password": password}, format="json"
    )
    assert response.status_code == 201
    key = response.json()["token"]
    token = ApiToken.objects.get(user=member)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.key_hash, token.prefix, token.name}
    assert key.startswith(token.prefix)

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == member.email


def test_wrong_credentials_are_a_json_error(api_client, member):
    response = api_client.post(
        TOKEN_URL, {"email": member.email, "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The email or password is not correct.",
        "code": "invalid",
        "errors": {"non_field_errors": ["The email or password is not correct."]},
    }
    assert not ApiToken.objects.exists()


def test_missing_fields_are_named(api_client, db):
    response = api_client.post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "email": ["This field is required."],
        "password": ["This field is required."],
    }


def test_the_token_endpoint_shares_the_login_limit(api_client, member, password):
    for _ in range(5):
        api_client.post(TOKEN_URL, {"email": member.email, "password": "nope"}, format="json")
    response = api_client.post(
        TOKEN_URL, {"email": member.email, "password": password}, format="json"
    )
    assert response.status_code == 429
    assert response.json() == {
        "detail": "Too many failed logins. Try again in 15 minutes.",
        "code": "too_many_attempts",
    }
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert not ApiToken.objects.exists()


def test_a_revoked_token_stops_working(api_client, member, password):
    key = api_client.post(
        TOKEN_URL, {"email": member.email, "password": password}, format="json"
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.delete(TOKEN_URL).status_code == 204
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid or revoked token."
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_can_be_revoked_from_the_tokens_page(client, api_as, member):
    api = api_as(member)
    token = ApiToken.objects.get(user=member)
    client.force_login(member)
    assert client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 200  # confirmation
    assert api.get("/api/v1/me/").status_code == 200
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert api.get("/api/v1/me/").status_code == 401


def test_the_tokens_page_shows_a_new_key_once(client, member):
    client.force_login(member)
    response = client.post("/accounts/tokens/", {"name": "CI export"})
    key = response.context["new_key"]
    assert key.startswith("rdy_")
    assert key in response.content.decode()
    assert key not in client.get("/accounts/tokens/").content.decode()


def test_another_users_token_cannot_be_revoked(client, api_as, member, lead):
    api_as(member)
    token = ApiToken.objects.get(user=member)
    client.force_login(lead)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    "header", ["Token", "Token a b", "Token not-a-real-key"], ids=["empty", "spaces", "unknown"]
)
def test_malformed_or_unknown_tokens_are_401(api_client, db, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    assert api_client.get("/api/v1/me/").status_code == 401


def test_me_lists_the_callers_teams(api_as, lead, team):
    response = api_as(lead).get("/api/v1/me/")
    assert response.json() == {
        "id": lead.pk,
        "email": "lead@example.test",
        "name": "Lena Lead",
        "time_zone": "UTC",
        "language": "en",
        "email_notifications": True,
        "is_admin": False,
        "teams": [{"id": team.pk, "name": "Support EMEA", "role": "lead"}],
    }


def test_me_rejects_a_bad_time_zone_and_keeps_the_old_one(api_as, member):
    response = api_as(member).patch("/api/v1/me/", {"time_zone": "Atlantis/Capital"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["time_zone"] == ["Atlantis/Capital is not a known time zone."]
    member.refresh_from_db()
    assert member.time_zone == "UTC"


def test_anonymous_calls_are_401(api_client, team):
    for url in ["/api/v1/me/", "/api/v1/teams/", f"/api/v1/teams/{team.pk}/members/"]:
        assert api_client.get(url).status_code == 401, url


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin_user", ["Support APAC", "Support EMEA"]),
        ("lead", ["Support EMEA"]),
        ("member", ["Support EMEA"]),
        ("outsider", ["Support APAC"]),
    ],
    ids=["admin", "lead", "member", "outsider"],
)
def test_teams_are_scoped_to_the_caller(api_as, request, team, other_team, who, expected):
    response = api_as(request.getfixturevalue(who)).get("/api/v1/teams/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [t["name"] for t in body["results"]] == expected


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin_user", 200), ("lead", 200), ("member", 200), ("outsider", 404)],
    ids=["admin", "lead", "member", "outsider"],
)
def test_members_are_visible_only_inside_the_team(api_as, request, team, lead, member, who, status):
    response = api_as(request.getfixturevalue(who)).get(f"/api/v1/teams/{team.pk}/members/")
    assert response.status_code == status
    if status == 200:
        assert [(m["email"], m["role"]) for m in response.json()["results"]] == [
            ("lead@example.test", "lead"),
            ("agent@example.test", "member"),
        ]
    else:
        assert response.json() == {"detail": "Team not found.", "code": "not_found"}


def test_an_unknown_team_and_an_unknown_api_path_are_json_404(api_as, member):
    api = api_as(member)
    assert api.get("/api/v1/teams/999999/members/").status_code == 404
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_members_paginate(api_as, lead, team):
    for _ in range(4):
        factories.MembershipFactory(team=team)
    body = api_as(lead).get(f"/api/v1/teams/{team.pk}/members/?page_size=2").json()
    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["next"].endswith("page=2&page_size=2")


# (url, exact query count of the request, with 1 and with 16 teams and members)
@pytest.mark.parametrize(
    ("url", "expected"),
    [("/api/v1/teams/", 3), ("/api/v1/teams/{team}/members/", 4), ("/api/v1/me/", 2)],
    ids=["teams", "members", "me"],
)
def test_api_query_counts_do_not_grow_with_the_data(
    api_as, admin_user, team, url, expected, assert_queries
):
    api = api_as(admin_user)
    factories.MembershipFactory(team=team, user=admin_user)
    url = url.format(team=team.pk)
    api.get(url)  # the first call also records the token's last use
    with assert_queries(expected):
        assert api.get(url).status_code == 200
    for _ in range(15):
        factories.MembershipFactory(team=factories.TeamFactory(), user=admin_user)
        factories.MembershipFactory(team=team)
    with assert_queries(expected):
        assert api.get(url).status_code == 200


def test_the_schema_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in [
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/teams/",
        "/api/v1/teams/{team_id}/members/",
    ]:
        assert path in text
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()


def test_the_openapi_schema_builds_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/assignments/" in target.read_text()


def test_logging_in_again_works_with_a_stale_token_header(api_client, member, password):
    api_client.credentials(HTTP_AUTHORIZATION="Token rdy_revoked-or-unknown")
    response = api_client.post(
        TOKEN_URL, {"email": member.email, "password": password}, format="json"
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "team_id", ["abc", "99999999999999999999", "0", "-1"], ids=["word", "huge", "zero", "negative"]
)
def test_odd_team_ids_are_404_not_500(client, member, team_id):
    client.force_login(member)
    assert client.get(f"/api/v1/teams/{team_id}/members/").status_code == 404
