"""Authoring in the browser (issue 15): the one-page question editor at a laptop (1366×900)
and a phone (390×844) size, and the admin's edit pages fitting a 1366 px screen.

Screenshots: ``question-editor-laptop``, ``question-editor-phone``, ``admin-fit-*``."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import QuizVersion
from tests import factories
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import shot
from tests.e2e.test_training import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def fits(page, width):
    """Nothing on the page is wider than the window: no sideways scrolling of the page, and
    no table cut off inside it."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    widest = page.evaluate(
        "() => Math.max(0, ...[...document.querySelectorAll('#content table, main table')]"
        ".map(t => t.getBoundingClientRect().right))"
    )
    assert widest <= width


def test_an_author_adds_writes_moves_and_deletes_questions_on_one_page(page, admin_user, password):
    quiz = factories.quiz_published()
    version = QuizVersion.objects.get(quiz=quiz)
    page.set_viewport_size(LAPTOP)
    log_in(page, admin_user, password)

    # the version's admin page links to the editor
    page.goto(f"/admin/assessments/quizversion/{version.pk}/change/")
    page.get_by_role("link", name="Edit the questions on one page").click()
    page.wait_for_url(re.compile(rf"/authoring/quizzes/versions/{version.pk}/questions/$"))
    expect(page.locator("article.question-editor")).to_have_count(3)

    # when the author adds a multiple-response question: it appears with the focus in its text
    page.get_by_label("Kind", exact=True).last.select_option("multiple")
    page.get_by_role("button", name="Add question").click()
    expect(page.locator("#editor-status")).to_have_text("Question 4 added. Write it below.")
    new = page.locator("article.question-editor").nth(3)
    text = new.get_by_label("Scenario (Markdown)")
    expect(text).to_be_focused()

    # and writes it: the preview follows the Markdown as they type
    text.fill("A customer asks for a **refund** after 40 days.")
    expect(new.locator(".markdown-preview strong")).to_have_text("refund")
    new.get_by_label("Choice 1", exact=True).fill("Offer store credit")
    new.get_by_label("Choice 1 is correct").check()
    new.get_by_label("Choice 2", exact=True).fill("Escalate to a lead")
    new.get_by_label("Choice 2 is correct").check()
    new.get_by_label("Choice 3", exact=True).fill("Refund at once")
    new.get_by_role("button", name="Save question").click()
    expect(page.locator("#editor-status")).to_have_text("Question 4 saved.")
    expect(new.get_by_label("Choice 3", exact=True)).to_have_value("Refund at once")
    fits(page, LAPTOP["width"])
    assert_accessible(page, "question-editor-laptop")

    # moving it up keeps the focus on the button, for the next move
    new.get_by_role("button", name=re.compile("Move up")).click()
    expect(page.locator("#editor-status")).to_have_text("Question moved up: it is now question 3.")
    expect(page.locator("article.question-editor").nth(2)).to_contain_text("refund")
    expect(
        page.locator("article.question-editor")
        .nth(2)
        .get_by_role("button", name=re.compile("Move up"))
    ).to_be_focused()

    # deleting asks first, in place
    first = page.locator("article.question-editor").first
    first.get_by_role("link", name=re.compile("Delete")).click()
    expect(first.get_by_role("button", name="Yes, delete question 1")).to_be_focused()
    first.get_by_role("button", name="Yes, delete question 1").click()
    expect(page.locator("#editor-status")).to_have_text("Question 1 deleted.")
    expect(page.locator("article.question-editor")).to_have_count(3)
    assert [q.position for q in version.questions.order_by("position")] == [1, 2, 3]

    # on a phone the editor fits the screen
    page.set_viewport_size(PHONE)
    page.reload()
    fits(page, PHONE["width"])
    assert_accessible(page, "question-editor-phone")


def test_the_admin_edit_pages_fit_a_laptop_screen(page, admin_user, password):
    quiz = factories.quiz_published()
    version = QuizVersion.objects.get(quiz=quiz)
    page.set_viewport_size(LAPTOP)
    log_in(page, admin_user, password)
    for name, url in [
        ("checklist-template-add", "/admin/onboarding/checklisttemplate/add/"),
        ("quiz-version", f"/admin/assessments/quizversion/{version.pk}/change/"),
        ("question", f"/admin/assessments/question/{version.questions.first().pk}/change/"),
    ]:
        page.goto(url)
        fits(page, LAPTOP["width"])
        shot(page, f"admin-fit-{name}")
