"""The API's sign-off asks for confirmation too: with other steps open it answers 409 with
them, unless the request says ``"confirm": true`` (issue 15)."""

import pytest

from tests.onboarding.test_signoff_confirmation import late_plan, signoff  # noqa: F401

pytestmark = pytest.mark.django_db


def url(item):
    return f"/api/v1/onboarding-plans/{item.plan_id}/items/{item.pk}/sign-off/"


def test_signing_off_with_open_steps_answers_409_listing_them(api_as, lead, late_plan):  # noqa: F811
    item = signoff(late_plan)
    response = api_as(lead).post(url(item), {"comment": "Good"}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "open_steps"
    assert body["detail"] == (
        '3 other steps of this plan are still open. Send "confirm": true to sign off anyway.'
    )
    assert (body["open_count"], body["overdue_count"]) == (3, 2)
    assert [(s["title"], s["overdue"]) for s in body["open_steps"]] == [
        ("Accounts", True),
        ("Shadow a senior", True),
        ("Peer review", False),
    ]
    item.refresh_from_db()
    assert item.status == "open"


def test_confirm_true_signs_off_anyway(api_as, lead, late_plan):  # noqa: F811
    item = signoff(late_plan)
    response = api_as(lead).post(url(item), {"confirm": True}, format="json")
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == "done"
    # the same again is harmless
    assert api_as(lead).post(url(item), {"confirm": True}, format="json").status_code == 200


def test_nobody_else_learns_what_is_open(api_as, outsider, member, late_plan):  # noqa: F811
    item = signoff(late_plan)
    for who in (outsider, member):
        response = api_as(who).post(url(item), {}, format="json")
        assert response.status_code == 404
        assert "open_steps" not in response.json()


def test_a_bad_confirm_is_a_field_error(api_as, lead, late_plan):  # noqa: F811
    response = api_as(lead).post(url(signoff(late_plan)), {"confirm": "maybe"}, format="json")
    assert response.status_code == 400
    assert "confirm" in response.json()["errors"]
