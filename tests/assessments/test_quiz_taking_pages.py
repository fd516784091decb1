"""Quiz taking as the learner sees it (issue 15): the intro states the pass mark and the
attempts left, the attempt page keeps its progress bar and announces the last minute, and the
result page offers the next step after a module's completion quiz."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services
from assessments.selectors import candidate_invitation_url
from onboarding import services as onboarding_services
from tests import factories

pytestmark = pytest.mark.django_db


def take(quiz, user):
    attempt = services.attempt_start(quiz=quiz, user=user)
    for question in attempt.quiz_version.questions.all():
        services.answer_save(
            attempt=attempt,
            question_id=question.pk,
            choice_ids=factories.right_choice_ids(question),
        )
    services.attempt_submit(attempt=attempt)
    assert services.attempt_score(attempt_id=attempt.pk)
    return attempt


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'<li id="{element_id}">(.*?)</li>', html, re.S)
    assert match, element_id
    return re.sub(r"\s+", " ", match.group(1)).strip()


def test_the_intro_states_the_pass_mark_and_the_attempts_left(client, member):
    quiz = factories.quiz_published(attempts_allowed=3, pass_percent=80)
    client.force_login(member)

    page = client.get(f"/quizzes/{quiz.slug}/").content.decode()
    assert text_of(page, "pass-mark") == "To pass, score at least 80%."
    assert text_of(page, "attempts-left") == "You have 3 attempts left (of 3)."

    take(quiz, member)
    take(quiz, member)
    page = client.get(f"/quizzes/{quiz.slug}/").content.decode()
    assert text_of(page, "attempts-left") == "You have 1 attempt left (of 3)."

    take(quiz, member)
    page = client.get(f"/quizzes/{quiz.slug}/").content.decode()
    assert text_of(page, "attempts-left") == "You have no attempts left (of 3)."


def test_the_intro_of_an_unlimited_quiz_says_so(client, member):
    quiz = factories.quiz_published(attempts_allowed=0)
    client.force_login(member)
    page = client.get(f"/quizzes/{quiz.slug}/").content.decode()
    assert text_of(page, "attempts-left") == "As many attempts as you like."
    assert text_of(page, "pass-mark") == "To pass, score at least 70%."


def test_a_candidate_sees_the_pass_mark_and_the_attempts_left(client, lead):
    quiz = factories.quiz_published(attempts_allowed=2, pass_percent=60)
    invitation = services.candidate_invitation_create(
        invited_by=lead,
        email="cand@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=3),
    )
    page = client.get(candidate_invitation_url(invitation)).content.decode()
    assert text_of(page, "pass-mark") == "To pass, score at least 60%."
    assert text_of(page, "attempts-left") == "You have 2 attempts left (of 2)."


def test_the_attempt_page_keeps_progress_in_a_sticky_bar_with_a_last_minute_alert(client, member):
    quiz = factories.quiz_published(time_limit_minutes=10)
    attempt = services.attempt_start(quiz=quiz, user=member)
    client.force_login(member)
    page = client.get(f"/attempts/{attempt.pk}/").content.decode()
    start = page.index('<div class="attempt-bar"')
    bar = page[start : page.index("</div>", start)]
    assert 'id="answered-count"' in bar
    assert 'class="timer"' in bar
    assert 'id="timer-alert"' in bar
    assert 'aria-live="assertive"' in bar
    assert 'data-label-minute="One minute left.' in bar


def test_the_attempt_page_without_a_time_limit_has_no_timer_alert(client, member):
    quiz = factories.quiz_published()
    attempt = services.attempt_start(quiz=quiz, user=member)
    client.force_login(member)
    page = client.get(f"/attempts/{attempt.pk}/").content.decode()
    assert 'id="answered-count"' in page
    assert "timer-alert" not in page


def next_steps(html: str) -> list[tuple[str, str]]:
    match = re.search(r'<nav class="mt next-steps"[^>]*>(.*?)</nav>', html, re.S)
    assert match
    return re.findall(r'href="([^"]+)">([^<]+)</a>', match.group(1))


def test_after_a_module_quiz_the_result_offers_the_module_training_and_plan(client, member, lead):
    module = factories.module_with_lessons(1, title="Refunds basics")
    quiz = factories.quiz_published(module=module)
    template = factories.checklist((0, "task", "Accounts"))
    onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=timezone.localdate(), started_by=lead
    )
    attempt = take(quiz, member)
    client.force_login(member)

    page = client.get(f"/attempts/{attempt.pk}/result/").content.decode()

    assert next_steps(page) == [
        (f"/training/modules/{module.slug}/", "Back to the module “Refunds basics”"),
        ("/training/", "My training"),
        ("/onboarding/", "My onboarding plan"),
        (f"/quizzes/{quiz.slug}/", "Back to the quiz"),
    ]


def test_a_plain_quiz_without_a_plan_offers_only_the_quiz(client, member):
    quiz = factories.quiz_published()
    attempt = take(quiz, member)
    client.force_login(member)
    page = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert next_steps(page) == [(f"/quizzes/{quiz.slug}/", "Back to the quiz")]


def test_a_lead_reviewing_a_result_gets_no_learner_next_steps(client, member, lead):
    module = factories.module_with_lessons(1)
    quiz = factories.quiz_published(module=module)
    attempt = take(quiz, member)
    client.force_login(lead)
    page = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert "next-steps" not in page
    assert "My training" not in page.split("<main", 1)[1]
