"""Issue 15 in the browser, at a laptop (1366×900) and a phone (390×844) size: a quiz with a
"choose all that apply" question, and the lead's skills page. Screenshots of both go to the CI
artifacts; axe-core checks every page."""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import expect

from qa import services as qa_services
from skills import services as skills_services
from skills.models import LearnerProfile, SkillTarget
from tests import factories
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import shot
from tests.e2e.test_training import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def questions(n: int) -> list[dict]:
    """A multiple-answer question first (two right options), then single-choice ones."""
    multiple = {
        "kind": "multiple",
        "choices": [
            ("Apologise", True, ""),
            ("Offer a refund straight away, before understanding the issue", False, ""),
            ("Confirm what the customer needs", True, ""),
        ],
    }
    single = {"kind": "single", "choices": [("Right", True, ""), ("Wrong", False, "")]}
    return [multiple] + [single] * (n - 1)


@pytest.mark.parametrize("size", SIZES.keys())
def test_a_learner_takes_a_module_quiz_with_a_multiple_answer_question(
    new_page, member, password, size
):
    module = factories.module_with_lessons(1, title="Refunds basics")
    quiz = factories.quiz_published(
        module=module,
        questions=questions(8),
        time_limit_minutes=1,
        attempts_allowed=2,
        pass_percent=75,
    )
    page = new_page()
    page.set_viewport_size(SIZES[size])
    log_in(page, member, password)

    # the intro says what it takes to pass and how many attempts are left
    page.goto(f"/quizzes/{quiz.slug}/")
    expect(page.locator("#pass-mark")).to_have_text("To pass, score at least 75%.")
    expect(page.locator("#attempts-left")).to_have_text("You have 2 attempts left (of 2).")
    assert_accessible(page, f"quiz-intro-{size}")
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/attempts/[0-9a-f-]+/$"))  # htmx and app.js listen now

    # every "choose all that apply" option is a full-width row, like the single-choice ones
    question = page.get_by_role("group", name="Question 1 of 8 choose all that apply")
    choices = question.locator(".choices")
    labels = choices.locator("label")
    expect(labels).to_have_count(3)
    # Measured in one pass, once the page has settled (the sticky bar and the timer start
    # after load): a label narrower than its list for 5 s fails.
    choices.evaluate(
        """list => new Promise((resolve, reject) => {
            const full = () => Array.from(list.querySelectorAll("label")).every(
                label => label.getBoundingClientRect().width >=
                    list.getBoundingClientRect().width - 1);
            const started = performance.now();
            const check = () => full() ? resolve(true)
                : performance.now() - started > 5000
                    ? reject(new Error("an option is narrower than the list"))
                    : requestAnimationFrame(check);
            check();
        })"""
    )
    boxes = [labels.nth(i).bounding_box() for i in range(3)]
    for upper, lower in itertools.pairwise(boxes):
        assert upper["y"] + upper["height"] <= lower["y"], "options overlap"
    question.get_by_label("Apologise").check()
    question.get_by_label("Confirm what the customer needs").check()
    expect(page.locator("#answered-count")).to_have_text("1 of 8 answered")
    # a one-minute quiz is in its last minute: the status region says so, once
    expect(page.locator("#timer-alert")).to_have_text(
        "One minute left. Your saved answers are submitted when the time is up."
    )
    assert_accessible(page, f"quiz-multiple-answer-{size}")

    # the answered count and the timer stay in view at the bottom of the questions
    page.get_by_role("group", name="Question 8 of 8").scroll_into_view_if_needed()
    page.get_by_role("group", name="Question 8 of 8").get_by_label("Right").check()
    bar = page.locator(".attempt-bar").bounding_box()
    assert page.evaluate("window.scrollY") > 0
    assert 0 <= bar["y"] <= 1, bar
    expect(page.locator("#answered-count")).to_be_in_viewport()
    expect(page.locator(".timer")).to_be_in_viewport()
    expect(page.locator("#answered-count")).to_have_text("2 of 8 answered")
    shot(page, f"quiz-scrolled-{size}")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]

    # after submitting, the result leads back to the module and to My training
    page.get_by_role("button", name="Review and submit").click()
    page.get_by_role("button", name="Submit my answers").click()
    page.locator(".result-card").wait_for(timeout=15_000)
    steps = page.get_by_role("navigation", name="Next steps")
    expect(steps.get_by_role("link", name="Back to the module “Refunds basics”")).to_be_visible()
    expect(steps.get_by_role("link", name="My training")).to_be_visible()
    expect(steps.get_by_role("link", name="Back to the quiz")).to_be_visible()
    assert_accessible(page, f"quiz-result-next-steps-{size}")
    steps.get_by_role("link", name="Back to the module “Refunds basics”").click()
    expect(page.get_by_role("heading", name="Refunds basics", level=1)).to_be_visible()


@pytest.mark.parametrize("size", SIZES.keys())
def test_a_lead_reads_a_wide_skills_heatmap(
    new_page, lead, member, team, catalogue, password, size
):
    # given ten more skills with targets (12 columns) and a sure gap on the last one
    extra = [
        factories.SkillFactory.create(slug=f"skill-{n}", name=f"Skill number {n}", position=10 + n)
        for n in range(10)
    ]
    for skill in extra:
        SkillTarget.objects.create(role_profile=catalogue["profile"], skill=skill, level=0.6)
    ben = factories.UserFactory.create(name="Ben Baker", email="ben@example.test")
    factories.MembershipFactory.create(user=ben, team=team)
    LearnerProfile.objects.create(user=ben, role_profile=catalogue["profile"])
    for i in range(3):
        qa_services.finding_record(
            reviewer=lead,
            agent=ben,
            interaction_ref=f"TCK-{i}",
            criterion="Clear wording",
            skill=extra[-1],
            severity="high",
        )
    skills_services.profiles_rebuild()
    page = new_page()
    page.set_viewport_size(SIZES[size])
    log_in(page, lead, password)

    page.goto(f"/teams/{team.pk}/skills/")
    # then the sure gap comes first: Ben's row, the last skill's column, in view at once
    first_header = page.locator("table.heatmap thead th").nth(1)
    expect(first_header).to_have_text("Skill number 9")
    first_row = page.locator("table.heatmap tbody tr").first
    expect(first_row.get_by_role("rowheader")).to_contain_text("Ben Baker")
    expect(first_row.locator("td.heat").first).to_have_class("heat gap")
    expect(first_row.locator("td.heat").first).to_be_in_viewport()

    # the name column stays put while the skills scroll sideways
    wrap = page.locator(".heatmap-wrap")
    name_before = first_row.get_by_role("rowheader").bounding_box()
    wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert wrap.evaluate("el => el.scrollLeft") > 0
    name_after = first_row.get_by_role("rowheader").bounding_box()
    assert abs(name_after["x"] - name_before["x"]) < 1, (name_before, name_after)
    wrap.evaluate("el => { el.scrollLeft = 0; }")
    assert_accessible(page, f"skills-heatmap-{size}")

    # "Is it working?" shows its After column without scrolling its table
    effect = page.locator(".effect-card")
    card = effect.bounding_box()
    assert card["width"] >= min(SIZES[size]["width"] - 40, 600), card
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]

    # the lead narrows to one member; the filter is in the URL to share
    page.get_by_label("Member").fill("ben")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"/teams/{team.pk}/skills/?skill=&member=ben")
    expect(page.locator("table.heatmap tbody tr")).to_have_count(1)
    shot(page, f"skills-heatmap-filtered-{size}")
