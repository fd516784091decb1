"""Quiz pages. The same attempt pages serve learners (logged in, ``/attempts/<id>/…``) and
candidates (no account, ``/c/<signed token>/attempts/<id>/…``). They work without JavaScript;
htmx adds per-answer autosave, and app.js a timer and an "answered" counter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import request_user
from accounts.selectors import team_get_led
from assessments import question_bank, selectors, services
from assessments.forms import CandidateInvitationForm, QuestionImportForm
from assessments.models import Attempt, CandidateInvitation, Quiz
from core.csv_export import csv_response
from core.errors import Conflict, DomainError, NotFound
from core.forms import form_add_domain_error
from core.ids import parse_uuid
from core.listing import Filter, render_listing
from core.listing import listing as listing_for
from core.privacy import register as personal_data
from core.shortcuts import or_404


@dataclass
class Access:
    """Who is looking at an attempt and where its pages live."""

    attempt: Attempt
    base: str  # URL prefix of this attempt's pages, ending in "/"
    is_taker: bool
    invitation: CandidateInvitation | None = None

    def url(self, page: str = "") -> str:
        return f"{self.base}{page}"


class InvitationUnusable(Exception):
    """A candidate's link was withdrawn or expired: answered with a clear 410 page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _unusable(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "assessments/candidate_unusable.html", {"message": message}, status=410)


def _candidate_invitation(token: str, request: HttpRequest | None = None) -> CandidateInvitation:
    """The invitation of a candidate's link (404 if the link is not valid), read once per
    request when ``request`` is given."""
    cached = getattr(request, "_candidate_invitation", None)
    if cached is not None and cached[0] == token:
        return cached[1]
    invitation = or_404(selectors.candidate_invitation_from_token, token)
    if request is not None:
        request._candidate_invitation = (token, invitation)  # type: ignore[attr-defined]
    return invitation


def _in_invitation_language(
    request: HttpRequest, token: str, view: Any, *, language: str | None = None, **kwargs: Any
) -> Any:
    """Run a candidate's page in ``language``, by default the one their invitation names (UI
    and quiz texts). An attempt's pages then switch to the attempt's language (``_access``)."""
    language = language or _candidate_invitation(token, request).language
    with translation.override(language):
        request.LANGUAGE_CODE = language
        return view(request, token=token, **kwargs)


def _use_language(request: HttpRequest, language: str) -> None:
    """Show the rest of this page in ``language`` (inside ``_in_invitation_language``, whose
    override puts the previous language back afterwards)."""
    translation.activate(language)
    request.LANGUAGE_CODE = language


def _candidate_page_language(
    request: HttpRequest, invitation: CandidateInvitation
) -> tuple[str, list[str]]:
    """The language of a candidate's invitation page, and the languages to mention.

    The candidate's own choice (the language switcher's cookie) when the quiz is offered in
    it: the attempt then starts in it. Otherwise the invitation's language, with the languages
    the quiz is offered in, to tell the candidate why their choice was not taken. No query
    without a choice, or when the choice is the invitation's language.
    """
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen not in dict(settings.LANGUAGES) or chosen == invitation.language:
        return invitation.language, []
    version = selectors.quiz_current_version(invitation.quiz)
    offered = selectors.quiz_version_languages(version) if version is not None else []
    if chosen in offered:
        return chosen, []
    return invitation.language, offered


def _access(request: HttpRequest, attempt_id: Any, token: str | None, *, take: bool) -> Access:
    """The attempt for this request: a candidate's (by token), the caller's own, or for the
    result page one the caller may review (a lead's team member, or an admin)."""
    if token is not None:
        invitation = _candidate_invitation(token, request)
        if invitation.revoked_at is not None:
            raise InvitationUnusable(_("This invitation was withdrawn."))
        if take and invitation.expires_at <= timezone.now():
            raise InvitationUnusable(
                _("This invitation has expired. Ask the person who invited you for a new link.")
            )
        attempt = (
            selectors.attempts_visible_to_candidate(invitation=invitation)
            .filter(pk=or_404(parse_uuid, attempt_id, "Attempt not found."))
            .first()
        )
        if attempt is None:
            raise Http404("Attempt not found.")
        # The page's words in the language of the attempt's texts (the one it was started in).
        _use_language(request, attempt.language or invitation.language)
        selectors.attempt_translate(attempt)
        return Access(attempt, f"/c/{token}/attempts/{attempt.pk}/", True, invitation)
    if not request.user.is_authenticated:
        raise Http404
    user = request_user(request)
    if take:
        attempt = or_404(selectors.attempt_get_own, user=user, attempt_id=attempt_id)
    else:
        attempt = or_404(selectors.attempt_get_visible, user=user, attempt_id=attempt_id)
    selectors.attempt_translate(attempt)  # the quiz's title and the band in its language
    return Access(attempt, f"/attempts/{attempt.pk}/", attempt.user_id == user.pk)


def _language_notice(request: HttpRequest, access: Access) -> dict[str, str] | None:
    """Tell a taker who chose another interface language (the switcher) during an attempt
    that the attempt goes on in the language it started in, in the language they chose.

    An attempt never changes language: its texts, its scoring of typed answers and its review
    stay in ``Attempt.language``. A learner's pages keep their own interface language; a
    candidate's are wholly in the attempt's (``_access``), so their choice is the language
    cookie. Said only when the quiz is offered in the chosen language (otherwise no attempt
    could be in it, and the intro says which languages it has); one query then, none when the
    languages agree."""
    attempt = access.attempt
    if access.invitation is not None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen not in dict(settings.LANGUAGES):
            chosen = access.invitation.language
    else:
        chosen = translation.get_language() or ""
    if not chosen or chosen == attempt.language:
        return None
    if chosen not in selectors.quiz_version_languages(attempt.quiz_version):
        return None
    names = dict(settings.LANGUAGES)
    with translation.override(chosen):
        text = _("This attempt continues in %(language)s, the language it started in.") % {
            "language": str(names.get(attempt.language, attempt.language))
        }
    return {"text": text, "language": chosen}


def _login_unless_candidate(view: Any) -> Any:
    def wrapper(request: HttpRequest, *args: Any, token: str | None = None, **kwargs: Any) -> Any:
        if token is None and not request.user.is_authenticated:
            return login_required(view)(request, *args, **kwargs)
        try:
            if token is not None:
                return _in_invitation_language(request, token, view, **kwargs)
            return view(request, *args, token=token, **kwargs)
        except InvitationUnusable as exc:
            return _unusable(request, exc.message)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- catalogue and intro ----------------------------------------------------------------------


@login_required
def quiz_list(request: HttpRequest) -> HttpResponse:
    quizzes = selectors.quizzes_list(user=request_user(request))
    return render(request, "assessments/quiz_list.html", {"quizzes": quizzes})


@login_required
@require_http_methods(["GET", "POST"])
def quiz_intro(request: HttpRequest, slug: str) -> HttpResponse:
    """The quiz's rules and your earlier attempts; POST starts (or resumes) an attempt."""
    user = request_user(request)
    quiz: Any = or_404(selectors.quiz_get, user=user, slug=slug)
    if request.method == "POST":
        return _start(request, quiz=quiz, user=user)
    version = selectors.quiz_current_version(quiz)
    if version is not None:  # the title in the language the quiz will be taken in
        texts = selectors.quiz_texts(
            version, selectors.quiz_version_language_for(version, user.language)
        )
        if texts is not None:
            quiz.title, quiz.description = texts
    attempts = list(selectors.attempts_of_quiz(user=user, quiz=quiz)[:20])
    progress = (
        selectors.taker_progress(quiz=quiz, user_id=user.pk, current=version) if version else None
    )
    for attempt in attempts:
        attempt.visibility = selectors.review_visibility(attempt, progress=progress)  # type: ignore[attr-defined]
    return render(
        request,
        "assessments/quiz_intro.html",
        {
            "quiz": quiz,
            "version": version,
            "summary": selectors.quiz_version_summary(version) if version else None,
            "attempts": attempts,
            "progress": progress,
            "start_url": request.path,
            "resume_url": f"/attempts/{quiz.open_attempt_id}/" if quiz.open_attempt_id else None,
            "edit_questions_url": reverse("admin:assessments_quiz_edit_questions", args=[quiz.pk])
            if selectors.quiz_may_edit_questions(user)
            else None,
        },
    )


def _start(
    request: HttpRequest,
    *,
    quiz: Quiz,
    user: Any = None,
    invitation: Any = None,
    token: str | None = None,
    language: str | None = None,
) -> HttpResponse:
    base = f"/c/{token}/attempts/" if token else "/attempts/"
    try:
        attempt = services.attempt_start(
            quiz=quiz, user=user, invitation=invitation, language=language
        )
    except Conflict as exc:
        if exc.extra.get("id"):
            return redirect(f"{base}{exc.extra['id']}/")
        messages.error(request, exc.message)
        return redirect(request.path)
    except NotFound as exc:
        if token is not None:
            return _unusable(request, _("This quiz is not available any more."))
        raise Http404(exc.message) from exc
    return redirect(f"{base}{attempt.pk}/")


@require_http_methods(["GET", "POST"])
def candidate_intro(request: HttpRequest, token: str) -> HttpResponse:
    """What a candidate sees first: the quiz, its rules, and a start button, in the language
    the invitation names, or the one the candidate chose when the quiz is offered in it
    (``_candidate_page_language``)."""
    language, offered = _candidate_page_language(request, _candidate_invitation(token, request))
    return _in_invitation_language(
        request, token, _candidate_intro, language=language, offered=offered
    )


def _candidate_intro(request: HttpRequest, token: str, offered: list[str]) -> HttpResponse:
    invitation = _candidate_invitation(token, request)
    state = selectors.candidate_invitation_state(invitation)
    language = translation.get_language()
    if request.method == "POST" and state in {"pending", "in_progress"}:
        return _start(
            request, quiz=invitation.quiz, invitation=invitation, token=token, language=language
        )
    latest = selectors.attempts_visible_to_candidate(invitation=invitation).first()
    if state in {"completed", "used_up"} and latest is not None:
        return redirect(f"/c/{token}/attempts/{latest.pk}/result/")
    if state in {"expired", "revoked"}:
        message = (
            _("This invitation has expired. Ask the person who invited you for a new link.")
            if state == "expired"
            else _("This invitation was withdrawn.")
        )
        return render(
            request, "assessments/candidate_unusable.html", {"message": message}, status=410
        )
    version = selectors.quiz_current_version(invitation.quiz)
    if version is None:
        raise Http404("Quiz not found.")
    texts = selectors.quiz_texts(version, language)
    if texts is not None:
        invitation.quiz.title, invitation.quiz.description = texts
    names = dict(settings.LANGUAGES)
    return render(
        request,
        "assessments/quiz_intro.html",
        {
            "quiz": invitation.quiz,
            "version": version,
            "summary": selectors.quiz_version_summary(version),
            "attempts": [],
            "progress": selectors.taker_progress(
                quiz=invitation.quiz, invitation=invitation, current=version
            ),
            "invitation": invitation,
            "resume_url": f"/c/{token}/attempts/{latest.pk}/"
            if latest and latest.status == Attempt.Status.IN_PROGRESS
            else None,
            "last_result_url": f"/c/{token}/attempts/{latest.pk}/result/"
            if latest and latest.status != Attempt.Status.IN_PROGRESS
            else None,
            "start_url": request.path,
            "candidate": True,
            # what is stored about a candidate, from the register (core/privacy.py)
            "privacy_notice": [
                item for item in personal_data() if item.candidates and item.person != "custom"
            ],
            "retention_days": settings.CANDIDATE_RETENTION_DAYS,
            # The candidate chose a language the quiz is not offered in: say which it is in.
            "offered_languages": ", ".join(str(names[code]) for code in offered if code in names),
        },
    )


# --- taking an attempt ------------------------------------------------------------------------


def _choices_from(data: Any, question_id: int) -> list[int]:
    values = data.getlist(f"q{question_id}")
    chosen = []
    for value in values:
        if not (value.isascii() and value.isdigit()) or len(value) > 18:
            raise DomainError(_("That is not one of the choices."))
        chosen.append(int(value))
    return chosen


def _text_from(data: Any, question_id: int) -> str | None:
    """The typed answer (short answer, numerical) in ``t<question id>``, if the form sent one."""
    value = data.get(f"t{question_id}")
    return None if value is None else str(value)


def _answer_changed(saved: Any, question: Any, data: Any) -> dict[str, Any] | None:
    """The ``answer_save`` arguments when the form's answer differs from the saved one."""
    if question.is_text_kind:
        text = _text_from(data, question.pk)
        if text is None or " ".join(text.split()) == (saved.response_text if saved else ""):
            return None
        return {"text": text}
    chosen = _choices_from(data, question.pk)
    if (saved.choice_ids if saved else []) == sorted(set(chosen)):
        return None
    return {"choice_ids": chosen}


@_login_unless_candidate
@require_http_methods(["GET", "POST"])
def attempt_take(request: HttpRequest, attempt_id: str, token: str | None = None) -> HttpResponse:
    """All questions on one page. Without JavaScript, the buttons save every answer."""
    access = _access(request, attempt_id, token, take=True)
    attempt = access.attempt
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return redirect(access.url("result/"))
    questions = selectors.attempt_questions(attempt)
    answers = selectors.attempt_answers(attempt)
    time_up = services.attempt_time_is_up(attempt)
    errors: list[str] = []
    if request.method == "POST" and not time_up:
        for question in questions:
            try:
                changed = _answer_changed(answers.get(question.pk), question, request.POST)
                if changed is not None:
                    answers[question.pk] = services.answer_save(
                        attempt=attempt, question_id=question.pk, **changed
                    )
            except Conflict:
                return redirect(access.url("result/"))
            except DomainError as exc:
                errors.append(
                    _("Question %(n)s: %(message)s")
                    % {"n": questions.index(question) + 1, "message": exc.message}
                )
        if not errors:
            if "review" in request.POST:
                return redirect(access.url("review/"))
            messages.success(request, _("Your answers are saved."))
            return redirect(access.url())
    for question in questions:
        saved = answers.get(question.pk)
        question.chosen = set(saved.choice_ids) if saved else set()  # type: ignore[attr-defined]
        typed = _text_from(request.POST, question.pk) if errors else None
        question.typed = (  # type: ignore[attr-defined]
            typed if typed is not None else (saved.response_text if saved else "")
        )
    return render(
        request,
        "assessments/attempt_take.html",
        {
            "access": access,
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": questions,
            "answered": len(
                [q for q in questions if getattr(q, "chosen", None) or getattr(q, "typed", "")]
            ),
            "time_up": time_up,
            "errors": errors,
            "language_notice": _language_notice(request, access),
        },
    )


@_login_unless_candidate
@require_POST
def answer_autosave(
    request: HttpRequest, attempt_id: str, question_id: int, token: str | None = None
) -> HttpResponse:
    """htmx: save one question's answer and answer with a short status for the page."""
    access = _access(request, attempt_id, token, take=True)
    try:
        text = _text_from(request.POST, question_id)
        answer = services.answer_save(
            attempt=access.attempt,
            question_id=question_id,
            choice_ids=None if text is not None else _choices_from(request.POST, question_id),
            text=text,
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        status = getattr(exc, "status_code", 400)
        if not request.htmx:  # type: ignore[attr-defined]
            messages.error(request, exc.message)
            return redirect(access.url())
        return render(
            request, "assessments/_save_status.html", {"error": exc.message}, status=status
        )
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect(access.url())
    return render(request, "assessments/_save_status.html", {"answer": answer})


@_login_unless_candidate
def attempt_review_before_submit(
    request: HttpRequest, attempt_id: str, token: str | None = None
) -> HttpResponse:
    """Which questions are answered and which are not, before submitting."""
    access = _access(request, attempt_id, token, take=True)
    attempt = access.attempt
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return redirect(access.url("result/"))
    questions = selectors.attempt_questions(attempt)
    answers = selectors.attempt_answers(attempt)
    rows = [
        {
            "number": n,
            "question": q,
            "answered": bool(
                answers.get(q.pk) and (answers[q.pk].choice_ids or answers[q.pk].response_text)
            ),
        }
        for n, q in enumerate(questions, start=1)
    ]
    return render(
        request,
        "assessments/attempt_review.html",
        {
            "access": access,
            "attempt": attempt,
            "quiz": attempt.quiz,
            "rows": rows,
            "unanswered": [r for r in rows if not r["answered"]],
            "time_up": services.attempt_time_is_up(attempt),
            "language_notice": _language_notice(request, access),
        },
    )


@_login_unless_candidate
@require_POST
def attempt_submit(request: HttpRequest, attempt_id: str, token: str | None = None) -> HttpResponse:
    access = _access(request, attempt_id, token, take=True)
    services.attempt_submit(attempt=access.attempt)
    return redirect(access.url("result/"))


@_login_unless_candidate
def attempt_result(request: HttpRequest, attempt_id: str, token: str | None = None) -> HttpResponse:
    """The result as the review policy allows (everything for a lead or an admin). While the
    attempt is being scored, the page refreshes itself."""
    access = _access(request, attempt_id, token, take=False)
    attempt = access.attempt
    if attempt.status == Attempt.Status.IN_PROGRESS and access.is_taker:
        return redirect(access.url())
    if request.htmx and attempt.status == Attempt.Status.SCORED:  # type: ignore[attr-defined]
        # The polling fragment asks for a full reload once the score is in.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    visibility = selectors.review_visibility(attempt, reviewer=not access.is_taker)
    context = {
        "access": access,
        "attempt": attempt,
        "quiz": attempt.quiz,
        "visibility": visibility,
        "review": selectors.attempt_review(attempt, visibility),
        "scoring": attempt.status == Attempt.Status.SUBMITTED,
        "next_steps": selectors.attempt_next_steps(attempt)
        if access.is_taker and attempt.status == Attempt.Status.SCORED
        else [],
    }
    return render(request, "assessments/attempt_result.html", context)


# --- leads ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def team_candidates(request: HttpRequest, team_id: int) -> HttpResponse:
    lead = request_user(request)
    team = or_404(team_get_led, user=lead, team_id=team_id)
    form = CandidateInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.candidate_invitation_create(
                invited_by=lead, team=team, **form.service_arguments()
            )
        except DomainError as exc:
            form_add_domain_error(form, exc, field_map={"expires_at": "expires"})
        else:
            messages.success(
                request,
                _("The invitation is on its way to %(email)s. You can also copy the link below.")
                % {"email": invitation.email},
            )
            return redirect("assessments:candidate", invitation_id=invitation.pk)
    invitations = selectors.candidate_invitations_for(user=lead, team_id=team.pk)
    now = timezone.now()
    listing = listing_for(
        request,
        invitations,
        search_fields=("email", "name", "quiz__title"),
        search_label=_("Search candidates"),
        filters=(
            _quiz_filter(),
            Filter(
                "link",
                _("Link"),
                [
                    ("usable", _("Still usable")),
                    ("expired", _("Expired")),
                    ("revoked", _("Revoked")),
                ],
                lambda qs, value: qs.filter(
                    {
                        "usable": Q(revoked_at__isnull=True, expires_at__gt=now),
                        "expired": Q(revoked_at__isnull=True, expires_at__lte=now),
                        "revoked": Q(revoked_at__isnull=False),
                    }[value]
                ),
            ),
        ),
        target="candidate-results",
    )
    for invitation in listing.page.object_list:
        # the state word and the attempt and result columns, from the same annotations
        invitation.progress = selectors.invitation_progress(invitation)
    return render_listing(
        request,
        "assessments/team_candidates.html",
        "assessments/_candidate_results.html",
        {"team": team, "form": form, "listing": listing, "page": listing.page},
        target="candidate-results",
    )


def _quiz_filter() -> Filter:
    return Filter(
        "quiz",
        _("Quiz"),
        [
            (str(pk), title)
            for pk, title in Quiz.objects.assessments()
            .annotate(shown=selectors.quiz_title_shown())
            .values_list("pk", "shown")
            .order_by("shown")
        ],
        lambda qs, value: qs.filter(quiz_id=int(value)),
    )


@login_required
def candidate_detail(request: HttpRequest, invitation_id: str) -> HttpResponse:
    lead = request_user(request)
    invitation = or_404(
        selectors.candidate_invitation_get_managed, user=lead, invitation_id=invitation_id
    )
    attempts = list(selectors.attempts_visible_to_candidate(invitation=invitation))
    latest = next((a for a in attempts if a.status == Attempt.Status.SCORED), None)
    if latest is not None:  # its band and review in the language it was taken in
        selectors.attempt_translate(latest)
    progress = selectors.invitation_progress(invitation)
    return render(
        request,
        "assessments/candidate_detail.html",
        {
            "invitation": invitation,
            "progress": progress,
            "state": progress.state,
            "link": request.build_absolute_uri(selectors.candidate_invitation_url(invitation)),
            "attempts": attempts,
            "latest": latest,
            "review": selectors.attempt_review(latest, selectors.EVERYTHING) if latest else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidate_revoke(request: HttpRequest, invitation_id: str) -> HttpResponse:
    lead = request_user(request)
    invitation = or_404(
        selectors.candidate_invitation_get_managed, user=lead, invitation_id=invitation_id
    )
    back = reverse("assessments:candidate", args=[invitation.pk])
    if request.method == "POST":
        services.candidate_invitation_revoke(invitation=invitation)
        messages.success(request, _("The invitation was withdrawn."))
        return redirect(back)
    return render(
        request,
        "core/confirm.html",
        {
            "title": _("Withdraw this invitation?"),
            "body": _("The link sent to %(email)s stops working. Results already recorded stay.")
            % {"email": invitation.email},
            "action": _("Withdraw invitation"),
            "cancel_url": back,
        },
    )


@login_required
def team_results(request: HttpRequest, team_id: int) -> HttpResponse:
    """Quiz attempts of a team's members and candidates, newest first."""
    lead = request_user(request)
    team = or_404(team_get_led, user=lead, team_id=team_id)
    attempts = selectors.team_attempts(lead=lead, team_id=team.pk)
    listing = listing_for(
        request,
        attempts,
        search_fields=("user__name", "user__email", "invitation__name", "invitation__email"),
        search_label=_("Search people"),
        filters=(
            _quiz_filter(),
            Filter(
                "status",
                _("Status"),
                Attempt.Status.choices,
                lambda qs, value: qs.filter(status=value),
            ),
            Filter(
                "taker",
                _("Who"),
                [("member", _("Team members")), ("candidate", _("Candidates"))],
                lambda qs, value: qs.filter(user__isnull=value == "candidate"),
            ),
        ),
        target="result-results",
    )
    return render_listing(
        request,
        "assessments/team_results.html",
        "assessments/_result_results.html",
        {"team": team, "listing": listing, "page": listing.page},
        target="result-results",
    )


@login_required
def team_results_csv(request: HttpRequest, team_id: int) -> StreamingHttpResponse:
    """Every quiz attempt of the team's members and candidates, as CSV."""
    lead = request_user(request)
    team = or_404(team_get_led, user=lead, team_id=team_id)
    attempts = selectors.team_attempts(lead=lead, team_id=team.pk)
    # The rows stream after the view has returned: take the zone and the words now.
    zone = timezone.get_current_timezone()
    member_word, candidate_word = str(_("member")), str(_("candidate"))
    rows = (
        (
            a.user.email if a.user else a.invitation.email,  # type: ignore[union-attr]
            a.user.name if a.user else (a.invitation.name if a.invitation else ""),
            member_word if a.user else candidate_word,
            a.quiz_title,  # type: ignore[attr-defined]
            timezone.localtime(a.started_at, zone).isoformat(),  # ISO 8601, viewer's zone
            a.get_status_display(),
            a.score if a.status == Attempt.Status.SCORED else "",
            a.max_score if a.status == Attempt.Status.SCORED else "",
            a.percent if a.status == Attempt.Status.SCORED else "",
            a.band_label or "",  # type: ignore[attr-defined]
        )
        for a in attempts.iterator(chunk_size=2000)
    )
    return csv_response(
        f"quiz-results-{team.pk}.csv",
        # An export to read, not to import again: its headings are words, in the viewer's
        # language (the findings export keeps the import's column names).
        [
            str(_("Email")),
            str(_("Name")),
            str(_("Taker")),
            str(_("Quiz")),
            str(_("Started")),
            str(_("Status")),
            str(_("Score")),
            str(_("Maximum score")),
            str(_("Percent")),
            str(_("Band")),
        ],
        rows,
    )


# --- question banks ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def question_import(request: HttpRequest) -> HttpResponse:
    """Upload a GIFT or Aiken file, see the preview, confirm. Nothing is saved before the
    confirmation, which sends back a token for the upload kept on the server (an hour), so
    the file is uploaded once. For admins and holders of "Can add question"."""
    user = request_user(request)
    if not selectors.question_bank_may_import(user):
        raise Http404("Not found.")
    if request.method == "POST" and "token" in request.POST:
        return _question_import_confirm(request, user)
    form = QuestionImportForm(
        request.POST or None,
        request.FILES or None,
        user=user,
        initial={"quiz": request.GET.get("quiz")} if request.GET.get("quiz", "").isdigit() else {},
    )
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        quiz = form.cleaned_data["quiz"]
        upload = form.cleaned_data["file"]
        try:
            fmt = question_bank.question_bank_format(
                form.cleaned_data["format"], filename=upload.name or ""
            )
            text, parsed = question_bank.question_bank_read(
                data=upload.read(question_bank.max_bytes() + 1), fmt=fmt
            )
            outcome = question_bank.question_bank_import(
                user=user, quiz=quiz, parse_result=parsed, confirm=False, fmt=fmt
            )
            token = (
                question_bank.question_bank_stash(user=user, quiz=quiz, fmt=fmt, text=text)
                if outcome.plan.questions
                else ""
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            context.update({"plan": outcome.plan, "token": token, "filename": upload.name})
    return render(request, "assessments/question_import.html", context)


def _question_import_confirm(request: HttpRequest, user: Any) -> HttpResponse:
    token = request.POST.get("token", "")
    try:
        stashed = question_bank.question_bank_unstash(user=user, token=token)
        quiz = selectors.quiz_get_for_authoring(user=user, quiz_id=stashed["quiz"])
        parsed = question_bank.question_bank_parse(text=stashed["text"], fmt=stashed["format"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("assessments:question_import")
    outcome = question_bank.question_bank_import(
        user=user, quiz=quiz, parse_result=parsed, confirm=True, fmt=stashed["format"]
    )
    question_bank.question_bank_unstash_done(user=user, token=token)
    if outcome.saved and outcome.version is not None:
        messages.success(
            request,
            ngettext(
                "%(count)d question was added to version %(version)d of “%(quiz)s” (not "
                "published yet).",
                "%(count)d questions were added to version %(version)d of “%(quiz)s” (not "
                "published yet).",
                outcome.created,
            )
            % {"count": outcome.created, "version": outcome.version.number, "quiz": quiz.title},
        )
    else:
        messages.info(request, _("Nothing new to import: these questions are already there."))
    if outcome.version is not None and request.user.is_staff:
        return redirect(reverse("admin:assessments_quizversion_change", args=[outcome.version.pk]))
    return redirect(f"{reverse('assessments:question_import')}?quiz={quiz.pk}")
