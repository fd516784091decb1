"""The one-page question editor of a quiz version (admins and people with the question
permissions): add, change, reorder, duplicate and delete questions with their choices inline,
a live Markdown preview, and every save back on the same page.

Every action is a plain form POST that redirects back to the page; with htmx the page swaps
only the question (save) or the list (add, move, duplicate, delete) and says what happened in
a status region. A version that people have taken is shown read-only with a button that makes
a new version to edit (``services.quiz_version_for_editing``), as the admin does.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments import authoring, services
from assessments.models import Choice, Question, QuizVersion
from core.errors import Conflict, ValidationFailed
from skills.selectors import skills_list

CHANGE = "assessments.change_question"
ADD = "assessments.add_question"
DELETE = "assessments.delete_question"
EXTRA_CHOICE_ROWS = 2
MAX_CHOICE_ROWS = 30


def _allowed(request: HttpRequest, *also: str) -> None:
    """Staff who may change questions (and ``also``: add, delete); superusers may all. Others
    get 404, as for any page they can't see."""
    user = request.user
    if not (user.is_authenticated and user.is_staff and user.has_perms((CHANGE, *also))):
        raise Http404(_("Page not found."))


def _version(version_id: int) -> QuizVersion:
    version = QuizVersion.objects.select_related("quiz").filter(pk=version_id).first()
    if version is None:
        raise Http404(_("Version not found."))
    return version


def _question(question_id: int) -> Question:
    question = (
        Question.objects.select_related("version__quiz")
        .prefetch_related("choices", "skills")
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise Http404(_("Question not found."))
    return question


def _questions(version: QuizVersion) -> list[Question]:
    return list(
        version.questions.order_by("position", "pk").prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "pk")), "skills"
        )
    )


def _page_url(version: QuizVersion, question: Question | None = None) -> str:
    url = reverse("assessments:authoring_questions", args=[version.pk])
    return f"{url}#question-{question.pk}" if question is not None else url


def _choice_rows(
    question: Question, posted: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The choice rows the form shows: the saved ones (or what was posted), then blank ones."""
    if posted is not None:
        rows = posted
    else:
        rows = [
            {
                "pk": c.pk,
                "text": c.text,
                "is_correct": c.is_correct,
                "explanation": c.explanation,
                "fraction": c.fraction,
            }
            for c in question.choices.all()
        ]
    blanks = [{"pk": None, "text": "", "is_correct": False, "explanation": ""}] * EXTRA_CHOICE_ROWS
    return [{**row, "index": n} for n, row in enumerate([*rows, *blanks])]


def _context(request: HttpRequest, version: QuizVersion, **extra: Any) -> dict[str, Any]:
    questions = _questions(version)
    for question in questions:
        question.rows = _choice_rows(question)  # type: ignore[attr-defined]
    user = request.user
    return {
        "can_add": user.has_perm(ADD),
        "can_delete": user.has_perm(DELETE),
        "version": version,
        "quiz": version.quiz,
        "questions": questions,
        "locked": services.quiz_version_is_locked(version),
        "kinds": [(k.value, k.label) for k in authoring.EDITABLE_KINDS],
        "all_skills": list(skills_list()),
        **extra,
    }


def _list_response(
    request: HttpRequest,
    version: QuizVersion,
    status: str,
    anchor: Question | None = None,
    **extra: Any,
) -> HttpResponse:
    """htmx: the question list and the status line; otherwise back to the page (at
    ``anchor``)."""
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "assessments/authoring/_questions.html",
            _context(request, version, status=status, oob=True, **extra),
        )
    messages.success(request, status)
    return redirect(_page_url(version, anchor))


def _conflict(request: HttpRequest, version: QuizVersion, exc: Conflict) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        response = render(
            request,
            "assessments/authoring/_questions.html",
            _context(request, version, status=exc.message, oob=True),
        )
        response.status_code = 409
        return response
    messages.error(request, exc.message)
    return redirect(_page_url(version))


@login_required
@require_http_methods(["GET", "POST"])
def version_questions(request: HttpRequest, version_id: int) -> HttpResponse:
    """The editor. POST (on a version people have taken): make a new version and open it."""
    _allowed(request, *((ADD,) if request.method == "POST" else ()))
    version = _version(version_id)
    if request.method == "POST":
        editable = services.quiz_version_for_editing(quiz=version.quiz)
        if editable.pk != version.pk:
            messages.info(
                request,
                _("Your edits go into version %(n)s; version %(old)s stays as people took it.")
                % {"n": editable.number, "old": version.number},
            )
        return redirect(_page_url(editable))
    return render(
        request, "assessments/authoring/version_questions.html", _context(request, version)
    )


@login_required
@require_POST
def question_add(request: HttpRequest, version_id: int) -> HttpResponse:
    _allowed(request, ADD)
    version = _version(version_id)
    try:
        question = authoring.question_add(version=version, kind=request.POST.get("kind", ""))
    except Conflict as exc:
        return _conflict(request, version, exc)
    return _list_response(
        request,
        version,
        _("Question %(n)d added. Write it below.") % {"n": question.position},
        anchor=question,
        focus=question,
    )


def _posted_choices(request: HttpRequest) -> list[dict[str, Any]]:
    rows = []
    for n in range(MAX_CHOICE_ROWS):
        prefix = f"choice-{n}-"
        if f"{prefix}text" not in request.POST:
            continue
        raw_pk = request.POST.get(f"{prefix}id", "")
        rows.append(
            {
                "pk": int(raw_pk)
                if raw_pk.isascii() and raw_pk.isdigit() and len(raw_pk) < 10
                else None,
                "text": request.POST.get(f"{prefix}text", "")[:600],
                "is_correct": request.POST.get(f"{prefix}correct") == "on",
                "explanation": request.POST.get(f"{prefix}explanation", "")[:5000],
                "delete": request.POST.get(f"{prefix}delete") == "on",
            }
        )
    return rows


@login_required
@require_POST
def question_save(request: HttpRequest, question_id: int) -> HttpResponse:
    """Save one question with its choices; errors come back on the question's form."""
    _allowed(request)
    question = _question(question_id)
    version = question.version
    posted = _posted_choices(request)
    try:
        weight = float(request.POST.get("weight", "1").replace(",", ".") or "1")
    except ValueError:
        weight = -1.0
    try:
        authoring.question_update(
            question=question,
            text=request.POST.get("text", ""),  # too long: a form error, not cut short
            kind=request.POST.get("kind", question.kind),
            weight=weight,
            general_feedback=request.POST.get("general_feedback", "")[:20_000],
            skill_ids=request.POST.getlist("skills")[:100],
            sop_ref=request.POST.get("sop_ref", "")[:1000],
            choices=[
                authoring.ChoiceInput(
                    pk=row["pk"],
                    text=row["text"],
                    is_correct=row["is_correct"],
                    explanation=row["explanation"],
                    delete=row["delete"],
                )
                for row in posted
            ],
        )
    except Conflict as exc:
        return _conflict(request, version, exc)
    except ValidationFailed as exc:
        question.text = request.POST.get("text", "")
        question.rows = _choice_rows(  # type: ignore[attr-defined]
            question, [r for r in posted if r["pk"] is not None or r["text"].strip()]
        )
        template = (
            "assessments/authoring/_question.html"
            if request.htmx  # type: ignore[attr-defined]
            else "assessments/authoring/version_questions.html"
        )
        context = _context(request, version)
        context.update({"q": question, "errors": exc.field_errors, "error_for": question.pk})
        context["questions"] = [
            question if q.pk == question.pk else q for q in context["questions"]
        ]
        return render(request, template, context, status=400)
    saved = _question(question_id)
    status = _("Question %(n)d saved.") % {"n": saved.position}
    if request.htmx:  # type: ignore[attr-defined]
        saved.rows = _choice_rows(saved)  # type: ignore[attr-defined]
        return render(
            request,
            "assessments/authoring/_question.html",
            {
                **_context(request, version),
                "q": saved,
                "saved": True,
                "status": status,
                "oob": True,
            },
        )
    messages.success(request, status)
    return redirect(_page_url(version, saved))


@login_required
@require_POST
def question_move(request: HttpRequest, question_id: int) -> HttpResponse:
    _allowed(request)
    question = _question(question_id)
    up = request.POST.get("direction") == "up"
    try:
        authoring.question_move(question=question, by=-1 if up else 1)
    except Conflict as exc:
        return _conflict(request, question.version, exc)
    question.refresh_from_db()
    status = (
        _("Question moved up: it is now question %(n)d.")
        if up
        else _("Question moved down: it is now question %(n)d.")
    ) % {"n": question.position}
    return _list_response(
        request,
        question.version,
        status,
        anchor=question,
        moved=question.pk,
        moved_dir="up" if up else "down",
    )


@login_required
@require_POST
def question_duplicate(request: HttpRequest, question_id: int) -> HttpResponse:
    _allowed(request, ADD)
    question = _question(question_id)
    try:
        copy = authoring.question_duplicate(question=question)
    except Conflict as exc:
        return _conflict(request, question.version, exc)
    return _list_response(
        request,
        question.version,
        _("Question %(old)d copied: the copy is question %(n)d.")
        % {"old": question.position, "n": copy.position},
        anchor=copy,
        focus=copy,
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request: HttpRequest, question_id: int) -> HttpResponse:
    """GET asks first (inline with htmx, a page without); POST deletes."""
    _allowed(request, DELETE)
    question = _question(question_id)
    version = question.version
    if request.method == "GET":
        context = {"q": question, "version": version, "cancel_url": _page_url(version, question)}
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "assessments/authoring/_delete_confirm.html", context)
        return render(
            request,
            "core/confirm.html",
            {
                "title": _("Delete question %(n)d?") % {"n": question.position},
                "body": _("The question and its choices are deleted. This can't be undone."),
                "action": _("Yes, delete the question"),
                "cancel_url": _page_url(version, question),
                "hidden": {},
            },
        )
    position = question.position
    try:
        authoring.question_delete(question=question)
    except Conflict as exc:
        return _conflict(request, version, exc)
    return _list_response(request, version, _("Question %(n)d deleted.") % {"n": position})
