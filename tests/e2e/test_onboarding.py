import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onboarding import services as onboarding_services
from onboarding.models import PlanItem
from tests import factories
from tests.e2e.a11y import assert_accessible
from tests.e2e.test_training import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_hire_ticks_a_task_and_the_lead_signs_off(new_page, member, lead, password):
    template = factories.checklist(
        (0, "task", "Get your accounts and tools access"),
        (0, "lead_signoff", "Meet your lead"),
        (4, "task", "Shadow a senior agent"),
    )
    onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=timezone.localdate()
    )

    # the new hire ticks their first task
    hire = new_page()
    log_in(hire, member, password)
    hire.get_by_role("link", name="Onboarding").first.click()
    expect(hire.get_by_text("0 of 3 steps done")).to_be_visible()
    hire.get_by_role("listitem").filter(has_text="Get your accounts").get_by_role(
        "button", name="Mark as done"
    ).click()
    expect(hire.get_by_text("“Get your accounts and tools access” is done.")).to_be_visible()
    expect(hire.get_by_text("1 of 3 steps done")).to_be_visible()
    assert hire.locator("progress").first.get_attribute("value") == "33"
    assert_accessible(hire, "new-hire-onboarding")

    # the lead sees the sign-off waiting and signs it off with a comment
    boss = new_page()
    log_in(boss, lead, password)
    boss.get_by_role("link", name="Team onboarding and sign-offs").click()  # on the lead home
    boss.get_by_label("Comment (optional)").fill("Good first meeting")
    boss.get_by_role("button", name=re.compile("Sign off for Aiko")).click()
    # one step is still open, so the lead confirms first (the comment is kept)
    expect(boss.get_by_text("1 other step of this plan is still open.")).to_be_visible()
    expect(boss.get_by_label("Comment (optional)")).to_have_value("Good first meeting")
    assert_accessible(boss, "lead-sign-off-confirm")
    boss.get_by_label("I know these steps are still open").check()
    boss.get_by_role("button", name="Sign off anyway").click()
    expect(boss.get_by_text("Signed off “Meet your lead” for Aiko Agent.")).to_be_visible()
    assert_accessible(boss, "lead-team-onboarding")

    # the new hire sees it signed off
    hire.reload()
    expect(hire.get_by_text("2 of 3 steps done")).to_be_visible()
    expect(hire.get_by_text("Good first meeting")).to_be_visible()
    assert PlanItem.objects.get(title="Meet your lead").completed_by == lead
    assert_accessible(hire, "new-hire-onboarding-signed-off")
