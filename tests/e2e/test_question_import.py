"""Done when (issue 13): a lead who may author quizzes imports a Moodle GIFT file in Chromium,
sees every question with its type, weights and feedback and every problem with its line,
and confirms; nothing is saved before."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from assessments.models import Question
from tests import factories
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import shot
from tests.e2e.test_training import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BANK = """\
// exported from Moodle
$CATEGORY: $course$/top/escalations

::Safety::A power bank swelled while charging. What do you do?{
  =Escalate as S1#Safety is always S1.
  ~Replace it yourself#Not for a safety issue.
  ####Escalation is about risk, not tone.
}

::Channels::Which two channels answer within minutes?{
  ~%50%Chat
  ~%50%Phone
  ~%-100%Email#Email takes hours.
}

::SLA::First-response target for chat, in minutes?{#2:0.5}

::Essay::Describe your last difficult call.{}
"""


def test_a_lead_imports_a_gift_file_with_a_preview_and_confirms(page, lead, password):
    # given a lead an admin allowed to add questions, a quiz, and the escalations skill
    lead.user_permissions.add(Permission.objects.get(codename="add_question"))
    factories.SkillFactory.create(slug="escalations", name="Escalations")
    quiz = factories.quiz_published(slug="knowledge-check")
    log_in(page, lead, password)

    # when they upload the file, they see the preview and nothing is saved yet
    page.goto(f"/question-bank/import/?quiz={quiz.pk}")
    expect(page.get_by_role("heading", name="Import questions (GIFT or Aiken)")).to_be_visible()
    assert_accessible(page, "question-import-upload")
    page.locator("#id_file").set_input_files(
        {"name": "moodle-export.txt", "mimeType": "text/plain", "buffer": BANK.encode()}
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#import-summary")).to_have_text(
        "3 questions to import, 1 skipped with a problem."
    )
    expect(page.get_by_text("Line 4: Safety")).to_be_visible()
    expect(page.get_by_text("Feedback: Email takes hours.")).to_be_visible()
    expect(page.get_by_text("-100%")).to_be_visible()
    expect(
        page.get_by_text("General feedback: Escalation is about risk, not tone.")
    ).to_be_visible()
    problems = page.get_by_role("table")
    expect(problems).to_contain_text("An essay question can't be scored automatically")
    expect(problems.get_by_role("cell", name="18", exact=True)).to_be_visible()
    assert_accessible(page, "question-import-preview")
    shot(page, "question-import-preview")
    assert quiz.versions.count() == 1

    # then confirming imports the three questions into a new draft version, once
    page.get_by_role("button", name="Import 3 questions").click()
    expect(page.get_by_text("3 questions were added to version 2")).to_be_visible()
    draft = quiz.versions.get(number=2)
    assert draft.published_at is None
    imported = Question.objects.filter(version=draft).exclude(content_hash="")
    assert sorted(imported.values_list("kind", flat=True)) == ["multiple", "numerical", "single"]
    assert imported.filter(skills__slug="escalations").count() == 3


def test_a_learner_types_answers_and_the_page_counts_and_saves_them(page, member, password):
    from assessments import services
    from assessments.models import Answer
    from tests.assessments.test_typed_answers import typed_quiz

    quiz = typed_quiz(review_when="immediately")
    attempt = services.attempt_start(quiz=quiz, user=member)
    log_in(page, member, password)
    page.goto(f"/attempts/{attempt.pk}/")
    expect(page.locator("#answered-count")).to_have_text("0 of 3 answered")
    page.get_by_label("Your answer (a number)").fill("4,2")
    page.get_by_label("Your answer (a number)").press("Tab")  # change fires on leaving the field
    expect(page.locator("#answered-count")).to_have_text("1 of 3 answered")
    page.get_by_label("Your answer", exact=True).fill("  paris ")
    page.get_by_label("Your answer", exact=True).press("Tab")
    expect(page.locator("#answered-count")).to_have_text("2 of 3 answered")
    deadline = time.monotonic() + 10  # the autosave answers after the counter moves
    while Answer.objects.count() < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    saved = {answer.question.kind: answer.response_text for answer in Answer.objects.all()}
    assert saved == {"numerical": "4,2", "short_answer": "paris"}
