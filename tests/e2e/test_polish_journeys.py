"""Polish journeys in the browser: a candidate invited in Polish takes the lead-readiness quiz,
and a Polish-speaking new hire works through onboarding (a Polish SOP, the Polish knowledge
check). The quiz texts come from the demo's translations; the UI strings from the Polish
catalogue (``locale/pl``), checked at the end of each journey against ``gettext`` under
``translation.override("pl")``: each must differ from its English msgid and be on the page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from assessments.models import Attempt, ChoiceTranslation
from assessments.selectors import candidate_invitation_url, quiz_current_version
from assessments.services import candidate_invitation_create
from home.demo import content
from home.demo.assessments import demo_quizzes_load
from home.demo.training import demo_skills_load
from onboarding import services as onboarding_services
from onboarding.models import PlanItem
from tests import factories
from tests.e2e.a11y import assert_accessible
from tests.e2e.test_training import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The published key of the lead-readiness quiz, by position: A, B, B, A, A.
KEY = [0, 1, 1, 0, 0]


@pytest.fixture(autouse=True)
def _polish_offered(settings: Any) -> None:
    settings.LANGUAGES = [("en", "English"), ("pl", "Polski")]


def pl(msgid: str) -> str:
    with translation.override("pl"):
        return gettext(msgid)


class PolishUi:
    """UI strings to find on the pages, checked together at the end of a journey so that a
    missing catalogue fails the test without hiding the rest of the journey."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def seen(self, page: Any, *msgids: str) -> None:
        html = page.content()
        for msgid in msgids:
            polish = pl(msgid)
            if polish == msgid:
                self.problems.append(f"{msgid!r} has no Polish translation (locale/pl)")
            elif polish not in html:
                self.problems.append(f"{polish!r} ({msgid!r}) is not on {page.url}")

    def check(self) -> None:
        assert not self.problems, "\n".join(self.problems)


def test_a_polish_candidate_takes_the_lead_readiness_quiz_and_sees_the_band_in_polish(page, lead):
    # given the demo lead-readiness quiz (English and Polish) and an invitation in Polish
    demo_skills_load()
    quiz = demo_quizzes_load()["lead-readiness"]
    invitation = candidate_invitation_create(
        invited_by=lead,
        email="kandydatka@example.test",
        name="Katarzyna",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=7),
        language="pl",
    )
    polish = content.quiz_translations()["lead-readiness"]["pl"]
    ui = PolishUi()

    # the candidate's pages are in Polish: the quiz's title and description, and the UI
    page.goto(candidate_invitation_url(invitation))
    assert page.locator("html").get_attribute("lang") == "pl"
    expect(page.get_by_role("heading", name=polish["title"], exact=True)).to_be_visible()
    assert_accessible(page, "pl-candidate-intro")
    ui.seen(page, "Before you start", "Start")
    page.get_by_role("button", name=pl("Start")).click()
    page.wait_for_url(re.compile(r"/attempts/[0-9a-f-]+/$"))

    # the questions in Polish; the right answers sit at A, B, B, A, A
    questions = page.locator("fieldset.question")
    expect(questions).to_have_count(5)
    for number, position in enumerate(KEY):
        question = questions.nth(number)
        expect(question.locator(".prose")).to_contain_text(
            polish["questions"][number]["text"].split("**")[0].strip()
        )
        option = question.locator("input[type=radio]").nth(position)
        label = question.locator("label").nth(position)
        expect(label).to_contain_text(polish["questions"][number]["choices"][position]["text"])
        option.check()
        question.locator(".save-status").wait_for()
    assert page.locator("html").get_attribute("lang") == "pl"
    assert_accessible(page, "pl-candidate-answering")
    ui.seen(page, "Review and submit")
    page.get_by_role("button", name=pl("Review and submit")).click()
    page.get_by_role("button", name=pl("Submit my answers")).click()

    # the result: the band and the explanations in Polish
    page.locator(".result-card").wait_for(timeout=15_000)
    band = polish["bands"][0]
    expect(page.get_by_role("heading", name=band["label"], exact=True)).to_be_visible()
    expect(page.locator(".result-card")).to_contain_text(band["message"].split(".")[0])
    expect(page.locator(".choices.review li.correct").first).to_contain_text(
        polish["questions"][0]["choices"][0]["text"]
    )
    assert page.locator("html").get_attribute("lang") == "pl"
    assert_accessible(page, "pl-candidate-result")
    attempt = Attempt.objects.get(invitation=invitation)
    assert (attempt.language, attempt.score) == ("pl", 5.0)
    ui.seen(page, "Question by question", "correct answer")
    ui.check()


def test_a_polish_new_hire_reads_a_polish_sop_and_takes_the_polish_knowledge_check(
    new_page, member, password
):
    # given a Polish-speaking new hire with a Polish onboarding plan
    member.language, member.locale_chosen = "pl", True  # their choice, whatever the browser
    member.save(update_fields=["language", "locale_chosen"])
    quiz = demo_quizzes_load()["agent-knowledge-check"]
    sop_item = next(s for s in content.sops() if s["slug"] == "pierwszy-tydzien-nowego-konsultanta")
    sop = factories.sop_published(sop_item["versions"][0]["body"], title=sop_item["title"])
    sop.language = "pl"
    sop.save(update_fields=["language"])
    template = factories.checklist(
        (0, "read_sop", sop), (26, "quiz", quiz), name="Nowy konsultant: pierwszy miesiąc"
    )
    for step in template.items.all():
        step.title = {"read_sop": "Przeczytaj SOP", "quiz": "Zalicz sprawdzian"}[step.kind]
        step.save(update_fields=["title"])
    onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=timezone.localdate()
    )
    polish = content.quiz_translations()["agent-knowledge-check"]["pl"]
    ui = PolishUi()

    hire = new_page()
    log_in(hire, member, password)
    hire.goto("/onboarding/")
    assert hire.locator("html").get_attribute("lang") == "pl"
    expect(hire.locator(".item-title").filter(has_text="Przeczytaj SOP")).to_be_visible()
    assert_accessible(hire, "pl-new-hire-onboarding")
    ui.seen(hire, "Read SOP")

    # the Polish SOP: read and acknowledge it
    hire.goto(f"/sops/{sop.slug}/")
    expect(hire.get_by_role("heading", name="Pierwszy tydzień nowego konsultanta")).to_be_visible()
    expect(hire.get_by_text("Kiedy ma zastosowanie")).to_be_visible()
    assert_accessible(hire, "pl-new-hire-sop")
    ui.seen(hire, "I have read and understood this")
    hire.get_by_role("button", name=pl("I have read and understood this")).click()
    expect(hire.locator(".badge.ok").first).to_be_visible()
    assert PlanItem.objects.get(kind="read_sop", plan__user=member).status == "done"

    # the knowledge check, in Polish: every right answer
    hire.goto(f"/quizzes/{quiz.slug}/")
    expect(hire.get_by_role("heading", name=polish["title"], exact=True)).to_be_visible()
    hire.get_by_role("button", name=pl("Start")).click()
    hire.wait_for_url(re.compile(r"/attempts/[0-9a-f-]+/$"))
    version = quiz_current_version(quiz)
    right = ChoiceTranslation.objects.filter(
        language="pl", choice__question__version=version, choice__is_correct=True
    ).select_related("choice__question")
    for translated in right:
        option = hire.locator(f"#q-{translated.choice.question_id}").get_by_label(
            translated.text, exact=True
        )
        option.check()
        hire.locator(f"#save-{translated.choice.question_id}").wait_for()
    assert_accessible(hire, "pl-new-hire-quiz")
    hire.get_by_role("button", name=pl("Review and submit")).click()
    hire.get_by_role("button", name=pl("Submit my answers")).click()
    hire.locator(".result-card").wait_for(timeout=15_000)
    expect(
        hire.get_by_role("heading", name=polish["bands"][0]["label"], exact=True)
    ).to_be_visible()
    assert_accessible(hire, "pl-new-hire-quiz-result")
    attempt = Attempt.objects.get(user=member)
    assert (attempt.language, attempt.score) == ("pl", 10.0)

    # the onboarding plan has both steps done
    hire.goto("/onboarding/")
    expect(hire.locator(".is-done")).to_have_count(2)
    assert_accessible(hire, "pl-new-hire-onboarding-done")
    ui.seen(hire, "completed")
    ui.check()
