"""Done when (issue 13): an admin imports a Word SOP in Chromium, sees it as learners will,
publishes it, and a learner reads it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from courses.models import SOP
from tests.docx_builder import DocxBuilder, image, link, run
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import shot
from tests.e2e.test_training import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def refund_docx() -> bytes:
    doc = DocxBuilder().title("Refund handling")
    doc.paragraph("Read this ", run("before", bold=True), " any refund.")
    doc.heading("Steps", level=2)
    doc.numbered("Check the order", level=0)
    doc.numbered("Refund within 14 days", level=0)
    doc.paragraph("See ", link("the policy", "https://example.test/policy"), ".")
    doc.paragraph(image("Screenshot of the refund form"))
    return doc.build()


def test_an_admin_imports_a_word_sop_and_a_learner_reads_it(
    page, new_page, admin_user, member, password
):
    # given an admin on the SOP list of the admin
    log_in(page, admin_user, password)
    page.goto("/admin/courses/sop/")
    page.get_by_role("link", name="Import SOPs (Word, Markdown)").click()
    expect(page.get_by_role("heading", name="Import SOPs", exact=True)).to_be_visible()
    assert_accessible(page, "sop-import-upload")

    # when they upload a Word document, they see it as learners will, and nothing is saved
    page.locator("#id_file").set_input_files(
        {"name": "Refund handling.docx", "mimeType": DOCX_MIME, "buffer": refund_docx()}
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#import-summary")).to_have_text("1 new SOP, 0 new versions, 0 unchanged.")
    preview = page.get_by_role("article")
    expect(preview.get_by_role("heading", name="Refund handling new SOP")).to_be_visible()
    expect(preview.locator("strong", has_text="before")).to_be_visible()
    expect(preview.locator(".prose ol > li")).to_have_count(2)
    expect(preview.get_by_role("link", name="the policy")).to_have_attribute(
        "href", "https://example.test/policy"
    )
    expect(preview).to_contain_text("image")
    assert_accessible(page, "sop-import-preview")
    assert not SOP.objects.exists()

    # then publishing saves version 1, linked from the success page
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("1 SOP was published.")).to_be_visible()
    assert_accessible(page, "sop-import-done")
    sop = SOP.objects.get(slug="refund-handling")
    assert sop.versions.get().number == 1

    # and a learner finds and reads it
    learner = new_page()
    log_in(learner, member, password)
    learner.goto("/sops/")
    learner.get_by_role("link", name="Refund handling").click()
    expect(learner.locator(".prose strong", has_text="before")).to_be_visible()
    expect(learner.get_by_role("heading", name="Steps")).to_be_visible()
    shot(learner, "sop-import-learner")
