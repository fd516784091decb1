"""The xAPI outbox for admins: the backlog and the failures, and retrying the failures.

Everyone else gets 404, as for the other admin-only endpoints.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import request_user
from accounts.selectors import user_is_admin
from core.errors import NotFound, ValidationFailed
from core.pagination import Pagination
from xapi import selectors, services
from xapi.models import Statement
from xapi.serializers import RetryOutput, StatementListOutput


def _admin_only(request: Request) -> None:
    if not user_is_admin(request_user(request)):
        raise NotFound(_("Not found."))


class StatementListApi(APIView):
    @extend_schema(
        responses={
            200: StatementListOutput,
            400: OpenApiResponse(description="An unknown `state`."),
            404: OpenApiResponse(description="Not an admin."),
        },
        parameters=[
            OpenApiParameter(
                "state", str, enum=list(Statement.State.values), description="Only this state."
            ),
            OpenApiParameter("page", int, description="A page number."),
            OpenApiParameter("page_size", int, description="Statements per page (at most 200)."),
        ],
    )
    def get(self, request: Request) -> Response:
        """Admins: the outbox, newest first, with the count in each state."""
        _admin_only(request)
        state = request.query_params.get("state") or None
        if state is not None and state not in Statement.State.values:
            raise ValidationFailed(
                _("Unknown state."),
                field_errors={
                    "state": [
                        _("Choose one of: %(states)s.")
                        % {"states": ", ".join(Statement.State.values)}
                    ]
                },
            )
        paginator = Pagination()
        page = (
            paginator.paginate_queryset(selectors.statements_list(state=state), request, view=self)
            or []
        )
        body = StatementListOutput(
            paginator.page_envelope(
                page, counts=selectors.statement_counts(), enabled=services.xapi_enabled()
            )
        ).data
        return Response(body)


class StatementRetryFailedApi(APIView):
    @extend_schema(
        request=None,
        responses={200: RetryOutput, 404: OpenApiResponse(description="Not an admin.")},
    )
    def post(self, request: Request) -> Response:
        """Admins: put every failed statement back in the queue (sent at the next run)."""
        _admin_only(request)
        retried = services.statements_retry(
            statements=Statement.objects.filter(state=Statement.State.FAILED)
        )
        return Response(RetryOutput({"retried": retried}).data)
