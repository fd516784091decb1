"""Import previews keep the upload in the cache; with the cache down they say so, never 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import Unavailable
from core.upload_stash import upload_stash, upload_stash_drop, upload_unstash

SOP = b"---\ntitle: Refunds\n---\nRefund within 30 days.\n"


@pytest.mark.usefixtures("cache_down")
def test_stashing_with_the_cache_down_is_a_503_domain_error():
    with pytest.raises(Unavailable) as raised:
        upload_stash(namespace="t", user_id=1, payload={"a": 1}, size=1, limit=10)
    assert raised.value.status_code == 503
    with pytest.raises(Unavailable):
        upload_unstash(namespace="t", user_id=1, token="x" * 24)
    upload_stash_drop(namespace="t", user_id=1, token="x" * 24)  # quietly left to expire


@pytest.mark.usefixtures("cache_down")
def test_the_sop_import_page_says_previews_are_unavailable_and_the_api_still_imports(
    admin_client,
):
    page = admin_client.post("/import/sops/", {"file": SimpleUploadedFile("r.md", SOP)})
    assert page.status_code in (200, 400)
    assert "Previews can&#x27;t be kept right now" in page.content.decode()
    api = admin_client.post(
        "/api/v1/sops/import/", {"file": SimpleUploadedFile("r.md", SOP), "dry_run": "false"}
    )
    assert api.status_code == 201, api.content  # the API keeps nothing between calls


@pytest.mark.usefixtures("cache_down")
def test_the_question_import_page_says_previews_are_unavailable(admin_client):
    from tests import factories

    quiz = factories.quiz_published()
    response = admin_client.post(
        f"/question-bank/import/?quiz={quiz.pk}",
        {"quiz": quiz.pk, "format": "gift", "file": SimpleUploadedFile("b.gift", b"Q? {=a ~b}\n")},
    )
    assert response.status_code in (200, 400)
    assert "Previews can&#x27;t be kept right now" in response.content.decode()
