"""A lead imports a QA tool's scorecard export in Chromium: adds a source, uploads the file as
the tool wrote it (Latin-1, ';'-separated), maps its columns once, maps the categories with
the suggested skills, previews and imports; then the evidence list shows a passed category."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from qa.models import QAFinding, ReviewRating
from tests.e2e.a11y import assert_accessible
from tests.e2e.test_training import log_in
from tests.qa import review_exports as exports

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_maps_a_scorecard_export_once_and_imports_it(
    page, lead, member, team, catalogue, password, tmp_path
):
    export = tmp_path / "zendesk-qa-export.csv"
    rows = exports.long_rows(member.email)
    rows[1][7] = "Très lent"  # a comment written by a French-speaking reviewer
    export.write_bytes(exports._csv(exports.LONG_HEADER, rows, delimiter=";").encode("cp1252"))

    log_in(page, lead, password)
    page.goto(f"/teams/{team.pk}/qa-sources/")
    page.get_by_label("Name").fill("Zendesk QA export")
    page.get_by_role("button", name="Add source").click()

    # upload the file as the tool exported it
    page.get_by_label("Review export (CSV or XLSX)").set_input_files(str(export))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Map the columns")).to_be_visible()
    expect(page.get_by_text("read as Windows-1252")).to_be_visible()
    assert_accessible(page, "qa-review-mapping")
    # the guess got most columns; the lead checks one and saves
    expect(page.get_by_label("Agent (email or name)")).to_have_value("Reviewee email")
    page.get_by_label("Rating category").select_option("Category")
    page.get_by_role("button", name="Save the mapping and preview").click()

    # every category is new: the suggestions are filled in; the lead adjusts two
    expect(page.get_by_role("heading", name="Categories not mapped yet")).to_be_visible()
    expect(page.get_by_label("Skill for Escalation")).to_have_value("escalations")
    page.get_by_label("Skill for Empathy").select_option("kpi-literacy")
    page.get_by_label("Skill for GDPR check").select_option("escalations")
    page.get_by_label("GDPR check is critical").check()
    page.get_by_label("Skill for Metrics talk").select_option("__ignore__")
    page.get_by_label("Skill for Tone").select_option("kpi-literacy")
    # the pass mark follows the scale, and comes back with it
    scale, mark = page.get_by_label("Scale for Empathy"), page.get_by_label("Pass mark for Empathy")
    suggested = (scale.input_value(), mark.input_value())
    scale.select_option("percent")
    expect(mark).to_have_value("80")
    scale.select_option(suggested[0])
    expect(mark).to_have_value(f"{float(suggested[1]):g}")  # "3.0" comes back as "3"
    assert_accessible(page, "qa-review-categories")
    page.get_by_role("button", name="Save the categories and check again").click()

    # the preview: two findings, two passes, an N/A and an ignored category
    counts = page.locator("#outcome-counts")
    expect(counts).to_contain_text("2 finding")
    expect(counts).to_contain_text("2 passed")
    expect(page.get_by_role("cell", name="Critical", exact=False).first).to_be_visible()
    assert_accessible(page, "qa-review-preview")
    page.get_by_role("button", name="Import 4 lines").click()
    expect(page.get_by_text("Imported 2 findings and 2 passed categories")).to_be_visible()
    assert QAFinding.objects.filter(agent=member).count() == 2
    assert "Très lent" in QAFinding.objects.get(criterion="Escalation").note
    assert ReviewRating.objects.count() == 4

    # the same file again: straight to the preview, nothing to import
    page.get_by_role("link", name="Import an export").click()
    page.get_by_label("Review export (CSV or XLSX)").set_input_files(str(export))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#outcome-counts")).to_contain_text("4 lines already imported")
    expect(page.get_by_role("button", name="Import", exact=False)).to_have_count(0)

    # and the agent's evidence list shows the passed category
    page.goto(f"/skills/people/{member.pk}/")
    expect(page.get_by_text("QA passed: Escalation on CONV-2 (3)")).to_be_visible()
