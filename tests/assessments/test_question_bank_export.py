"""GIFT out: ``import(export(v))`` gives the same questions, answers, weights, feedback and
skills, on every demo quiz and on every kind; the export's admin link and API are admins'."""

from __future__ import annotations

import pytest

from assessments import question_bank, scoring, services
from assessments.formats import aiken, gift
from assessments.models import Quiz
from home.demo import content
from home.demo.assessments import demo_quizzes_load
from tests import factories
from tests.assessments.test_gift import MOODLE_EXAMPLES


def described(version):
    """Everything GIFT carries of a version's questions, in order."""
    out = []
    for question in version.questions.order_by("position", "pk").prefetch_related(
        "choices", "skills"
    ):
        choices = list(question.choices.order_by("position", "pk"))
        fractions = scoring.choice_fractions(
            question.kind,
            [scoring.Rule(id=c.pk, is_correct=c.is_correct, fraction=c.fraction) for c in choices],
        )
        out.append(
            (
                question.kind,
                question.name,
                question.text.strip(),
                question.general_feedback,
                sorted(s.slug for s in question.skills.all()),
                [
                    (c.text, round(f, 4), c.explanation, c.value, c.tolerance)
                    for c, f in zip(choices, fractions, strict=True)
                ],
            )
        )
    return out


def round_trip(version):
    copy = Quiz.objects.create(slug=f"copy-{version.pk}", title="Copy")
    text = question_bank.question_bank_export(version=version)
    outcome = question_bank.question_bank_import(
        user=None, quiz=copy, parse_result=gift.parse(text), confirm=True
    )
    assert outcome.plan.problems == ()
    return text, outcome.version


@pytest.fixture
def demo_quizzes(db):
    for skill in content.skills():
        factories.SkillFactory.create(slug=skill["slug"], name=skill["name"])
    return demo_quizzes_load()


@pytest.mark.parametrize("slug", [q["slug"] for q in content.quizzes()])
def test_every_demo_quiz_survives_export_then_import(demo_quizzes, slug):
    version = demo_quizzes[slug].versions.get()
    text, imported = round_trip(version)
    assert described(imported) == described(version)
    questions = next(q for q in content.quizzes() if q["slug"] == slug)["questions"]
    assert len(described(imported)) == len(questions)
    assert text.count("{") >= len(questions)


def test_every_kind_survives_export_then_import(quiz):
    factories.SkillFactory.create(slug="escalations")
    source = question_bank.question_bank_import(
        user=None, quiz=quiz, parse_result=gift.parse(MOODLE_EXAMPLES), confirm=True
    ).version
    _text, imported = round_trip(source)
    assert described(imported) == described(source)
    kinds = {row[0] for row in described(imported)}
    assert kinds == {"single", "multiple", "true_false", "short_answer", "numerical"}


def test_the_export_reads_back_with_weights_and_skills(quiz):
    skill = factories.SkillFactory.create(slug="coaching")
    draft = services.quiz_version_for_editing(quiz=quiz, unpublished=True)
    question = draft.questions.order_by("position").first()
    question.skills.add(skill)
    question.general_feedback = "Think: what would the customer need?"
    question.save()
    text = question_bank.question_bank_export(version=draft)
    assert text.startswith("$CATEGORY: coaching\n")
    assert "\t####Think\\: what would the customer need?\n" in text
    assert "\t=Q1 right#Q1 A is right because of reason 1.\n" in text


def test_admins_export_through_the_api_and_others_get_404(api_as, admin_user, lead, member, quiz):
    response = api_as(admin_user).get(f"/api/v1/quizzes/{quiz.pk}/export/?format=gift")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert f'filename="{quiz.slug}-v1.gift.txt"' in response["Content-Disposition"]
    assert "Scenario **1**" in response.content.decode()
    for user in (lead, member):
        assert api_as(user).get(f"/api/v1/quizzes/{quiz.pk}/export/").status_code == 404
    client = api_as(admin_user)
    assert client.get(f"/api/v1/quizzes/{quiz.pk}/export/?format=xml").status_code == 400
    assert client.get(f"/api/v1/quizzes/{quiz.pk}/export/?version=7").status_code == 404
    assert client.get("/api/v1/quizzes/99999/export/").status_code == 404


def test_the_admin_lists_import_and_export_links_and_exports(client, admin_user, quiz):
    client.force_login(admin_user)
    listing = client.get("/admin/assessments/quiz/").content.decode()
    assert f"/question-bank/import/?quiz={quiz.pk}" in listing
    assert "Import questions (GIFT or Aiken)" in listing
    response = client.get(f"/admin/assessments/quiz/{quiz.pk}/export-gift/")
    assert response.status_code == 200
    assert "Scenario **1**" in response.content.decode()
    assert client.get("/admin/assessments/quiz/99999/export-gift/").status_code == 404


def test_aiken_is_exported_and_says_what_it_left_out(api_as, admin_user, client):
    """``?format=aiken`` answered 400 though the Aiken writer existed; a multiple-answer
    question can't be written in Aiken, and the answer says how many were left out."""
    quiz = factories.quiz_published(
        questions=[
            {"kind": "single", "choices": [("Right", True, ""), ("Wrong", False, "")]},
            {
                "kind": "multiple",
                "choices": [("A", True, ""), ("B", True, ""), ("C", False, "")],
            },
        ]
    )
    response = api_as(admin_user).get(f"/api/v1/quizzes/{quiz.pk}/export/?format=aiken")
    assert response.status_code == 200
    assert f'filename="{quiz.slug}-v1.aiken.txt"' in response["Content-Disposition"]
    assert response["X-Questions-Left-Out"] == "1"
    text = response.content.decode()
    assert "A. Right\nB. Wrong\nANSWER: A\n" in text
    # and what was written reads back as the same question
    parsed = aiken.parse(text)
    assert [q.kind for q in parsed.questions] == ["single"]
    client.force_login(admin_user)
    admin = client.get(f"/admin/assessments/quiz/{quiz.pk}/export-gift/?format=aiken")
    assert admin.status_code == 200
    assert admin.content.decode() == text
