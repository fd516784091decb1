"""Whole journeys through the pages, by clicking, as the three kinds of users walk them.

Every page a journey visits is checked with axe-core (no serious or critical violation) and
saved as a screenshot ``journey-<who>-<nn>-<page>.png`` under SCREENSHOT_DIR.
"""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Attempt
from assessments.selectors import candidate_invitation_url
from assessments.services import candidate_invitation_create
from courses.models import Assignment, ModuleCompletion, SOPAcknowledgement
from home.demo.assessments import demo_quizzes_load
from home.demo.training import demo_skills_load
from onboarding.models import PlanItem
from onboarding.services import onboarding_plan_start
from qa.models import TrainingRule, TrainingSuggestion
from tests import factories
from tests.e2e.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The page with the questions: /attempts/<id>/, or /c/<token>/attempts/<id>/ for candidates.
QUESTIONS_URL = re.compile(r"/attempts/[0-9a-f-]+/(#.*)?$")


class Journey:
    """Numbers the pages of one journey: ``step("onboarding")`` checks and saves the page."""

    def __init__(self, page, who):
        self.page, self.who, self.count = page, who, 0

    def step(self, name):
        self.count += 1
        assert_accessible(self.page, f"journey-{self.who}-{self.count:02d}-{name}")


def log_in(page, journey, user, password):
    page.goto("/")  # sent to the login page
    expect(page.get_by_role("heading", name="Log in to Readiness")).to_be_visible()
    journey.step("login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")
    expect(page.get_by_role("heading", name=f"Welcome, {user.get_short_name()}")).to_be_visible()


def answer(page, question_number, choice):
    """Tick a choice (its label, or a locator of it) on the quiz page and wait until htmx says
    it is saved (htmx listens once the page has loaded: wait for its URL after navigating)."""
    if isinstance(choice, str | re.Pattern):
        choice = page.get_by_label(choice, exact=True)
    choice.check()
    expect(
        page.locator("fieldset.question").nth(question_number - 1).locator(".save-status.ok")
    ).to_be_visible()


def test_journey_new_hire_onboarding_sop_module_quiz(page, member, password):
    # given a plan: read an SOP on day 1, then a two-lesson module completed by its quiz
    sop = factories.sop_published(
        "## Greeting\n\n1. Greet the customer by name.\n2. Confirm what they need.",
        title="Greeting customers",
    )
    module = factories.module_with_lessons(lessons=2, title="Handling escalations")
    quiz = factories.quiz_published(module=module, pass_percent=60)
    template = factories.checklist(
        (0, "read_sop", sop),
        (1, "module", module),
        (5, "task", "Shadow a senior agent"),
        name="Agent onboarding",
    )
    onboarding_plan_start(user=member, template=template, start_date=timezone.localdate())
    journey = Journey(page, "new-hire")

    # the new hire logs in and opens their onboarding
    log_in(page, journey, member, password)
    journey.step("home")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Onboarding").click()
    expect(page.get_by_text("0 of 3 steps done")).to_be_visible()
    journey.step("onboarding")

    # they read the SOP and acknowledge it
    page.get_by_role("link", name="Read SOP").click()
    expect(page.get_by_role("heading", name="Greeting customers")).to_be_visible()
    journey.step("sop")
    page.get_by_role("button", name="I have read and understood this").click()
    expect(page.get_by_text("You acknowledged version 1")).to_be_visible()
    journey.step("sop-acknowledged")

    # back on the plan the SOP step is done; the module is next
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Onboarding").click()
    expect(page.get_by_text("1 of 3 steps done")).to_be_visible()
    page.get_by_role("link", name="Open module").click()
    expect(page.get_by_role("heading", name="Handling escalations", exact=True)).to_be_visible()
    journey.step("module")

    # they read both lessons
    page.get_by_role("link", name=re.compile(r"^Start: Lesson 1")).click()
    expect(page.get_by_text("Lesson 1 of 2")).to_be_visible()
    journey.step("lesson-1")
    page.get_by_role("button", name="Mark as done and continue").click()
    expect(page.get_by_text("Lesson 2 of 2")).to_be_visible()
    page.get_by_role("button", name="Mark as done and finish").click()

    # the module is completed by its quiz, not by a button
    expect(page.get_by_text("2 of 2 lessons done")).to_be_visible()
    expect(page.get_by_role("button", name="Complete the module")).to_have_count(0)
    journey.step("module-lessons-read")
    page.get_by_role("link", name="Take the module quiz").click()
    expect(page.get_by_text("3 questions")).to_be_visible()
    journey.step("quiz-intro")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(QUESTIONS_URL)

    # two of three right: 67 %, above the 60 % pass mark
    answer(page, 1, "Q1 right")
    answer(page, 2, "Q2 right")
    answer(page, 3, "Q3 wrong one")
    expect(page.locator("#answered-count")).to_have_text("3 of 3 answered")
    journey.step("quiz-questions")
    page.get_by_role("button", name="Review and submit").click()
    expect(page.get_by_text("Every question has an answer.")).to_be_visible()
    journey.step("quiz-review")
    page.get_by_role("button", name="Submit my answers").click()

    # the result: passed, with the band and every answer explained
    expect(page.get_by_role("heading", name="Mid", exact=True)).to_be_visible(timeout=15_000)
    expect(page.locator(".result-card").get_by_text("passed", exact=True)).to_be_visible()
    expect(page.get_by_text("Q3 A is right because of reason 3.")).to_be_visible()
    journey.step("quiz-result")

    # the onboarding plan and My training follow
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Onboarding").click()
    expect(page.get_by_text("2 of 3 steps done")).to_be_visible()
    expect(page.locator("li.is-next")).to_contain_text("Shadow a senior agent")
    journey.step("onboarding-progress")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My training").click()
    done = page.get_by_role("region", name=re.compile("^Done"))
    expect(done.get_by_role("link", name="Handling escalations")).to_be_visible()
    expect(done.get_by_role("link", name="Greeting customers")).to_be_visible()
    journey.step("my-training")

    attempt = Attempt.objects.get(user=member, quiz=quiz)
    assert (attempt.status, attempt.passed, attempt.band.label) == ("scored", True, "Mid")
    assert ModuleCompletion.objects.filter(user=member, module=module).exists()
    assert SOPAcknowledgement.objects.filter(user=member, sop_version__sop=sop).exists()
    assert set(
        Assignment.objects.filter(user=member, source="onboarding").values_list("status", flat=True)
    ) == {"completed"}
    assert dict(PlanItem.objects.filter(plan__user=member).values_list("kind", "status")) == {
        "read_sop": "done",
        "module": "done",
        "task": "open",
    }


def test_journey_lead_finding_to_suggested_training(page, lead, member, team, catalogue, password):
    # given a rule: one escalation finding suggests the escalation module
    TrainingRule.objects.create(
        name="Escalations",
        skill=catalogue["escalations"],
        module=catalogue["module"],
        threshold=1,
        mode="suggest",
    )
    journey = Journey(page, "lead")

    # the lead logs in and goes to the team's skills and QA
    log_in(page, journey, lead, password)
    journey.step("home")
    page.get_by_role("link", name="Skills and QA").click()
    expect(page.get_by_role("heading", name="Skills in Support EMEA")).to_be_visible()
    expect(page.get_by_text("No suggestions waiting.")).to_be_visible()
    journey.step("skills")
    page.get_by_role("main").get_by_role("link", name="QA findings", exact=True).click()
    expect(page.get_by_role("heading", name="Record a finding")).to_be_visible()
    journey.step("findings")

    # they record a finding on the agent
    page.get_by_label("Agent:").select_option(label=member.name)
    page.get_by_label("Interaction").fill("TCK-1042")
    page.get_by_label("Scorecard criterion").fill("Escalated within the response time")
    page.get_by_label("Skill:").select_option(label="Escalation handling")
    page.get_by_label("Severity:").select_option("high")
    page.get_by_role("button", name="Record finding").click()
    expect(page.get_by_text("The finding is recorded.")).to_be_visible()
    expect(page.get_by_role("cell", name="TCK-1042")).to_be_visible()
    journey.step("finding-recorded")

    # the skills dashboard suggests the module; they accept it
    page.get_by_role("link", name="Skills in Support EMEA").click()
    suggestion = page.locator(".suggestion").filter(has_text=member.name)
    expect(suggestion.get_by_text("Handling escalations")).to_be_visible()
    journey.step("suggestion")
    suggestion.get_by_role("button", name="Assign").click()
    expect(page.get_by_text(f"Assigned “Handling escalations” to {member.name}.")).to_be_visible()
    expect(page.get_by_text("No suggestions waiting.")).to_be_visible()
    journey.step("suggestion-accepted")

    # and the team's assignments list it, with the QA finding as the reason
    page.get_by_role("link", name="Readiness", exact=True).click()
    page.get_by_role("link", name="Team training", exact=True).click()
    expect(page.get_by_role("heading", name="Team training")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Handling escalations")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(member.name)
    expect(row).to_contain_text("QA finding")
    expect(row).to_contain_text("Open")
    journey.step("team-training")

    assignment = Assignment.objects.get(user=member)
    assert (assignment.source, assignment.status, assignment.module) == (
        "qa_rule",
        "open",
        catalogue["module"],
    )
    assert TrainingSuggestion.objects.get(agent=member).status == "accepted"


# The lead-readiness quiz's right answers, in order (from assessments/demo_content.py).
RIGHT = [
    "Read a sample of Sam's recent conversations",
    "Agents close contacts quickly but miss the underlying issue",
    "Set up a recurring sync or shared workflow",
    "Move some agents from the quieter channels",
    "Give them more hands-on training",
]


def test_journey_candidate_invitation_quiz_result(page, new_page, lead, team, password):
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
    journey = Journey(page, "candidate")

    # the candidate opens the link from the email and starts
    page.goto(candidate_invitation_url(invitation))
    expect(page.get_by_text("5 questions")).to_be_visible()
    journey.step("intro")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(QUESTIONS_URL)

    # four right answers and one wrong
    for number, text in enumerate(RIGHT[:4], start=1):
        answer(page, number, re.compile(re.escape(text)))
    expect(page.locator("#answered-count")).to_have_text("4 of 5 answered")
    journey.step("questions")
    page.get_by_role("button", name="Review and submit").click()
    expect(page.get_by_text("1 question is not answered yet.")).to_be_visible()
    journey.step("review-unanswered")
    page.get_by_role("link", name="Question 5").click()
    page.wait_for_url(QUESTIONS_URL)
    fifth = page.locator("fieldset.question").nth(4)
    answer(page, 5, fifth.locator("label").filter(has_not_text=RIGHT[4]).first.get_by_role("radio"))
    page.get_by_role("button", name="Review and submit").click()
    expect(page.get_by_text("Every question has an answer.")).to_be_visible()
    journey.step("review")
    page.get_by_role("button", name="Submit my answers").click()

    # the result: 4 of 5 is still the top band; every option is explained
    expect(page.get_by_role("heading", name="Ready to lead", exact=True)).to_be_visible(
        timeout=15_000
    )
    expect(page.locator(".result-card .stat")).to_contain_text("4")
    expect(page.locator(".choices.review li")).to_have_count(15)
    expect(page.locator(".choices.review li.correct")).to_have_count(5)
    expect(page.locator(".choices.review li.wrong")).to_have_count(1)
    expect(page.locator(".choices.review li .small.muted")).to_have_count(15)
    journey.step("result")
    attempt = Attempt.objects.get(invitation=invitation)
    assert (attempt.status, attempt.score, attempt.band.label) == ("scored", 4.0, "Ready to lead")

    # the lead who invited them sees the same result
    lead_page = new_page()
    lead_journey = Journey(lead_page, "candidate-lead")
    log_in(lead_page, lead_journey, lead, password)
    lead_page.get_by_role("link", name="Candidates").click()
    expect(lead_page.get_by_role("heading", name="Candidates", level=1)).to_be_visible()
    lead_journey.step("candidates")
    lead_page.get_by_role("link", name=re.compile("Casey")).click()
    expect(lead_page.get_by_role("heading", name="Ready to lead", exact=True)).to_be_visible()
    lead_journey.step("candidate-result")
