"""The one-page question editor (assessments/views_authoring.py, assessments/authoring.py):
add, save with choices, move, duplicate, delete (asked first), live preview, locked versions,
who may use it, and its query count (issue 15)."""

import pytest
from django.contrib.auth.models import Permission

from assessments import services as assessments_services
from assessments.models import Choice, Question, QuizVersion
from core.markdown import MARKDOWN_MAX_CHARS
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def version():
    quiz = factories.quiz_published()
    return QuizVersion.objects.get(quiz=quiz)


@pytest.fixture
def editor(client, admin_user):
    client.force_login(admin_user)
    return client


def url(version):
    return f"/authoring/quizzes/versions/{version.pk}/questions/"


def positions(version):
    return list(version.questions.order_by("position").values_list("text", "position"))


def test_the_page_shows_every_question_with_its_choices_inline(editor, version):
    page = editor.get(url(version)).content.decode()
    assert page.count('class="card question-editor') == 3
    assert 'value="Q2 wrong one"' in page
    assert "Q1 A is right because of reason 1." in page
    assert "<strong>1</strong>" in page  # the Markdown preview, rendered by the server


def test_adding_a_question_stays_on_the_page(editor, version):
    response = editor.post(f"{url(version)}add/", {"kind": "multiple"})
    added = version.questions.get(position=4)
    assert response.status_code == 302
    assert response.url == f"{url(version)}#question-{added.pk}"
    assert added.kind == "multiple"
    assert added.choices.count() == 2
    # with htmx: the list comes back, the new question's text has the focus
    part = editor.post(f"{url(version)}add/", {"kind": "single"}, **HTMX).content.decode()
    assert "<html" not in part
    assert part.count('class="card question-editor') == 5
    assert "Question 5 added." in part
    assert "autofocus" in part


def test_saving_a_question_saves_its_choices_and_comes_back(editor, version):
    question = version.questions.get(position=1)
    first, second, third = question.choices.all()
    response = editor.post(
        f"/authoring/questions/{question.pk}/",
        {
            "text": "A customer asks for a **refund**.",
            "kind": "multiple",
            "weight": "2",
            "general_feedback": "Check the policy.",
            "choice-0-id": first.pk,
            "choice-0-text": "Refund at once",
            "choice-0-correct": "on",
            "choice-0-explanation": "Within 30 days.",
            "choice-1-id": second.pk,
            "choice-1-text": "Ask for the receipt",
            "choice-1-correct": "on",
            "choice-1-explanation": "",
            "choice-2-id": third.pk,
            "choice-2-text": "Q1 wrong two",
            "choice-2-delete": "on",
            "choice-2-explanation": "",
            "choice-3-text": "Escalate",
            "choice-3-explanation": "No need.",
            "choice-4-text": "",
            "choice-4-explanation": "",
        },
    )
    assert response.status_code == 302
    assert response.url == f"{url(version)}#question-{question.pk}"
    question.refresh_from_db()
    assert question.kind == "multiple"
    assert question.weight == 2
    assert question.text_html == "<p>A customer asks for a <strong>refund</strong>.</p>"
    assert [(c.text, c.is_correct, c.position) for c in question.choices.all()] == [
        ("Refund at once", True, 1),
        ("Ask for the receipt", True, 2),
        ("Escalate", False, 3),
    ]
    assert not Choice.objects.filter(pk=third.pk).exists()


def test_bad_input_is_a_form_error_on_the_question_and_saves_nothing(editor, version):
    question = version.questions.get(position=2)
    choices = list(question.choices.all())
    data = {
        "text": "  ",
        "kind": "single",
        "weight": "heavy",
        **{f"choice-{n}-id": c.pk for n, c in enumerate(choices)},
        **{f"choice-{n}-text": c.text for n, c in enumerate(choices)},
        **{f"choice-{n}-correct": "on" for n in range(2)},
    }
    response = editor.post(f"/authoring/questions/{question.pk}/", data, **HTMX)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write the question." in page
    assert "The weight is a number from 0 to 1000." in page
    assert "A single-choice question has one correct choice." in page
    assert 'aria-invalid="true"' in page
    question.refresh_from_db()
    assert question.text == "Scenario **2**"
    assert [c.is_correct for c in question.choices.all()] == [True, False, False]


def test_a_text_longer_than_the_renderer_renders_is_a_form_error(editor, version):
    question = version.questions.get(position=2)
    choices = list(question.choices.all())
    data = {
        "text": "a" * (MARKDOWN_MAX_CHARS + 1),
        "kind": "single",
        "weight": "1",
        **{f"choice-{n}-id": c.pk for n, c in enumerate(choices)},
        **{f"choice-{n}-text": c.text for n, c in enumerate(choices)},
        "choice-0-correct": "on",
    }
    response = editor.post(f"/authoring/questions/{question.pk}/", data, **HTMX)
    assert response.status_code == 400
    assert "The question can be at most 200,000 characters long." in response.content.decode()
    question.refresh_from_db()
    assert question.text == "Scenario **2**"


def test_moving_reorders_and_the_ends_do_nothing(editor, version):
    third = version.questions.get(position=3)
    editor.post(f"/authoring/questions/{third.pk}/move/", {"direction": "up"})
    assert positions(version) == [
        ("Scenario **1**", 1),
        ("Scenario **3**", 2),
        ("Scenario **2**", 3),
    ]
    part = editor.post(
        f"/authoring/questions/{third.pk}/move/", {"direction": "up"}, **HTMX
    ).content.decode()
    assert "it is now question 1" in part
    editor.post(f"/authoring/questions/{third.pk}/move/", {"direction": "up"})
    assert positions(version)[0] == ("Scenario **3**", 1)


def test_duplicate_puts_a_copy_right_after_the_question(editor, version):
    first = version.questions.get(position=1)
    skill = factories.SkillFactory.create()
    first.skills.add(skill)
    editor.post(f"/authoring/questions/{first.pk}/duplicate/")
    copy = version.questions.get(position=2)
    assert copy.pk != first.pk
    assert copy.text == first.text
    assert list(copy.skills.all()) == [skill]
    assert [c.text for c in copy.choices.all()] == [c.text for c in first.choices.all()]
    assert [p for _t, p in positions(version)] == [1, 2, 3, 4]


def test_delete_asks_first_then_deletes_and_closes_up(editor, version):
    second = version.questions.get(position=2)
    confirm = editor.get(f"/authoring/questions/{second.pk}/delete/").content.decode()
    assert "Yes, delete the question" in confirm
    inline = editor.get(f"/authoring/questions/{second.pk}/delete/", **HTMX).content.decode()
    assert "Yes, delete question 2" in inline
    assert "No, keep it" in inline
    assert version.questions.count() == 3  # asking changed nothing
    editor.post(f"/authoring/questions/{second.pk}/delete/")
    assert positions(version) == [("Scenario **1**", 1), ("Scenario **3**", 2)]


def test_the_live_preview_is_sanitised_markdown(editor):
    response = editor.post(
        "/admin-tools/markdown-preview/", {"text": "**bold** <script>alert(1)</script>"}, **HTMX
    )
    assert response.content.decode() == "<p><strong>bold</strong> </p>"


def test_a_version_people_took_is_read_only_and_offers_a_new_version(editor, version, member):
    attempt = assessments_services.attempt_start(quiz=version.quiz, user=member)
    assert attempt.quiz_version_id == version.pk
    page = editor.get(url(version)).content.decode()
    assert "Create a new version to edit" in page
    assert "Save question" not in page
    first = version.questions.get(position=1)
    before = positions(version)
    assert editor.post(f"/authoring/questions/{first.pk}/delete/").status_code == 302
    assert (
        editor.post(
            f"/authoring/questions/{first.pk}/move/", {"direction": "down"}, **HTMX
        ).status_code
        == 409
    )
    assert editor.post(f"{url(version)}add/").status_code == 302
    assert positions(version) == before
    response = editor.post(url(version))
    new = version.quiz.versions.get(number=2)
    assert response.url == url(new)
    assert new.questions.count() == 3
    assert "Save question" in editor.get(url(new)).content.decode()


def test_people_without_the_permissions_get_404(client, version, lead, user_factory):
    client.force_login(lead)
    assert client.get(url(version)).status_code == 404
    staff = user_factory.create(is_staff=True)
    client.force_login(staff)
    assert client.get(url(version)).status_code == 404
    question = version.questions.first()
    assert client.post(f"/authoring/questions/{question.pk}/delete/").status_code == 404
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=("add_question", "change_question"))
    )
    client.force_login(staff)
    page = client.get(url(version)).content.decode()
    assert "Add question" in page
    assert "Duplicate" in page
    assert "/delete/" not in page  # no permission to delete questions
    assert client.get(f"/authoring/questions/{question.pk}/delete/").status_code == 404
    assert client.get("/authoring/quizzes/versions/999999/questions/").status_code == 404


def test_typed_questions_are_shown_read_only_with_a_link_to_the_admin(editor, version):
    Question.objects.filter(version=version, position=3).update(kind="short_answer")
    page = editor.get(url(version)).content.decode()
    assert page.count("Save question") == 2
    assert "Edit this question in the admin" in page


def test_the_editor_query_count_does_not_grow(editor, version, assert_queries):
    """Constant: one of them lists the skills a question can be tagged with."""
    with assert_queries(10):
        assert editor.get(url(version)).status_code == 200
    for _ in range(5):
        editor.post(f"{url(version)}add/", {"kind": "single"})
    with assert_queries(10):
        assert editor.get(url(version)).status_code == 200


def test_saving_a_question_in_the_admin_goes_back_to_the_editor(editor, version):
    question = version.questions.get(position=1)
    choices = list(question.choices.all())
    data = {
        "position": 1,
        "name": "",
        "text": "Changed in the admin",
        "kind": "single",
        "weight": 1,
        "general_feedback": "",
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": len(choices),
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for n, c in enumerate(choices):
        data |= {
            f"choices-{n}-id": c.pk,
            f"choices-{n}-question": question.pk,
            f"choices-{n}-position": c.position,
            f"choices-{n}-text": c.text,
            f"choices-{n}-explanation": c.explanation,
        }
        if c.is_correct:
            data[f"choices-{n}-is_correct"] = "on"
    response = editor.post(f"/admin/assessments/question/{question.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response.url == f"{url(version)}#question-{question.pk}"


def test_the_editor_tags_skills_and_the_sop_that_explains_the_answer(editor, version):
    """A practice bank's questions are grouped by skill, and practice links to the SOP."""
    skill = factories.SkillFactory.create(slug="refunds", name="Refunds")
    question = version.questions.get(position=1)
    choices = list(question.choices.all())
    data = {
        "text": "Which refund?",
        "kind": "single",
        "weight": "1",
        **{f"choice-{n}-id": c.pk for n, c in enumerate(choices)},
        **{f"choice-{n}-text": c.text for n, c in enumerate(choices)},
        "choice-0-correct": "on",
        "skills": [str(skill.pk)],
        "sop_ref": "refund-policy#sec-partial-refunds",
    }
    page = editor.get(url(version)).content.decode()
    assert 'name="skills"' in page
    assert 'name="sop_ref"' in page
    assert editor.post(f"/authoring/questions/{question.pk}/", data).status_code == 302
    question.refresh_from_db()
    assert [s.slug for s in question.skills.all()] == ["refunds"]
    assert question.sop_ref == "refund-policy#sec-partial-refunds"
    bad = {**data, "text": "Changed?", "sop_ref": "not a slug!", "skills": ["999999"]}
    response = editor.post(f"/authoring/questions/{question.pk}/", bad, **HTMX)
    assert response.status_code == 400
    assert "Choose among the listed skills." in response.content.decode()
    assert "An SOP slug, optionally with a heading anchor" in response.content.decode()
    question.refresh_from_db()
    assert (question.text, question.sop_ref) == (
        "Which refund?",
        "refund-policy#sec-partial-refunds",
    )
