"""The review-source API (sources, categories, import) and the signed webhook: who may do
what, the shapes of the answers, and every refusal of the webhook."""

from __future__ import annotations

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from qa.models import QAFinding, ReviewRating, ReviewSource, WebhookDelivery
from qa.reviews import sources as review_sources
from qa.reviews.sources import CategoryInput
from qa.reviews.webhook import WEBHOOK_MAX_BYTES, webhook_signature
from tests import factories
from tests.qa import review_exports as exports

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(team, lead, catalogue):
    source, _secret = review_sources.review_source_create(
        team=team,
        created_by=lead,
        name="Zendesk QA export",
        columns=exports.LONG_MAPPING,
        webhook_enabled=True,
    )
    review_sources.review_categories_save(
        source=source,
        categories=[
            CategoryInput(name="Empathy", skill=catalogue["metrics"], scale="4", pass_mark=3),
            CategoryInput(name="Escalation", skill=catalogue["escalations"], scale="4"),
        ],
    )
    return source


class TestSources:
    def test_a_lead_creates_a_source_and_sees_its_secret_once(self, api_as, lead, team):
        client = api_as(lead)
        answer = client.post(
            "/api/v1/qa-review-sources/",
            {"team": team.pk, "name": "our QA sheet", "shape": "wide"},
            format="json",
        )
        assert answer.status_code == 201, answer.json()
        body = answer.json()
        assert body["webhook_secret"].startswith("rqa_")
        assert body["webhook_url"] == f"/api/v1/qa-review-sources/{body['id']}/webhook/"
        shown = client.get(f"/api/v1/qa-review-sources/{body['id']}/").json()
        assert "webhook_secret" not in shown
        rotated = client.post(f"/api/v1/qa-review-sources/{body['id']}/secret/").json()
        assert rotated["webhook_secret"] != body["webhook_secret"]

    def test_bad_input_is_a_400_with_field_errors(self, api_as, lead, team, source):
        client = api_as(lead)
        same = client.post(
            "/api/v1/qa-review-sources/",
            {"team": team.pk, "name": "zendesk qa EXPORT"},
            format="json",
        )
        assert (same.status_code, list(same.json()["errors"])) == (400, ["name"])
        roles = client.patch(
            f"/api/v1/qa-review-sources/{source.pk}/", {"columns": {"boss": "X"}}, format="json"
        )
        assert (roles.status_code, list(roles.json()["errors"])) == (400, ["columns"])
        missing = client.post("/api/v1/qa-review-sources/", {"name": "x"}, format="json")
        assert (missing.status_code, list(missing.json()["errors"])) == (400, ["team"])

    def test_another_teams_lead_and_members_get_404(self, api_as, outsider, member, source, team):
        for user in (outsider, member):
            client = api_as(user)
            for path in ("", "categories/"):
                assert (
                    client.get(f"/api/v1/qa-review-sources/{source.pk}/{path}").status_code == 404
                )
            assert client.post(f"/api/v1/qa-review-sources/{source.pk}/secret/").status_code == 404
            created = client.post(
                "/api/v1/qa-review-sources/", {"team": team.pk, "name": "mine"}, format="json"
            )
            assert created.status_code == 404
            assert client.get("/api/v1/qa-review-sources/").json()["count"] == 0
        assert ReviewSource.objects.count() == 1

    @pytest.mark.parametrize("count", [1, 6])
    def test_the_list_takes_the_same_queries_at_any_size(
        self, api_as, lead, team, assert_queries, count
    ):
        for n in range(count):
            review_sources.review_source_create(team=team, created_by=lead, name=f"Source {n}")
        client = api_as(lead)
        # token, lead's teams (for the filter), count, page
        with assert_queries(4):
            answer = client.get("/api/v1/qa-review-sources/")
        assert answer.json()["count"] == count

    def test_categories_are_listed_and_saved(self, api_as, lead, source):
        client = api_as(lead)
        saved = client.put(
            f"/api/v1/qa-review-sources/{source.pk}/categories/",
            {
                "categories": [
                    {"name": "Tone", "skill": "kpi-literacy", "scale": "5", "pass_mark": 4},
                    {"name": "Total", "ignored": True},
                ]
            },
            format="json",
        )
        assert saved.status_code == 200, saved.json()
        listed = client.get(f"/api/v1/qa-review-sources/{source.pk}/categories/").json()
        assert [(c["name"], c["skill"], c["ignored"], c["pass_mark"]) for c in listed] == [
            ("Empathy", "kpi-literacy", False, 3.0),
            ("Escalation", "escalations", False, 3.0),
            ("Tone", "kpi-literacy", False, 4.0),
            ("Total", None, True, 3.0),
        ]
        bad = client.put(
            f"/api/v1/qa-review-sources/{source.pk}/categories/",
            {"categories": [{"name": "X", "skill": "nope"}, {"name": "Y"}]},
            format="json",
        )
        assert bad.status_code == 400


class TestImportApi:
    def test_dry_run_then_import_then_again(self, api_as, lead, member, source):
        client = api_as(lead)

        def send(dry_run):
            upload = SimpleUploadedFile("export.xlsx", exports.xlsx_bytes(member.email))
            return client.post(
                f"/api/v1/qa-review-sources/{source.pk}/import/",
                {"file": upload, "dry_run": dry_run},
                format="multipart",
            )

        checked = send(True)
        assert checked.status_code == 200, checked.json()
        body = checked.json()
        assert body["counts"] == {"pass": 2, "fail": 1, "unknown": 3}
        assert [c["name"] for c in body["unknown_categories"]] == [
            "GDPR check",
            "Metrics talk",
            "Tone",
        ]
        assert not QAFinding.objects.exists()
        saved = send(False)
        assert (saved.status_code, saved.json()["created_findings"]) == (201, 1)
        again = send(False)
        assert (again.status_code, again.json()["counts"]["duplicate"]) == (200, 3)

    def test_an_unusable_file_is_a_400(self, api_as, lead, source):
        upload = SimpleUploadedFile("x.csv", b"a,b\n1,2\n")
        answer = api_as(lead).post(
            f"/api/v1/qa-review-sources/{source.pk}/import/", {"file": upload}, format="multipart"
        )
        assert answer.status_code == 400
        assert answer.json()["code"] == "invalid"
        empty = api_as(lead).post(
            f"/api/v1/qa-review-sources/{source.pk}/import/",
            {"file": SimpleUploadedFile("x.csv", b"")},
            format="multipart",
        )
        assert empty.status_code == 400


def signed(source, payload, *, at=None, secret=None):
    body = json.dumps(payload).encode()
    timestamp = str(int(at if at is not None else time.time()))
    signature = webhook_signature(secret or review_sources.webhook_secret(source), timestamp, body)
    return body, {"HTTP_X_READINESS_TIMESTAMP": timestamp, "HTTP_X_READINESS_SIGNATURE": signature}


def rows_for(member, review="W-1"):
    return {
        "rows": [
            {
                "Review ID": review,
                "Conversation ID": "C-77",
                "Reviewee email": member.email,
                "Category": "Escalation",
                "Rating": 1,
                "Review date": "2026-01-10T10:00:00Z",
            },
            {
                "Review ID": review,
                "Conversation ID": "C-77",
                "Reviewee email": member.email,
                "Category": "Empathy",
                "Rating": 4,
            },
        ]
    }


class TestWebhook:
    def post(self, source, body, headers):
        return APIClient().post(
            f"/api/v1/qa-review-sources/{source.pk}/webhook/",
            body,
            content_type="application/json",
            **headers,
        )

    def test_rows_with_too_many_keys_together_are_refused_before_they_are_built(
        self, source, member
    ):
        """One row of 600 keys and many empty rows: every row would be built 600 wide."""
        payload = rows_for(member)
        payload["rows"].append({f"k{n}": "" for n in range(600)})
        payload["rows"] += [{} for _ in range(3000)]
        body, headers = signed(source, payload)
        response = self.post(source, body, headers)
        assert response.status_code == 400
        assert response.json()["errors"] == {"rows": ["Too many columns."]}
        assert not QAFinding.objects.exists()

    def test_a_signed_request_is_imported_once_and_a_replay_refused(self, source, member):
        body, headers = signed(source, rows_for(member))
        answer = self.post(source, body, headers)
        assert answer.status_code == 201, answer.json()
        assert (answer.json()["created_findings"], answer.json()["created_passes"]) == (1, 1)
        finding = QAFinding.objects.get()
        assert (finding.source, finding.severity, finding.reviewer) == ("webhook", "high", None)
        replay = self.post(source, body, headers)
        assert (replay.status_code, replay.json()["code"]) == (409, "replayed")
        # the same reviews signed again (a retry) are accepted and change nothing
        body2, headers2 = signed(source, rows_for(member), at=time.time() + 1)
        retry = self.post(source, body2, headers2)
        assert (retry.status_code, retry.json()["counts"]) == (200, {"duplicate": 2})
        assert ReviewRating.objects.count() == 2

    @pytest.mark.parametrize(
        ("change", "status", "code"),
        [
            ("unsigned", 401, "signature_missing"),
            ("wrong secret", 401, "signature_invalid"),
            ("tampered body", 401, "signature_invalid"),
            ("stale", 401, "stale"),
            ("future", 401, "stale"),
            ("bad timestamp", 401, "timestamp_invalid"),
        ],
    )
    def test_bad_requests_are_refused_and_change_nothing(
        self, source, member, change, status, code
    ):
        at = {"stale": time.time() - 600, "future": time.time() + 600}.get(change)
        body, headers = signed(
            source,
            rows_for(member),
            at=at,
            secret="rqa_wrong" if change == "wrong secret" else None,
        )
        if change == "unsigned":
            headers = {}
        elif change == "tampered body":
            body = body.replace(b"W-1", b"W-2")
        elif change == "bad timestamp":
            headers["HTTP_X_READINESS_TIMESTAMP"] = "yesterday"
        answer = self.post(source, body, headers)
        assert (answer.status_code, answer.json()["code"]) == (status, code)
        assert not ReviewRating.objects.exists()
        assert not WebhookDelivery.objects.exists()

    @pytest.mark.parametrize(
        "payload",
        [b"not json", b"[]", b'{"rows": []}', b'{"rows": [1]}', b'{"rows": "x"}'],
        ids=["text", "list", "no-rows", "not-object", "string"],
    )
    def test_a_signed_but_unusable_body_is_a_400(self, source, payload):
        timestamp = str(int(time.time()))
        headers = {
            "HTTP_X_READINESS_TIMESTAMP": timestamp,
            "HTTP_X_READINESS_SIGNATURE": webhook_signature(
                review_sources.webhook_secret(source), timestamp, payload
            ),
        }
        answer = self.post(source, payload, headers)
        assert answer.status_code == 400
        assert not WebhookDelivery.objects.exists()

    def test_unknown_source_off_webhook_and_rotated_secret(self, source, member, lead):
        body, headers = signed(source, rows_for(member))
        old = dict(headers)
        review_sources.review_source_secret_rotate(source=source)
        assert self.post(source, body, old).json()["code"] == "signature_invalid"
        off, _secret = review_sources.review_source_create(
            team=source.team, created_by=lead, name="off"
        )
        body, headers = signed(off, rows_for(member))
        assert self.post(off, body, headers).status_code == 404
        answer = APIClient().post(
            "/api/v1/qa-review-sources/999999/webhook/",
            body,
            content_type="application/json",
            **headers,
        )
        assert answer.status_code == 404

    def test_agents_outside_the_sources_team_are_listed(self, source, outsider):
        stranger = factories.UserFactory.create(email="stranger@example.test")
        payload = {
            "rows": [
                {
                    "Review ID": "W-9",
                    "Conversation ID": "C",
                    "Reviewee email": stranger.email,
                    "Category": "Escalation",
                    "Rating": 1,
                }
            ]
        }
        body, headers = signed(source, payload)
        answer = self.post(source, body, headers)
        assert answer.status_code == 200
        assert answer.json()["unknown_agents"] == {stranger.email: 1}
        assert answer.json()["lines"][0]["errors"] == {"agent": ["No such agent in your teams."]}

    def test_the_secret_is_never_logged_or_stored(self, source, member, caplog):
        secret = review_sources.webhook_secret(source)
        body, headers = signed(source, rows_for(member))
        with caplog.at_level("DEBUG"):
            self.post(source, body, headers)
        assert secret not in caplog.text
        stored = ReviewSource.objects.filter(pk=source.pk).values()[0]
        assert secret not in json.dumps(stored, default=str)


class _ChunkedInput:
    """A de-chunked WSGI input as gunicorn hands it over for ``Transfer-Encoding: chunked``:
    no Content-Length, and ``read`` returns what is left of ``size`` bytes, then ``b""``."""

    def __init__(self, body: bytes = b"", *, size: int | None = None) -> None:
        self.body = body
        self.size = len(body) if size is None else size
        self.read_bytes = 0

    def read(self, n: int = -1) -> bytes:
        left = self.size - self.read_bytes
        n = left if n < 0 else min(n, left)
        part = self.body[self.read_bytes : self.read_bytes + n] if self.body else b"x" * n
        self.read_bytes += n
        return part

    readline = read  # Django wraps the input in a LimitedStream, which needs it


class TestChunkedWebhook:
    """A body sent with ``Transfer-Encoding: chunked`` has no Content-Length: Django reads it
    as empty, so the view reads the WSGI input itself, up to the limit."""

    def post(self, source, stream, headers):
        return APIClient().generic(
            "POST",
            f"/api/v1/qa-review-sources/{source.pk}/webhook/",
            CONTENT_TYPE="application/json",
            HTTP_TRANSFER_ENCODING="chunked",
            **{"wsgi.input": stream},
            **headers,
        )

    def test_a_signed_chunked_body_is_read_whole_and_imported(self, source, member):
        body, headers = signed(source, rows_for(member))
        answer = self.post(source, _ChunkedInput(body), headers)
        assert answer.status_code == 201, answer.json()
        assert (answer.json()["created_findings"], answer.json()["created_passes"]) == (1, 1)

    def test_a_chunked_body_over_the_limit_is_a_413_read_one_byte_past_it(self, source, member):
        # 22 MB, as in the probe: signed or not, the answer is 413, not 401
        stream = _ChunkedInput(size=22 * 1024 * 1024)
        _body, headers = signed(source, rows_for(member))
        answer = self.post(source, stream, headers)
        assert (answer.status_code, answer.json()["code"]) == (413, "too_large")
        assert stream.read_bytes == WEBHOOK_MAX_BYTES + 1
        assert not WebhookDelivery.objects.exists()

    def test_a_chunked_body_of_exactly_the_limit_is_read_and_verified(self, source):
        stream = _ChunkedInput(size=WEBHOOK_MAX_BYTES)
        timestamp = str(int(time.time()))
        headers = {
            "HTTP_X_READINESS_TIMESTAMP": timestamp,
            "HTTP_X_READINESS_SIGNATURE": webhook_signature(
                review_sources.webhook_secret(source), timestamp, b"x" * WEBHOOK_MAX_BYTES
            ),
        }
        answer = self.post(source, stream, headers)
        # the signature matched the 2 MB body read in full; it is not JSON, hence a 400
        assert (answer.status_code, answer.json()["code"]) == (400, "invalid")
        assert stream.read_bytes == WEBHOOK_MAX_BYTES

    def test_a_declared_length_over_the_limit_is_a_413_before_reading(self, source, member):
        body, headers = signed(source, rows_for(member))
        answer = APIClient().generic(
            "POST",
            f"/api/v1/qa-review-sources/{source.pk}/webhook/",
            body,
            content_type="application/json",
            CONTENT_LENGTH=str(WEBHOOK_MAX_BYTES + 1),
            **headers,
        )
        assert (answer.status_code, answer.json()["code"]) == (413, "too_large")
