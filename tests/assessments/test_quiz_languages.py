"""A quiz version offered in more than one language: the same questions, choices, keys, skills
and bands, with their texts translated. Attempts record the language they were taken in;
scoring and item analysis stay per question whatever the language."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from assessments import selectors, services
from assessments.models import (
    Attempt,
    CandidateInvitation,
    Choice,
    ItemStatistic,
    Question,
    QuizVersion,
)
from core.errors import Conflict, ValidationFailed
from courses.models import SOP
from courses.selectors import sops_list
from home.demo import content
from home.demo.assessments import demo_quizzes_load
from onboarding.models import OnboardingPlan
from tests import factories

pytestmark = pytest.mark.django_db

EN_PL = [("en", "English"), ("pl", "Polski")]
# The published key of the lead-readiness quiz, by position (DOMAIN.md).
LEAD_READINESS_KEY = ["A", "B", "B", "A", "A"]


@pytest.fixture(autouse=True)
def _polish_offered(settings):
    settings.LANGUAGES = EN_PL  # what the site offers once the Polish catalogue is in


def polish(version: QuizVersion, *, skip_choice: bool = False) -> list[str]:
    """Translate every text of ``version`` into Polish ("PL " + the English text)."""
    questions = list(version.questions.prefetch_related("choices"))
    choices = [choice for question in questions for choice in question.choices.all()]
    if skip_choice:
        choices = choices[1:]
    return services.quiz_version_translation_save(
        version=version,
        language="pl",
        texts=services.VersionTexts(
            title=f"PL {version.quiz.title}",
            description="Opis po polsku",
            questions={q.pk: (f"PL *{q.text}*", "") for q in questions},
            choices={c.pk: (f"PL {c.text}", f"PL {c.explanation}") for c in choices},
            bands={b.pk: (f"PL {b.label}", f"PL {b.message}") for b in version.bands.all()},
        ),
    )


def polish_quiz(**kwargs):
    quiz = factories.quiz_published(**kwargs)
    assert polish(quiz.versions.get()) == ["en", "pl"]
    return quiz


def shown(question: Question) -> list[Choice]:
    """The question's choices in the order the attempt shows them."""
    return question.shuffled_choices  # type: ignore[attr-defined]


def letters(questions: list[Question]) -> list[str]:
    """The letter (A, B, C, ...) of each question's right choice, by position as shown."""
    return ["ABCDE"[[c.is_correct for c in shown(question)].index(True)] for question in questions]


def answer_all(attempt: Attempt, *, right: bool = True) -> None:
    for question in attempt.quiz_version.questions.prefetch_related("choices"):
        chosen = [c.pk for c in question.choices.all() if c.is_correct == right][:1]
        services.answer_save(attempt=attempt, question_id=question.pk, choice_ids=chosen)


def submit_and_score(attempt: Attempt, capture) -> Attempt:
    with capture(execute=True):
        services.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    return attempt


# --- the demo's lead-readiness quiz: the published key by position ---------------------------


def test_the_lead_readiness_key_is_a_b_b_a_a_by_position_in_both_languages(member):
    version = demo_quizzes_load()["lead-readiness"].versions.get(published_at__isnull=False)
    assert selectors.quiz_version_languages(version) == ["en", "pl"]
    assert not version.shuffle_choices  # the order is the published one, never shuffled
    displayed = {}
    for language in ("en", "pl"):
        attempt = Attempt(quiz=version.quiz, quiz_version=version, seed=7, language=language)
        displayed[language] = selectors.attempt_questions(attempt)
        assert letters(displayed[language]) == LEAD_READINESS_KEY, language
    # the same choices in the same places, in two languages
    for english, polish_question in zip(displayed["en"], displayed["pl"], strict=True):
        assert [c.pk for c in shown(english)] == [c.pk for c in shown(polish_question)]
        assert english.text != polish_question.text
    first = shown(displayed["pl"][0])
    assert "rozmów" in first[0].text  # A: look at the conversations (diagnose first)
    assert "upomnienia" in first[1].text  # B: a formal warning
    assert shown(displayed["en"][0])[0].text.startswith("Read a sample")


def test_the_demo_quiz_files_keep_the_published_order():
    """The files themselves: correct options at A, B, B, A, A; the Polish file has the same
    number of options per question (its options are matched by position)."""
    lead = next(q for q in content.quizzes() if q["slug"] == "lead-readiness")
    key = ["ABC"[[c["correct"] for c in q["choices"]].index(True)] for q in lead["questions"]]
    assert key == LEAD_READINESS_KEY
    assert lead["shuffle_choices"] is False
    pl = content.quiz_translations()["lead-readiness"]["pl"]
    assert [len(q["choices"]) for q in pl["questions"]] == [3, 3, 3, 3, 3]


def test_choices_keep_the_authored_order_unless_the_version_shuffles_them(member):
    quiz = factories.quiz_published(shuffle_choices=False)
    attempt = services.attempt_start(quiz=quiz, user=member)
    for question in selectors.attempt_questions(attempt):
        assert [c.position for c in shown(question)] == sorted(c.position for c in shown(question))


# --- which language an attempt is taken in ---------------------------------------------------


def test_a_learner_takes_the_quiz_in_their_profile_language_when_it_is_offered(client, member):
    member.language = "pl"
    member.save(update_fields=["language"])
    quiz = polish_quiz()

    attempt = services.attempt_start(quiz=quiz, user=member)

    assert attempt.language == "pl"
    client.force_login(member)
    page = client.get(f"/attempts/{attempt.pk}/").content.decode()
    assert "PL <em>Scenario" in page
    assert "PL Q1 right" in page
    assert f"PL {quiz.title}" in page
    assert '<html lang="pl">' in page


@pytest.mark.parametrize("incomplete", [False, True], ids=["no-translation", "one-choice-missing"])
def test_without_a_complete_translation_the_quiz_falls_back_to_its_own_language(
    client, member, incomplete
):
    member.language = "pl"
    member.save(update_fields=["language"])
    quiz = factories.quiz_published()
    version = quiz.versions.get()
    if incomplete:
        assert polish(version, skip_choice=True) == ["en"]  # not offered

    attempt = services.attempt_start(quiz=quiz, user=member)

    assert attempt.language == "en"
    client.force_login(member)
    page = client.get(f"/attempts/{attempt.pk}/").content.decode()
    assert "Q1 right" in page
    assert "PL Q1" not in page


def test_an_english_learner_gets_english_without_reading_translations(
    member, django_assert_num_queries
):
    quiz = polish_quiz()
    version = quiz.versions.get()
    with django_assert_num_queries(0):
        assert selectors.quiz_version_language_for(version, "en") == "en"
    attempt = services.attempt_start(quiz=quiz, user=member)
    assert attempt.language == "en"
    assert [q.text for q in selectors.attempt_questions(attempt)] == [
        "Scenario **1**",
        "Scenario **2**",
        "Scenario **3**",
    ]


# --- candidates ------------------------------------------------------------------------------


def test_an_invitation_names_its_language_and_the_email_and_pages_use_it(
    client, lead, django_capture_on_commit_callbacks
):
    quiz = polish_quiz()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.candidate_invitation_create(
            invited_by=lead,
            email="kandydat@example.test",
            quiz=quiz,
            expires_at=timezone.now() + timedelta(days=3),
            language="pl",
        )
    assert invitation.language == "pl"
    assert f"PL {quiz.title}" in mail.outbox[-1].subject
    link = selectors.candidate_invitation_url(invitation)

    intro = client.get(link).content.decode()
    assert '<html lang="pl">' in intro
    assert f"PL {quiz.title}" in intro
    assert "Opis po polsku" in intro

    response = client.post(link)
    attempt = Attempt.objects.get(invitation=invitation)
    assert attempt.language == "pl"
    take = client.get(response.url).content.decode()
    assert '<html lang="pl">' in take
    assert "PL Q2 wrong one" in take


def test_an_invitation_in_a_language_the_quiz_is_not_offered_in_is_a_field_error(lead):
    quiz = factories.quiz_published()
    with pytest.raises(ValidationFailed) as refused:
        services.candidate_invitation_create(
            invited_by=lead,
            email="kandydat@example.test",
            quiz=quiz,
            expires_at=timezone.now() + timedelta(days=3),
            language="pl",
        )
    assert list(refused.value.field_errors) == ["language"]


def test_an_invitation_without_a_language_uses_the_quiz_s_own(lead):
    quiz = polish_quiz()
    invitation = services.candidate_invitation_create(
        invited_by=lead,
        email="candidate@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=3),
    )
    assert invitation.language == "en"


def test_the_invitation_api_takes_and_returns_the_language(api_as, lead):
    quiz = polish_quiz()
    api = api_as(lead)
    payload = {
        "email": "kandydat@example.test",
        "quiz": quiz.pk,
        "expires_at": (timezone.now() + timedelta(days=3)).isoformat(),
    }
    created = api.post("/api/v1/invitations/", {**payload, "language": "pl"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["language"] == "pl"

    refused = api.post(
        "/api/v1/invitations/",
        {**payload, "email": "x@example.test", "language": "de"},
        format="json",
    )
    assert refused.status_code == 400
    assert "language" in refused.json()["errors"]


def test_the_lead_invites_in_polish_from_the_candidates_page(client, lead, team):
    quiz = polish_quiz()
    client.force_login(lead)
    response = client.post(
        f"/teams/{team.pk}/candidates/",
        {
            "email": "kandydat@example.test",
            "quiz": quiz.pk,
            "expires": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "language": "pl",
        },
    )
    assert response.status_code == 302
    assert quiz.invitations.get().language == "pl"


# --- results, review and the API in the attempt's language -----------------------------------


def test_the_result_band_and_explanations_are_shown_in_the_attempt_s_language(
    client, member, django_capture_on_commit_callbacks
):
    member.language = "pl"
    member.save(update_fields=["language"])
    quiz = polish_quiz(bands=[(0, 1.99, "Low"), (2, 3, "High")])
    attempt = services.attempt_start(quiz=quiz, user=member)
    answer_all(attempt)
    attempt = submit_and_score(attempt, django_capture_on_commit_callbacks)
    assert attempt.band.label == "High"  # the band row is the same in every language

    client.force_login(member)
    page = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert "PL High" in page
    assert "PL Q1 A is right because of reason 1." in page


def test_the_api_returns_the_texts_of_the_attempt_s_language_and_says_which(api_as, member):
    member.language = "pl"
    member.save(update_fields=["language"])
    quiz = polish_quiz()
    api = api_as(member)

    started = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/").json()

    assert started["language"] == "pl"
    assert started["questions"][0]["text"].startswith("<p>PL <em>Scenario")
    assert [c["text"] for c in started["questions"][0]["choices"]] == [
        "PL Q1 right",
        "PL Q1 wrong one",
        "PL Q1 wrong two",
    ]
    detail = api.get(f"/api/v1/attempts/{started['id']}/").json()
    assert detail["language"] == "pl"
    assert detail["questions"][1]["choices"][0]["text"] == "PL Q2 right"
    assert api.get(f"/api/v1/quizzes/{quiz.pk}/").json()["languages"] == ["en", "pl"]


def test_typed_answers_are_matched_against_the_accepted_answers_of_the_attempt_s_language(
    member, django_capture_on_commit_callbacks
):
    member.language = "pl"
    member.save(update_fields=["language"])
    quiz = factories.quiz_published(
        questions=[{"kind": "short_answer", "choices": [("refund", True, "")]}]
    )
    version = quiz.versions.get()
    question = version.questions.get()
    services.quiz_version_translation_save(
        version=version,
        language="pl",
        texts=services.VersionTexts(
            title="Zwroty",
            questions={question.pk: ("Jak to się nazywa?", "")},
            choices={question.choices.get().pk: ("zwrot", "")},
            bands={b.pk: ("PL", "PL") for b in version.bands.all()},
        ),
    )
    attempt = services.attempt_start(quiz=quiz, user=member)
    assert attempt.language == "pl"
    services.answer_save(attempt=attempt, question_id=question.pk, text="zwrot")

    attempt = submit_and_score(attempt, django_capture_on_commit_callbacks)

    assert attempt.score == 1.0


# --- item analysis and versions --------------------------------------------------------------


def test_item_analysis_counts_the_answers_of_both_languages_together(
    django_capture_on_commit_callbacks,
):
    quiz = polish_quiz()
    languages = []
    for n in range(10):
        taker = factories.UserFactory.create(language="pl" if n % 2 else "en")
        attempt = services.attempt_start(quiz=quiz, user=taker)
        answer_all(attempt, right=n < 6)
        languages.append(submit_and_score(attempt, django_capture_on_commit_callbacks).language)
    assert sorted(languages) == ["en"] * 5 + ["pl"] * 5

    version = quiz.versions.get()
    services.item_analysis_compute(version_id=version.pk)

    statistics = ItemStatistic.objects.filter(question__version=version)
    assert statistics.count() == 3  # one per question, not one per question and language
    assert {s.attempts for s in statistics} == {10}
    assert {round(s.facility, 2) for s in statistics} == {0.6}


def test_a_new_version_keeps_the_translations(member):
    quiz = polish_quiz()
    old = quiz.versions.get()
    Attempt.objects.create(quiz=quiz, quiz_version=old, user=member, seed=1, language="pl")

    new = services.quiz_version_for_editing(quiz=quiz)

    assert new.pk != old.pk
    assert selectors.quiz_version_languages(new) == ["en", "pl"]
    services.quiz_version_publish(version=new)
    attempt = Attempt(quiz=quiz, quiz_version=new, seed=1, language="pl")
    assert shown(selectors.attempt_questions(attempt)[0])[0].text == "PL Q1 right"


def test_a_translation_is_fixed_once_someone_took_the_version_in_that_language(member):
    quiz = polish_quiz()
    version = quiz.versions.get()
    Attempt.objects.create(quiz=quiz, quiz_version=version, user=member, seed=1, language="pl")
    with pytest.raises(Conflict):
        polish(version)


def test_a_translation_into_the_version_s_own_or_an_unknown_language_is_refused():
    version = factories.quiz_published().versions.get()
    for language in ("en", "xx"):
        with pytest.raises(ValidationFailed) as refused:
            services.quiz_version_translation_save(
                version=version, language=language, texts=services.VersionTexts(title="T")
            )
        assert list(refused.value.field_errors) == ["language"]


def test_the_admin_translates_a_version_on_one_page(client, admin_user):
    quiz = factories.quiz_published()
    version = quiz.versions.get()
    client.force_login(admin_user)
    url = f"/admin/assessments/quizversion/{version.pk}/translate/pl/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: f"PL {field.help_text}" for name, field in form.fields.items()}

    response = client.post(url, data)

    assert response.status_code == 302
    assert selectors.quiz_version_languages(version) == ["en", "pl"]
    change = client.get(f"/admin/assessments/quizversion/{version.pk}/change/")
    assert change.status_code == 200
    assert "offered" in change.content.decode()
    assert (
        client.get(f"/admin/assessments/quizversion/{version.pk}/translate/xx/").status_code == 403
    )


# --- the demo --------------------------------------------------------------------------------


def test_the_demo_has_a_polish_agent_plan_sops_quizzes_and_candidate(settings):
    settings.DEBUG = True
    call_command("demo", stdout=StringIO())
    zofia = User.objects.get(email="zofia@demo.test")
    assert (zofia.name, zofia.language) == ("Zofia Nowak", "pl")
    plan = OnboardingPlan.objects.get(user=zofia)
    assert plan.template.name == "Nowy konsultant: pierwszy miesiąc"
    sop_steps = plan.items.filter(kind="read_sop").values_list("sop__slug", flat=True)
    assert set(sop_steps) <= set(SOP.objects.filter(language="pl").values_list("slug", flat=True))
    assert SOP.objects.filter(language="pl").count() == 3
    for slug in ("lead-readiness", "agent-knowledge-check"):
        version = selectors.quiz_current_version(demo_quizzes_load()[slug])
        assert selectors.quiz_version_languages(version) == ["en", "pl"], slug
    invitation = CandidateInvitation.objects.get(email="kandydatka@demo.test")
    assert (invitation.language, invitation.quiz.slug) == ("pl", "lead-readiness")
    counts = [
        model.objects.count() for model in (CandidateInvitation, OnboardingPlan, QuizVersion, SOP)
    ]
    call_command("demo", stdout=StringIO())
    assert [
        model.objects.count() for model in (CandidateInvitation, OnboardingPlan, QuizVersion, SOP)
    ] == counts


def test_people_see_the_sops_in_their_language_first(member):
    english = factories.sop_published("Text", title="Alpha procedure")
    polish_sop = factories.sop_published("Tekst", title="Zeta procedura")
    polish_sop.language = "pl"
    polish_sop.save(update_fields=["language"])
    assert list(sops_list(user=member)) == [english, polish_sop]
    member.language = "pl"
    assert list(sops_list(user=member)) == [polish_sop, english]


def test_a_follow_up_names_the_quiz_as_the_learner_took_it(
    module_with_lessons, django_capture_on_commit_callbacks
):
    """A Polish learner who failed the Polish quiz read its English title in the reason."""
    from courses.models import Assignment

    module = module_with_lessons(lessons=1)
    quiz = polish_quiz(module=module)
    taker = factories.UserFactory.create(language="pl")
    attempt = services.attempt_start(quiz=quiz, user=taker)
    answer_all(attempt, right=False)
    assert submit_and_score(attempt, django_capture_on_commit_callbacks).language == "pl"
    reason = Assignment.objects.get(user=taker, module=module).reason
    assert reason.startswith(f"Twój wynik w quizie „PL {quiz.title}” to 0%")
