"""The practice API: today's set and answering one of its questions."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import request_user
from practice import selectors, services
from practice.serializers import PracticeAnswerInput, PracticeAnswerOutput, PracticeTodayOutput


class PracticeTodayApi(APIView):
    """Your practice for today (your time zone): questions in order, with the feedback on
    those already answered. Built on first call if the hourly build has not reached you."""

    @extend_schema(responses=PracticeTodayOutput)
    def get(self, request: Request) -> Response:
        user = request_user(request)
        practice_set = services.practice_today_ensure(user=user)
        today = selectors.practice_today(user=user, practice_set=practice_set)
        return Response(PracticeTodayOutput(selectors.today_as_dict(today)).data)


class PracticeAnswerApi(APIView):
    """Answer one question of today's practice (once): chosen choices, or a typed answer for
    a short answer or numerical question. Scored as a quiz scores it (partial credit
    included): right, partly right or not, the right choices and every explanation, the SOPs
    that explain it, and when the question comes back."""

    @extend_schema(
        request=PracticeAnswerInput,
        responses={
            201: PracticeAnswerOutput,
            404: OpenApiResponse(
                description="The question is not in today's practice (or its quiz is being "
                "taken now)."
            ),
            409: OpenApiResponse(description="Already answered today."),
        },
    )
    def post(self, request: Request) -> Response:
        data = PracticeAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = services.practice_answer(
            user=request_user(request),
            question_id=data.validated_data["question"],
            choice_ids=data.validated_data["choices"],
            response_text=data.validated_data["response"],
        )
        selectors.sop_links_attach([feedback.question], language=feedback.language)
        body = selectors.answer_as_dict(feedback.question, feedback.answer, feedback.next_due_at)
        return Response(PracticeAnswerOutput(body).data, status=201)
