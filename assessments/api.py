"""Assessments API: quizzes, attempts (start, autosave, submit, result), candidate invitations.

Answer keys and explanations appear only in ``review``, and only as the quiz's review policy
allows (leads and admins see everything of attempts they may see).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import user_is_admin
from assessments import qa, selectors, services, skills
from assessments.models import Attempt, CandidateInvitation, QAFinding, Quiz, TrainingSuggestion
from assessments.serializers import (
    AnswerInput,
    AnswerOutput,
    AttemptConflictOutput,
    AttemptListOutput,
    AttemptOutput,
    AttemptStartedOutput,
    FindingConflictOutput,
    FindingInput,
    FindingOutput,
    ImportInput,
    ImportOutput,
    ImportProblemOutput,
    InvitationInput,
    InvitationOutput,
    OrgSkillReportOutput,
    QuizDetailOutput,
    QuizOutput,
    SkillProfileOutput,
    StatusOutput,
    SuggestionOutput,
    TeamSkillGapsOutput,
)
from core.api import schema_generation
from core.errors import NotFound, ValidationFailed
from core.http import request_user
from core.ids import parse_id
from core.pagination import Pagination

ATTEMPT_ID = OpenApiParameter("attempt_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
INVITATION_ID = OpenApiParameter("invitation_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


def attempt_payload(attempt: Attempt, *, viewer: Any) -> dict[str, Any]:
    """The attempt as ``viewer`` may see it now."""
    reviewer = attempt.user_id != viewer.pk
    visibility = selectors.review_visibility(attempt, reviewer=reviewer)
    data: dict[str, Any] = {
        "id": attempt.pk,
        "quiz": attempt.quiz_id,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "submitted_at": attempt.submitted_at,
        "score": attempt.score if visibility.score else None,
        "max_score": attempt.max_score if visibility.score else None,
        "percent": attempt.percent if visibility.score else None,
        "passed": attempt.passed if visibility.score else None,
        "band": attempt.band if visibility.score and attempt.band else None,
        "review": selectors.attempt_review(attempt, visibility),
    }
    if attempt.status == Attempt.Status.IN_PROGRESS and not reviewer:
        data["questions"] = selectors.attempt_questions(attempt)
        data["answers"] = {
            str(question_id): answer.choice_ids
            for question_id, answer in selectors.attempt_answers(attempt).items()
        }
    return AttemptOutput(data).data


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
            raise NotFound("Quiz not found.")
        quiz.time_limit_minutes = version.time_limit_minutes  # type: ignore[attr-defined]
        quiz.attempts_allowed = version.attempts_allowed  # type: ignore[attr-defined]
        quiz.pass_percent = version.pass_percent  # type: ignore[attr-defined]
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
                description="An attempt is in progress (its `id`), none are left, or the quiz "
                "is closed.",
            ),
        },
    )
    def post(self, request: Request, quiz_id: int) -> Response:
        user = request_user(request)
        quiz = selectors.quiz_get(user=user, pk=quiz_id)
        attempt = services.attempt_start(quiz=quiz, user=user)
        data = {
            "id": attempt.pk,
            "status": attempt.status,
            "deadline": attempt.deadline,
            "questions": selectors.attempt_questions(attempt),
        }
        return Response(AttemptStartedOutput(data).data, status=status.HTTP_201_CREATED)


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


class AttemptDetailApi(APIView):
    @extend_schema(responses=AttemptOutput, parameters=[ATTEMPT_ID])
    def get(self, request: Request, attempt_id: str) -> Response:
        user = request_user(request)
        attempt = selectors.attempt_get_visible(user=user, attempt_id=attempt_id)
        return Response(attempt_payload(attempt, viewer=user))


class AnswerApi(APIView):
    @extend_schema(
        request=AnswerInput,
        parameters=[ATTEMPT_ID],
        responses={
            200: AnswerOutput,
            400: OpenApiResponse(
                description="Not choice ids, choices of another question, or several on a "
                "single-choice one."
            ),
            409: OpenApiResponse(description="Submitted or time is up."),
        },
    )
    def put(self, request: Request, attempt_id: str, question_id: int) -> Response:
        """Autosave the answer to one question (replaces the earlier one)."""
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        attempt = selectors.attempt_get_own(user=request_user(request), attempt_id=attempt_id)
        answer = services.answer_save(
            attempt=attempt, question_id=question_id, choice_ids=data.validated_data["choices"]
        )
        return Response(AnswerOutput(answer).data)


class SubmitApi(APIView):
    @extend_schema(request=None, responses={202: StatusOutput}, parameters=[ATTEMPT_ID])
    def post(self, request: Request, attempt_id: str) -> Response:
        """Submit for scoring. Harmless to repeat: answers 202 with the current status."""
        attempt = selectors.attempt_get_own(user=request_user(request), attempt_id=attempt_id)
        attempt = services.attempt_submit(attempt=attempt)
        return Response({"status": attempt.status}, status=status.HTTP_202_ACCEPTED)


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
        invitation = services.candidate_invitation_create(
            invited_by=request_user(request),
            email=values["email"],
            quiz_id=values["quiz"],
            expires_at=values["expires_at"],
            team_id=values.get("team"),
            name=values.get("name", ""),
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


class FindingListApi(ListAPIView):
    """``GET``: findings you may see (yours; a lead's teams; all for an admin).
    ``POST``: record one on an agent of a team you lead."""

    serializer_class = FindingOutput

    @extend_schema(parameters=[OpenApiParameter("agent", int), OpenApiParameter("skill", str)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        if schema_generation(self):
            return QAFinding.objects.none()
        findings = qa.findings_visible_to(user=request_user(self.request))
        params = self.request.query_params
        if params.get("agent"):
            findings = findings.filter(agent_id=parse_id(params["agent"], "Agent not found."))
        if params.get("skill"):
            # No slug contains NUL, and PostgreSQL refuses it in a query (that was a 500).
            skill = params["skill"]
            findings = (
                findings.filter(skill__slug=skill) if "\x00" not in skill else findings.none()
            )
        return findings

    @extend_schema(
        request=FindingInput,
        responses={
            201: FindingOutput,
            404: OpenApiResponse(description="An agent outside your teams."),
            409: OpenApiResponse(FindingConflictOutput, description="Already recorded (its `id`)."),
        },
    )
    def post(self, request: Request) -> Response:
        data = FindingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        finding = qa.finding_record(
            reviewer=request_user(request),
            agent_id=values["agent"],
            interaction_ref=values["interaction_ref"],
            criterion=values["criterion"],
            skill=values["skill"],
            severity=values["severity"],
            note=values.get("note", ""),
            occurred_at=values.get("occurred_at"),
            source=QAFinding.Source.API,
        )
        return Response(FindingOutput(finding).data, status=status.HTTP_201_CREATED)


class FindingImportApi(APIView):
    """Import a QA tool's CSV export. With ``dry_run``, only check it and report each row;
    otherwise save the valid new rows (rows already recorded are skipped)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request=ImportInput,
        responses={
            200: OpenApiResponse(ImportOutput, description="Checked (`dry_run`), nothing new."),
            201: OpenApiResponse(ImportOutput, description="New rows saved."),
            400: OpenApiResponse(
                ImportProblemOutput,
                description="No file, or the file itself is unusable (`problems`).",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data.get("file")
        content: str | bytes = (
            upload.read(qa.CSV_MAX_BYTES + 1) if upload else data.validated_data.get("csv", "")
        )
        if not content:
            raise ValidationFailed(
                "Send a CSV file or text.", field_errors={"file": ["Send a CSV file."]}
            )
        dry_run = data.validated_data["dry_run"]
        report = qa.findings_import(
            reviewer=request_user(request), content=content, commit=not dry_run
        )
        body = ImportOutput(
            {
                "dry_run": dry_run,
                "valid": report.valid,
                "duplicates": report.duplicates,
                "invalid": report.invalid,
                "created": report.created,
                "problems": report.problems,
                "rows": [
                    {"line": r.line, "ok": r.ok, "duplicate": r.duplicate, "errors": r.errors}
                    for r in report.rows
                ],
            }
        ).data
        if report.problems:
            return Response({"detail": report.problems[0], "code": "invalid", **body}, status=400)
        return Response(
            body, status=status.HTTP_201_CREATED if report.created else status.HTTP_200_OK
        )


class TeamSkillGapsApi(APIView):
    @extend_schema(
        responses={
            200: TeamSkillGapsOutput,
            400: OpenApiResponse(description="`min_gap` is not a number."),
        },
        parameters=[
            OpenApiParameter("skill", str, description="Only this skill (slug)."),
            OpenApiParameter("min_gap", float, description="Only members with a gap this big."),
        ],
    )
    def get(self, request: Request, team_id: int) -> Response:
        """Members × skills against each member's role profile, biggest gaps first. Only for
        the team's leads and admins (404 for everyone else)."""
        min_gap = request.query_params.get("min_gap") or ""
        try:
            min_gap_value = float(min_gap) if min_gap else None
        except ValueError as exc:
            raise ValidationFailed(
                "min_gap must be a number.", field_errors={"min_gap": ["Give a number, e.g. 0.2."]}
            ) from exc
        gaps = skills.team_skill_gaps(
            lead=request_user(request),
            team_id=team_id,
            skill=request.query_params.get("skill") or None,
            min_gap=min_gap_value,
        )
        return Response(gaps.as_dict())


class SkillProfileApi(APIView):
    @extend_schema(responses=SkillProfileOutput)
    def get(self, request: Request, user_id: int) -> Response:
        """Each skill's level, confidence, target and gap, and the evidence behind them."""
        user = skills.user_get_profile_visible(viewer=request_user(request), user_id=user_id)
        return Response(skills.user_skill_profile(user=user))


class OrgSkillReportApi(APIView):
    @extend_schema(
        responses={200: OrgSkillReportOutput, 404: OpenApiResponse(description="Not an admin.")},
        parameters=[
            OpenApiParameter("page", int, description="A page number within the people."),
            OpenApiParameter("page_size", int, description="People per page (at most 200)."),
        ],
    )
    def get(self, request: Request) -> Response:
        """Admins: per-skill figures across the organisation and one row per person, paged."""
        if not user_is_admin(request_user(request)):
            raise NotFound("Not found.")
        paginator = Pagination()
        people = paginator.paginate_queryset(skills.org_people(), request, view=self) or []
        report = skills.org_skill_report(people=list(people))
        response = paginator.get_paginated_response(
            [
                {
                    "user": user.pk,
                    "name": user.name,
                    "role_profile": profile,
                    "skills": [c.as_dict() for c in cells],
                }
                for user, profile, cells in report.rows
            ]
        )
        response.data["skills"] = [
            {
                "skill": row["skill"].slug,
                "people": row["people"],
                "mean_level": row["mean_level"],
                "below_target": row["below_target"],
            }
            for row in report.skills
        ]
        return response


class SuggestionListApi(ListAPIView):
    """Pending training suggestions for the agents of the teams you lead (``?team=``)."""

    serializer_class = SuggestionOutput

    @extend_schema(parameters=[OpenApiParameter("team", int)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        if schema_generation(self):
            return TrainingSuggestion.objects.none()
        return qa.suggestions_for(
            lead=request_user(self.request), team_id=self.request.query_params.get("team")
        )


class SuggestionDecisionApi(APIView):
    decision = "accept"

    @extend_schema(
        request=None,
        responses={
            200: SuggestionOutput,
            409: OpenApiResponse(description="Already accepted or dismissed."),
        },
    )
    def post(self, request: Request, suggestion_id: int) -> Response:
        lead = request_user(request)
        suggestion = qa.suggestion_get(lead=lead, suggestion_id=suggestion_id)
        if self.decision == "accept":
            suggestion = qa.suggestion_accept(suggestion=suggestion, lead=lead)
        else:
            suggestion = qa.suggestion_dismiss(suggestion=suggestion, lead=lead)
        return Response(SuggestionOutput(suggestion).data)
