import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Attempt
from assessments.selectors import candidate_invitation_url
from assessments.services import candidate_invitation_create
from home.demo.assessments import demo_quizzes_load
from home.demo.training import demo_skills_load
from tests.e2e.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The lead-readiness quiz's right answers, in order (from assessments/demo_content.py).
RIGHT = [
    "Read a sample of Sam's recent conversations",
    "Agents close contacts quickly but miss the underlying issue",
    "Set up a recurring sync or shared workflow",
    "Move some agents from the quieter channels",
    "Give them more hands-on training",
]


def test_a_candidate_takes_the_lead_readiness_quiz_from_the_link_to_the_result(page, lead):
    # given the demo lead-readiness quiz and an invitation from a lead
    demo_skills_load()
    quiz = demo_quizzes_load()["lead-readiness"]
    invitation = candidate_invitation_create(
        invited_by=lead,
        email="casey@example.test",
        name="Casey",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=7),
    )

    # when the candidate opens the link they see the rules and start
    page.goto(candidate_invitation_url(invitation))
    expect(page.get_by_text("5 questions")).to_be_visible()
    expect(page.get_by_text("A time limit of 15 minutes")).to_be_visible()
    assert_accessible(page, "candidate-intro")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/attempts/[0-9a-f-]+/$"))  # loaded: htmx listens now

    # each answer is autosaved as they click (htmx), and the counter follows
    for number, text in enumerate(RIGHT[:4], start=1):
        page.get_by_label(re.compile(re.escape(text))).check()
        page.locator(f"fieldset.question >> nth={number - 1} >> .save-status").wait_for()
    assert page.locator("#answered-count").inner_text() == "4 of 5 answered"
    assert_accessible(page, "candidate-answering")

    # reviewing shows the unanswered question; they go back and answer it
    page.get_by_role("button", name="Review and submit").click()
    expect(page.get_by_text("1 question is not answered yet.")).to_be_visible()
    page.get_by_role("link", name="Question 5").click()
    page.get_by_label(re.compile(re.escape(RIGHT[4]))).check()
    page.get_by_role("button", name="Review and submit").click()
    expect(page.get_by_text("Every question has an answer.")).to_be_visible()
    page.get_by_role("button", name="Submit my answers").click()

    # then the result: the band, and every option explained
    page.locator(".result-card").wait_for(timeout=15_000)
    expect(page.get_by_role("heading", name="Ready to lead", exact=True)).to_be_visible()
    assert page.locator(".result-card .stat").inner_text().startswith("5")
    assert page.locator(".choices.review li").count() == 15
    assert page.locator(".choices.review li.correct").count() == 5
    assert_accessible(page, "candidate-result")
    assert Attempt.objects.get(invitation=invitation).score == 5.0
