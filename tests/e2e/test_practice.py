"""Done when (issue 14): a learner with a fresh QA finding on escalations sees escalation
questions in today's practice and answers them on a phone-sized page; their lead sees the
adherence and the skill trajectory."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from practice.models import PracticeAnswer
from qa.models import QAFinding
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import shot
from tests.e2e.test_training import log_in
from tests.practice.conftest import bank, taken

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_practice_targets_a_fresh_finding_on_a_phone_and_the_lead_sees_it(
    new_page, lead, member, team, catalogue, password, settings
):
    settings.PRACTICE_SET_SIZE = 3
    escalations, metrics = catalogue["escalations"], catalogue["metrics"]
    # given two quizzes the learner has taken, one per skill, and a fresh escalation finding
    taken(member, bank(escalations, 4))
    taken(member, bank(metrics, 4))
    QAFinding.objects.create(
        agent=member,
        reviewer=lead,
        interaction_ref="TCK-7",
        criterion="Escalated within the response time",
        skill=escalations,
        severity="high",
        occurred_at=timezone.now() - timedelta(hours=3),
    )
    page = new_page()
    page.set_viewport_size(PHONE)
    log_in(page, member, password)

    # when the learner opens Practice from the navigation (behind the menu button on a phone)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Practice", exact=True).click()
    expect(page.get_by_role("heading", name="Practice", exact=True)).to_be_visible()
    question = page.get_by_role("group", name="Question 1 of 3")
    # then the first question is about escalations (the finding raised that skill)
    expect(question.get_by_text("Escalation handling")).to_be_visible()
    assert_accessible(page, "practice-question-phone")
    shot(page, "practice-question-phone")
    # the page fits a phone: nothing wider than the viewport
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # and they answer every question with the keyboard, getting feedback at once
    for n in range(1, 4):
        group = page.get_by_role("group", name=f"Question {n} of 3")
        group.get_by_role("radio").first.focus()
        page.keyboard.press("Space")
        expect(group.get_by_role("radio").first).to_be_checked()
        page.get_by_role("button", name="Check answer").press("Enter")
        feedback = page.locator("#feedback")
        expect(feedback.get_by_role("status")).to_be_visible()
        expect(feedback.get_by_text("right answer")).to_be_visible()
        if n == 1:
            assert_accessible(page, "practice-feedback-phone")
            shot(page, "practice-feedback-phone")
        # the feedback page already shows the next question's form: wait for the new page,
        # or the keys above would tick a radio of the page being left
        page.locator("#next").click()
        page.wait_for_url(lambda url: "answered=" not in url)
        page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Done for today")).to_be_visible()
    answers = PracticeAnswer.objects.filter(set__user=member).select_related("question")
    assert answers.count() == 3
    escalation_answers = [a for a in answers if escalations in a.question.skills.all()]
    assert len(escalation_answers) >= 2  # priority × 2 (1 + 0.5 × 1 finding) → esc, metrics, esc

    # the lead sees adherence and the trajectory
    lead_page = new_page()
    log_in(lead_page, lead, password)
    lead_page.goto(f"/practice/teams/{team.pk}/")
    row = lead_page.get_by_role("row").filter(has_text=member.name)
    expect(row.get_by_role("cell", name="1 of 28")).to_be_visible()
    assert_accessible(lead_page, "practice-team-adherence")
    row.get_by_role("link", name=f"Trajectory of {member.name}").click()
    chart = lead_page.get_by_role("img", name="Escalation handling: level from")
    expect(chart).to_be_visible()
    assert_accessible(lead_page, "practice-member-trajectory")
    shot(lead_page, "practice-member-trajectory")
