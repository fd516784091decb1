import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from courses import services as courses_services
from courses.models import Assignment, ModuleCompletion, SOPAcknowledgement
from tests import factories
from tests.e2e.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user, password):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")


def test_a_learner_reads_a_module_and_acknowledges_an_sop(page, member, password):
    # given an assigned two-lesson module based on an SOP that changed since they read it
    sop = factories.sop_published(
        "## Steps\n\n1. Acknowledge the customer.\n2. Escalate within 1 hour.",
        "## Steps\n\n1. Acknowledge the customer.\n2. Escalate within 30 minutes.",
        title="Escalation handling",
    )
    courses_services.sop_acknowledge(user=member, version=sop.versions.get(number=1))
    module = factories.module_with_lessons(lessons=2, title="Handling escalations")
    module.sop_versions.add(sop.versions.get(number=2))
    courses_services.assignment_ensure(
        user=member, module=module, source="manual", reason="Before peak week"
    )
    courses_services.assignment_ensure(user=member, sop=sop, source="sop_change")

    # when they open My training and start the module
    log_in(page, member, password)
    page.get_by_role("link", name="My training").click()
    page.wait_for_url(re.compile(r"/training/$"))  # the home page lists the same assignments
    expect(page.get_by_text("Before peak week")).to_be_visible()
    assert_accessible(page, "learner-my-training")
    page.get_by_role("link", name="Handling escalations").click()
    page.get_by_role("link", name=re.compile(r"^Start: Lesson 1")).click()
    expect(page.get_by_text("Lesson 1 of 2")).to_be_visible()
    assert_accessible(page, "learner-lesson")
    page.get_by_role("button", name="Mark as done and continue").click()
    expect(page.get_by_text("Lesson 2 of 2")).to_be_visible()
    page.get_by_role("button", name="Mark as done and finish").click()
    page.get_by_role("button", name="Complete the module").click()

    # then the module is done and My training says so
    page.wait_for_url(re.compile(r"/training/$"))
    expect(page.get_by_text("Module “Handling escalations” completed")).to_be_visible()
    assert ModuleCompletion.objects.filter(user=member, module=module).exists()

    # when they open the changed SOP they see what changed and acknowledge it
    page.get_by_role("link", name="Escalation handling").first.click()
    page.get_by_text("What changed since the version you read (v1)").click()
    expect(page.locator(".changes-added").filter(has_text="30 minutes")).to_be_visible()
    page.get_by_text("Show the line-by-line changes").click()
    expect(page.locator(".diff .added").filter(has_text="30 minutes")).to_be_visible()
    assert_accessible(page, "learner-sop-diff")
    page.get_by_role("button", name="I have read and understood this").click()
    expect(page.get_by_text("You acknowledged version 2")).to_be_visible()
    assert_accessible(page, "learner-sop-acknowledged")
    assert SOPAcknowledgement.objects.filter(user=member, sop_version__number=2).exists()
    assert set(Assignment.objects.filter(user=member).values_list("status", flat=True)) == {
        "completed"
    }
