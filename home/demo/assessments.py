"""Load the demo quizzes, a knowledge-check assignment and a candidate invitation for the
lead-readiness quiz, from ``content/`` through the real services. Idempotent."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from assessments import services as assessments_services
from assessments.models import (
    CandidateInvitation,
    Choice,
    Question,
    Quiz,
    QuizVersion,
    ResultBand,
)
from assessments.selectors import candidate_invitation_url
from core.errors import Conflict
from courses.models import Module
from home.demo import content
from home.demo.people import demo_team
from skills.models import Skill

DEMO_CANDIDATE = content.demo_candidate()


_VERSION_SETTINGS = (
    "time_limit_minutes",
    "grace_seconds",
    "attempts_allowed",
    "pass_percent",
    "shuffle_questions",
    "shuffle_choices",
)


def _file_settings(item: dict[str, Any]) -> dict[str, Any]:
    review = item["review"]
    return {
        **{name: item[name] for name in _VERSION_SETTINGS},
        "review_when": review["when"],
        "review_score": review["score"],
        "review_correctness": review["correctness"],
        "review_explanations": review["explanations"],
    }


def _file_content(item: dict[str, Any], skills: dict[str, Skill]) -> Any:
    """What a version made from the file holds, comparable with ``_version_content``."""
    questions = [
        (
            question["text"],
            question["kind"],
            float(question["weight"]),
            sorted(slug for slug in question["skills"] if slug in skills),
            question.get("sop") or "",
            [
                (c["text"], bool(c["correct"]), c.get("fraction"), c["explanation"])
                for c in question["choices"]
            ],
        )
        for question in item["questions"]
    ]
    bands = sorted(
        (float(b["min"]), float(b["max"]), b["label"], b["message"]) for b in item["bands"]
    )
    return (_file_settings(item), questions, bands)


def _version_content(version: QuizVersion) -> Any:
    questions = [
        (
            question.text,
            question.kind,
            float(question.weight),
            sorted(skill.slug for skill in question.skills.all()),
            question.sop_ref,
            [(c.text, c.is_correct, c.fraction, c.explanation) for c in question.choices.all()],
        )
        for question in version.questions.prefetch_related("choices", "skills")
    ]
    bands = sorted((b.min_score, b.max_score, b.label, b.message) for b in version.bands.all())
    settings_ = {name: getattr(version, name) for name in _file_settings_names()}
    return (settings_, questions, bands)


def _file_settings_names() -> tuple[str, ...]:
    return (
        *_VERSION_SETTINGS,
        "review_when",
        "review_score",
        "review_correctness",
        "review_explanations",
    )


def _version_from_file(quiz: Quiz, item: dict[str, Any], skills: dict[str, Skill]) -> QuizVersion:
    """A new published version holding exactly what the file says, options in file order."""
    version = assessments_services.quiz_version_create(quiz=quiz, **_file_settings(item))
    for position, question_item in enumerate(item["questions"], start=1):
        question = assessments_services.question_save(
            question=Question(
                version=version,
                position=position,
                text=question_item["text"],
                kind=question_item["kind"],
                weight=question_item["weight"],
                sop_ref=question_item.get("sop") or "",
            )
        )
        question.skills.set([skills[slug] for slug in question_item["skills"] if slug in skills])
        Choice.objects.bulk_create(
            [
                Choice(
                    question=question,
                    position=number,
                    text=choice["text"],
                    is_correct=choice["correct"],
                    fraction=choice.get("fraction"),
                    explanation=choice["explanation"],
                )
                for number, choice in enumerate(question_item["choices"], start=1)
            ]
        )
    ResultBand.objects.bulk_create(
        [
            ResultBand(
                version=version,
                min_score=band["min"],
                max_score=band["max"],
                label=band["label"],
                message=band["message"],
            )
            for band in item["bands"]
        ]
    )
    return assessments_services.quiz_version_publish(version=version)


def _translate(version: QuizVersion, item: dict[str, Any], language: str, texts: Any) -> None:
    """Write a translation file's texts onto ``version`` (matched by position: questions and
    options in file order, bands by their lower bound). Skipped for a language the site does
    not offer, or once someone took the version in it (its texts are then fixed)."""
    if language not in dict(settings.LANGUAGES):
        return
    questions = list(version.questions.prefetch_related("choices"))
    bands = {band.min_score: band.pk for band in version.bands.all()}
    translated = assessments_services.VersionTexts(
        title=texts["title"],
        description=texts.get("description") or "",
        questions={
            question.pk: (text["text"], text.get("general_feedback") or "")
            for question, text in zip(questions, texts["questions"], strict=True)
        },
        choices={
            choice.pk: (choice_text["text"], choice_text.get("explanation") or "")
            for question, text in zip(questions, texts["questions"], strict=True)
            for choice, choice_text in zip(question.choices.all(), text["choices"], strict=True)
        },
        bands={
            bands[float(band["min"])]: (text["label"], text["message"])
            for band, text in zip(item["bands"], texts["bands"], strict=True)
        },
    )
    with contextlib.suppress(Conflict):
        assessments_services.quiz_version_translation_save(
            version=version, language=language, texts=translated
        )


def demo_quizzes_load() -> dict[str, Quiz]:
    """The demo quizzes from their files. The files are the source: when a quiz's newest
    version differs from its file (say the options were put back in their published order),
    the file is published as a new version; older versions and their attempts stay. Then the
    translations (``quizzes/<language>/<slug>.yaml``) are written onto the current version."""
    quizzes = _load_from_files(content.quizzes(), content.quiz_translations())
    for item in content.quizzes():
        if item["module"]:  # the module this quiz completes
            Module.objects.filter(slug=item["module"]).update(completion_quiz=quizzes[item["slug"]])
    return quizzes


def demo_practice_banks_load() -> dict[str, Quiz]:
    """The demo's practice banks, one per skill (``practice/<skill>.yaml``), loaded as the
    quizzes are, with their translations."""
    banks = content.practice_banks()
    translations = {bank["slug"]: bank["translations"] for bank in banks}
    return _load_from_files(banks, translations, purpose=Quiz.Purpose.PRACTICE)


def _load_from_files(
    items: list[dict[str, Any]],
    translations: dict[str, dict[str, Any]],
    *,
    purpose: str = Quiz.Purpose.ASSESSMENT,
) -> dict[str, Quiz]:
    skills = {skill.slug: skill for skill in Skill.objects.all()}
    quizzes = {}
    for item in items:
        quiz, _created = Quiz.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "description": item["description"],
                "is_published": True,
                "purpose": purpose,
            },
        )
        quizzes[item["slug"]] = quiz
        version = quiz.versions.order_by("-number").first()
        if version is None or _version_content(version) != _file_content(item, skills):
            version = _version_from_file(quiz, item, skills)
        for language, texts in translations.get(item["slug"], {}).items():
            _translate(version, item, language, texts)
    return quizzes


def demo_assessments_load(*, people: dict[str, User]) -> str | None:
    """The quizzes and the demo candidates' invitations (the first in English, one in
    Polish); returns the first one's link (a path)."""
    quizzes = demo_quizzes_load()
    demo_practice_banks_load()
    links = []
    for wanted in content.demo_candidate_invitations():
        lead = people.get(wanted["invited_by"])
        if lead is None:
            continue
        quiz = quizzes[wanted["quiz"]]
        language = wanted.get("language") or ""
        if language and language not in dict(settings.LANGUAGES):
            continue  # the site does not offer it (yet)
        invitation = CandidateInvitation.objects.filter(
            email=wanted["email"], quiz=quiz, revoked_at__isnull=True
        ).first()
        if invitation is None or invitation.expires_at < timezone.now() + timedelta(days=1):
            invitation = assessments_services.candidate_invitation_create(
                invited_by=lead,
                email=wanted["email"],
                name=wanted["name"],
                quiz=quiz,
                team=demo_team(),
                expires_at=timezone.now() + timedelta(days=wanted["expires_in_days"]),
                language=language,
            )
        links.append(candidate_invitation_url(invitation))
    return links[0] if links else None
