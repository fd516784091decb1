"""Assessments API: quizzes, attempts (start, autosave, submit, result), candidate invitations.

Answer keys and explanations appear only in ``review``, and only as the quiz's review policy
allows (leads and admins see everything of attempts they may see).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import request_user
from accounts.selectors import team_get_led
from assessments import question_bank, selectors, services
from assessments.models import Answer, Attempt, CandidateInvitation, Question, Quiz
from assessments.serializers import (
    ANSWER_CHOICES_MAX,
    AnswerInput,
    AnswerOutput,
    AttemptConflictOutput,
    AttemptListOutput,
    AttemptOutput,
    AttemptStartedOutput,
    InvitationInput,
    InvitationOutput,
    QuestionImportInput,
    QuestionImportOutput,
    QuizDetailOutput,
    QuizOutput,
    StatusOutput,
)
from core.api import schema_generation
from core.errors import NotFound
from core.ids import MAX_ID
from core.pagination import Pagination

ATTEMPT_ID = OpenApiParameter("attempt_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
INVITATION_ID = OpenApiParameter("invitation_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


_DATES = serializers.DateTimeField()  # as AttemptOutput writes its dates


def _when(value: datetime | None) -> str | None:
    return None if value is None else _DATES.to_representation(value)


def attempt_payload(attempt: Attempt, *, viewer: Any) -> dict[str, Any]:
    """The attempt as ``viewer`` may see it now."""
    reviewer = attempt.user_id != viewer.pk
    visibility = selectors.review_visibility(attempt, reviewer=reviewer)
    selectors.attempt_translate(attempt)  # the band in the attempt's language
    shown = visibility.score
    band = attempt.band if shown and attempt.band else None
    # What AttemptOutput would write, written directly: the result read is every taker's, and
    # the serializer cost a third of it (tests hold the two equal, review policies included).
    data: dict[str, Any] = {
        "id": str(attempt.pk),
        "quiz": attempt.quiz_id,
        "language": attempt.language,
        "status": attempt.status,
        "started_at": _when(attempt.started_at),
        "deadline": _when(attempt.deadline),
        "submitted_at": _when(attempt.submitted_at),
        "score": _cast(float, attempt.score if shown else None),
        "max_score": _cast(float, attempt.max_score if shown else None),
        "percent": _cast(float, attempt.percent if shown else None),
        "passed": _cast(bool, attempt.passed if shown else None),
        "band": {"label": str(band.label), "message": str(band.message)} if band else None,
        "review": [_review_item(item) for item in selectors.attempt_review(attempt, visibility)],
        "review_withheld": visibility.withheld or None,
        "review_opens_at": _when(visibility.opens_at),
    }
    if attempt.status == Attempt.Status.IN_PROGRESS and not reviewer:
        data["questions"] = questions_json(selectors.attempt_questions(attempt))
        saved = selectors.attempt_answers(attempt).items()
        data["answers"] = {
            str(question_id): [int(c) for c in answer.choice_ids or []]
            for question_id, answer in saved
        }
        data["answer_texts"] = {
            str(question_id): str(answer.response_text)
            for question_id, answer in saved
            if answer.response_text
        }
    return data


def questions_json(questions: list[Question]) -> list[dict[str, Any]]:
    """``QuestionOutput(questions, many=True).data``, directly: the paper as the taker sees it
    (a test holds the two equal)."""
    return [
        {
            "id": question.pk,
            "text": str(question.text_html),
            "kind": question.kind,
            "choices": [
                {"id": choice.pk, "text": str(choice.text)}
                for choice in question.shuffled_choices  # type: ignore[attr-defined]
            ],
        }
        for question in questions
    ]


def _cast(kind: Any, value: Any) -> Any:
    return None if value is None else kind(value)


_REVIEW_OPTIONAL = (
    ("correct", bool),
    ("credit", float),
    ("general_feedback", str),
    ("feedback", str),
)
_CHOICE_OPTIONAL = (("is_correct", bool), ("fraction", float), ("explanation", str))


def _review_item(item: selectors.ReviewItem) -> dict[str, Any]:
    """``ReviewItemOutput(item).data``, directly (optional keys only when present)."""
    row: dict[str, Any] = {
        "question": int(item["question"]),
        "text": str(item["text"]),
        "kind": str(item["kind"]),
        "your_choices": [int(c) for c in item["your_choices"]],
        "your_text": str(item["your_text"]),
        "choices": [],
    }
    source: dict[str, Any] = dict(item)
    for key, kind in _REVIEW_OPTIONAL:
        if key in source:
            row[key] = _cast(kind, source[key])
    for choice in item["choices"]:
        given: dict[str, Any] = dict(choice)
        out = {"id": int(given["id"]), "text": str(given["text"]), "chosen": bool(given["chosen"])}
        for key, kind in _CHOICE_OPTIONAL:
            if key in given:
                out[key] = _cast(kind, given[key])
        row["choices"].append(out)
    return row


class QuizListApi(ListAPIView):
    serializer_class = QuizOutput

    def get_queryset(self) -> QuerySet[Any]:
        if schema_generation(self):
            return Quiz.objects.none()
        return selectors.quizzes_list(user=request_user(self.request))


class QuizDetailApi(APIView):
    @extend_schema(responses=QuizDetailOutput)
    def get(self, request: Request, quiz_id: int) -> Response:
        quiz = selectors.quiz_get(user=request_user(request), pk=quiz_id)
        version = selectors.quiz_current_version(quiz)
        if version is None:
            raise NotFound(_("Quiz not found."))
        quiz.time_limit_minutes = version.time_limit_minutes  # type: ignore[attr-defined]
        quiz.attempts_allowed = version.attempts_allowed  # type: ignore[attr-defined]
        quiz.pass_percent = version.pass_percent  # type: ignore[attr-defined]
        quiz.languages = selectors.quiz_version_languages(version)  # type: ignore[attr-defined]
        return Response(QuizDetailOutput(quiz).data)


class QuizAttemptsApi(ListAPIView):
    """``GET``: your attempts on this quiz. ``POST``: start one (409 with the open attempt's
    ``id`` if one is in progress, or when no attempts are left)."""

    serializer_class = AttemptListOutput

    def get_queryset(self) -> QuerySet[Any]:
        if schema_generation(self):
            return Attempt.objects.none()
        user = request_user(self.request)
        quiz = selectors.quiz_get(user=user, pk=self.kwargs["quiz_id"])
        return selectors.attempts_of_quiz(user=user, quiz=quiz)

    @extend_schema(
        request=None,
        responses={
            201: AttemptStartedOutput,
            409: OpenApiResponse(
                AttemptConflictOutput,
                description="An attempt is in progress (code `attempt_in_progress`, its `id`), "
                "none are left (`no_attempts_left`), or the quiz is closed (`closed`).",
            ),
        },
    )
    def post(self, request: Request, quiz_id: int) -> Response:
        user = request_user(request)
        version = selectors.quiz_version_for_start(user=user, quiz_id=quiz_id)
        attempt = services.attempt_start(quiz=version.quiz, user=user, version=version)
        data = {  # AttemptStartedOutput, written directly (a test holds the two equal)
            "id": str(attempt.pk),
            "status": attempt.status,
            "deadline": _when(attempt.deadline),
            "language": attempt.language,
            "questions": questions_json(selectors.attempt_questions(attempt)),
        }
        return Response(data, status=status.HTTP_201_CREATED)


class AttemptListApi(ListAPIView):
    """Your attempts; a lead adds ``?team=<id>`` for their team's (members and candidates)."""

    serializer_class = AttemptListOutput

    @extend_schema(parameters=[OpenApiParameter("team", int)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        if schema_generation(self):
            return Attempt.objects.none()
        user = request_user(self.request)
        team = self.request.query_params.get("team")
        if team:
            return selectors.team_attempts(lead=user, team_id=team)
        return selectors.attempts_visible_to(user=user).filter(user=user).order_by("-started_at")


def waiting_payload(attempt: selectors.OwnAttemptRow) -> dict[str, Any]:
    """``attempt_payload`` for one's own attempt waiting to be scored, without the model or
    the serializer (a test holds the two equal): the answer to the result page's poll."""
    return {
        "id": str(attempt.id),
        "quiz": attempt.quiz_id,
        "language": attempt.language,
        "status": Attempt.Status.SUBMITTED.value,
        "started_at": _when(attempt.started_at),
        "deadline": _when(attempt.deadline),
        "submitted_at": _when(attempt.submitted_at),
        "score": None,
        "max_score": None,
        "percent": None,
        "passed": None,
        "band": None,
        "review": [],
        "review_withheld": None,
        "review_opens_at": None,
    }


class AttemptDetailApi(APIView):
    @extend_schema(responses=AttemptOutput, parameters=[ATTEMPT_ID])
    def get(self, request: Request, attempt_id: str) -> Response:
        user = request_user(request)
        # One's own attempt (the poll after submitting, the result): one narrow row first.
        own = selectors.attempt_own_row(user=user, attempt_id=attempt_id)
        if own is not None and own.status == Attempt.Status.SUBMITTED:
            return Response(waiting_payload(own))  # waiting: no model, no serializer
        if own is not None:  # the caller's: no need for the visibility rules
            attempt = selectors.attempt_get_own(user=user, attempt_id=attempt_id)
        else:
            attempt = selectors.attempt_get_visible(user=user, attempt_id=attempt_id)
        return Response(attempt_payload(attempt, viewer=user))


class AnswerApi(APIView):
    @extend_schema(
        request=AnswerInput,
        parameters=[ATTEMPT_ID],
        responses={
            200: AnswerOutput,
            400: OpenApiResponse(
                description="Not choice ids, choices of another question (code `not_in_set`), "
                "several on a single-choice one, `choices` for a typed question or `text` for a "
                "choice question, or a numerical answer that is not a number."
            ),
            409: OpenApiResponse(
                description="Submitted (code `attempt_submitted`) or time is up (`time_up`)."
            ),
        },
    )
    def put(self, request: Request, attempt_id: str, question_id: int) -> Response:
        """Autosave the answer to one question (replaces the earlier one)."""
        values = answer_input(request.data)
        answer = services.answer_save_own(
            user=request_user(request),
            attempt_id=attempt_id,
            question_id=question_id,
            choice_ids=values.get("choices"),
            text=values.get("text"),
        )
        return Response(answer_output(answer))


def answer_input(data: Any) -> dict[str, Any]:
    """``AnswerInput``'s validated data. The body every autosave sends, ``{"choices": [ids]}``
    with plain ids, is taken as it is (the serializer would answer the same); anything else
    goes through the serializer and its errors."""
    if type(data) is dict and data.keys() == {"choices"}:
        choices = data["choices"]
        if (
            type(choices) is list
            and len(choices) <= ANSWER_CHOICES_MAX
            and all(type(c) is int and 1 <= c <= MAX_ID for c in choices)
        ):
            return {"choices": choices}
    serializer = AnswerInput(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def answer_output(answer: Answer) -> dict[str, Any]:
    """``AnswerOutput(answer).data`` without the serializer (a test holds the two equal)."""
    choices, text = answer.choice_ids, answer.response_text
    return {
        "question": answer.question_id,
        "choices": None if choices is None else [int(c) for c in choices],
        "text": None if text is None else str(text),
        "saved_at": _when(answer.saved_at),
    }


class QuestionImportApi(APIView):
    """Import a GIFT or Aiken file into a quiz's draft version (docs/moodle.md). With
    ``dry_run``, only the preview: every question parsed, every problem with its line."""

    parser_classes = [MultiPartParser]  # a file upload

    @extend_schema(
        request=QuestionImportInput,
        responses={
            200: OpenApiResponse(QuestionImportOutput, description="Preview, nothing saved."),
            201: OpenApiResponse(QuestionImportOutput, description="New questions saved."),
            400: OpenApiResponse(
                description="No file, or a file that is empty, not UTF-8/16 text, over "
                "10 MB or 5,000 questions."
            ),
            404: OpenApiResponse(description="You may not import questions, or no such quiz."),
        },
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        if not selectors.question_bank_may_import(user):
            raise NotFound(_("Not found."))
        data = QuestionImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        quiz = selectors.quiz_get_for_authoring(user=user, quiz_id=values["quiz"])
        upload = values["file"]
        fmt = question_bank.question_bank_format(values.get("format"), filename=upload.name or "")
        _text, parsed = question_bank.question_bank_read(
            data=upload.read(question_bank.max_bytes() + 1), fmt=fmt
        )
        outcome = question_bank.question_bank_import(
            user=user, quiz=quiz, parse_result=parsed, confirm=not values["dry_run"], fmt=fmt
        )
        plan = outcome.plan
        body = QuestionImportOutput(
            {
                "quiz": quiz.pk,
                "format": fmt,
                "dry_run": values["dry_run"],
                "saved": outcome.saved,
                "version": outcome.version.number if outcome.version else None,
                "created": outcome.created,
                "summary": plan.summary,
                "questions": plan.questions,
                "duplicates": [
                    {"line": q.line, "name": q.name, "message": ""} for q in plan.duplicates
                ],
                "problems": plan.problems,
                "unmatched_categories": plan.unmatched_categories,
            }
        ).data
        return Response(body, status=status.HTTP_201_CREATED if outcome.saved else 200)


class QuizExportApi(APIView):
    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # ``?format=gift`` names the file format, not one of DRF's renderers
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=["gift", "aiken"],
                description="GIFT (every kind) or Aiken (single-answer questions only; the "
                "`X-Questions-Left-Out` header says how many it could not hold).",
            ),
            OpenApiParameter("version", int, description="A version number; default newest."),
        ],
        responses={(200, "text/plain"): OpenApiTypes.STR},
    )
    def get(self, request: Request, quiz_id: int) -> HttpResponse:
        """A quiz version as a GIFT or Aiken file (admins)."""
        version = selectors.quiz_version_for_export(
            user=request_user(request),
            quiz_id=quiz_id,
            number=request.query_params.get("version"),
        )
        export = question_bank.question_bank_export_file(
            version=version, file_format=request.query_params.get("format", "gift")
        )
        return export_response(export)


def export_response(export: question_bank.ExportFile) -> HttpResponse:
    """An export as a download (the API's and the admin's)."""
    response = HttpResponse(export.text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["X-Questions-Left-Out"] = str(export.left_out)
    return response


class SubmitApi(APIView):
    @extend_schema(request=None, responses={202: StatusOutput}, parameters=[ATTEMPT_ID])
    def post(self, request: Request, attempt_id: str) -> Response:
        """Submit for scoring. Harmless to repeat: answers 202 with the current status."""
        now = services.attempt_submit_own(user=request_user(request), attempt_id=attempt_id)
        return Response({"status": now}, status=status.HTTP_202_ACCEPTED)


def invitation_payload(invitation: CandidateInvitation) -> dict[str, Any]:
    return InvitationOutput(
        {
            "id": invitation.pk,
            "url": f"{settings.SITE_URL}{selectors.candidate_invitation_url(invitation)}",
            "email": invitation.email,
            "name": invitation.name,
            "quiz_id": invitation.quiz_id,
            "team_id": invitation.team_id,
            "expires_at": invitation.expires_at,
            "language": invitation.language,
            "state": selectors.invitation_state_from_annotations(invitation),
            "last_attempt": getattr(invitation, "last_attempt_id", None),
            "score": getattr(invitation, "last_score", None),
            "max_score": getattr(invitation, "last_max_score", None),
            "band": getattr(invitation, "last_band", None),
        }
    ).data


class InvitationListApi(APIView):
    pagination_class = Pagination

    @extend_schema(
        responses=InvitationOutput(many=True), parameters=[OpenApiParameter("team", int)]
    )
    def get(self, request: Request) -> Response:
        """Candidate invitations of the teams you lead, with their latest result."""
        invitations = selectors.candidate_invitations_for(
            user=request_user(request), team_id=request.query_params.get("team")
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(invitations, request, view=self) or []
        return paginator.get_paginated_response([invitation_payload(i) for i in page])

    @extend_schema(
        request=InvitationInput,
        responses={
            201: InvitationOutput,
            404: OpenApiResponse(description="A `team` you don't lead."),
        },
    )
    def post(self, request: Request) -> Response:
        """Invite a candidate: ``{"email", "quiz", "expires_at"}`` → ``{"id", "url"}``."""
        data = InvitationInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        lead = request_user(request)
        team_id = values.get("team")
        invitation = services.candidate_invitation_create(
            invited_by=lead,
            email=values["email"],
            quiz=selectors.quiz_for_invitation(values["quiz"]),
            expires_at=values["expires_at"],
            team=team_get_led(user=lead, team_id=team_id) if team_id is not None else None,
            name=values.get("name", ""),
            share_results_xapi=values.get("share_results_xapi", False),
            language=values.get("language", ""),
        )
        fresh = selectors.candidate_invitation_get_managed(
            user=request_user(request), invitation_id=invitation.pk
        )
        return Response(invitation_payload(fresh), status=status.HTTP_201_CREATED)


class InvitationDetailApi(APIView):
    @extend_schema(responses=InvitationOutput, parameters=[INVITATION_ID])
    def get(self, request: Request, invitation_id: str) -> Response:
        invitation = selectors.candidate_invitation_get_managed(
            user=request_user(request), invitation_id=invitation_id
        )
        return Response(invitation_payload(invitation))

    @extend_schema(responses={204: None}, parameters=[INVITATION_ID])
    def delete(self, request: Request, invitation_id: str) -> Response:
        """Revoke: the link stops working (results already recorded stay)."""
        invitation = selectors.candidate_invitation_get_managed(
            user=request_user(request), invitation_id=invitation_id
        )
        services.candidate_invitation_revoke(invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- QA findings, skill gaps and profiles -----------------------------------------------------
