"""Accounts API: tokens, the caller, teams and their members."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.authentication import HashedTokenAuthentication
from accounts.http import request_user
from accounts.models import ApiToken, Membership, Team
from accounts.serializers import (
    MemberOutput,
    MeOutput,
    MeUpdateInput,
    PingOutput,
    TeamOutput,
    TokenObtainInput,
    TokenOutput,
)
from core.api import schema_generation
from core.errors import ValidationFailed


class PingApi(APIView):
    """Who the token (or session) belongs to, and nothing else: the cheapest authenticated
    call, through the same middleware, authentication and server as every other. The load
    test measures its cost as the floor the other endpoints are compared with."""

    @extend_schema(responses=PingOutput)
    def get(self, request: Request) -> Response:
        return Response({"user": request.user.pk})


class TokenApi(APIView):
    """``POST`` exchanges email and password for a token; ``DELETE`` revokes the calling token."""

    authentication_classes = [HashedTokenAuthentication]

    def get_authenticators(self) -> list[Any]:
        # Logging in must work even when the client still sends an old, revoked token.
        if getattr(getattr(self, "request", None), "method", None) == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(
        request=TokenObtainInput,
        responses={
            201: TokenOutput,
            400: OpenApiResponse(description="Wrong email or password, or missing fields."),
            429: OpenApiResponse(
                description=(
                    "Too many failed logins for this account from this address, or from this "
                    "address for any accounts; `Retry-After` says when to try again."
                )
            ),
        },
        parameters=[
            OpenApiParameter(
                "Retry-After",
                type=int,
                location=OpenApiParameter.HEADER,
                description="Seconds until the login limit lets this address try again.",
                response=[429],
            )
        ],
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = TokenObtainInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = services.login_authenticate(
                request=request._request,
                email=data.validated_data["email"],
                password=data.validated_data["password"],
            )
        except ValidationFailed as exc:
            exc.field_errors = {"non_field_errors": [exc.message]}
            raise
        _token, key = services.api_token_create(
            user=user, name=data.validated_data.get("name") or "API"
        )
        return Response(TokenOutput({"token": key}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            services.api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    def _output(self, request: Request) -> dict[str, Any]:
        user = request_user(request)
        return MeOutput(
            {
                "id": user.pk,
                "email": user.email,
                "name": user.name,
                "time_zone": user.time_zone,
                "language": user.language,
                "email_notifications": user.email_notifications,
                "is_admin": selectors.user_is_admin(user),
                "teams": selectors.user_teams(user=user),
            }
        ).data

    @extend_schema(responses=MeOutput)
    def get(self, request: Request) -> Response:
        return Response(self._output(request))

    @extend_schema(request=MeUpdateInput, responses=MeOutput)
    def patch(self, request: Request) -> Response:
        data = MeUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = request_user(request)
        fields = {
            "name": user.name,
            "time_zone": user.time_zone,
            "language": user.language,
            "email_notifications": user.email_notifications,
            **data.validated_data,
        }
        services.user_update_preferences(user=user, **fields)
        return Response(self._output(request))


class TeamListApi(ListAPIView):
    """Teams the caller belongs to (every team for an admin)."""

    serializer_class = TeamOutput

    def get_queryset(self) -> Any:
        if schema_generation(self):
            return Team.objects.none()
        return selectors.teams_visible_to(request_user(self.request))


class TeamMembersApi(ListAPIView):
    """Members of a team the caller belongs to; 404 for any other team."""

    serializer_class = MemberOutput

    def get_queryset(self) -> Any:
        if schema_generation(self):
            return Membership.objects.none()
        team = selectors.team_get_visible(
            user=request_user(self.request), team_id=self.kwargs["team_id"]
        )
        return selectors.team_memberships(team=team)
