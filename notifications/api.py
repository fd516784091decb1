"""The notifications API: list, mark one read, mark all read."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import request_user
from core.api import schema_generation
from notifications import selectors, services
from notifications.models import Notification
from notifications.serializers import MarkedOutput, NotificationOutput


class NotificationListApi(ListAPIView):
    """Your notifications, newest first; ``?unread=1`` for unread ones only."""

    serializer_class = NotificationOutput

    @extend_schema(parameters=[OpenApiParameter("unread", bool)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        if schema_generation(self):
            return Notification.objects.none()
        items = selectors.notifications_of(user=request_user(self.request))
        if self.request.query_params.get("unread") in {"1", "true"}:
            items = items.filter(read_at__isnull=True)
        return items

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset) or []
        for item in page:
            item.display_title = selectors.notification_title(item)
        return page


class NotificationReadApi(APIView):
    @extend_schema(request=None, responses=NotificationOutput)
    def post(self, request: Request, notification_id: int) -> Response:
        notification = selectors.notification_get_own(
            user=request_user(request), notification_id=notification_id
        )
        notification = services.notification_mark_read(notification=notification)
        notification.display_title = selectors.notification_title(notification)  # type: ignore[attr-defined]
        return Response(NotificationOutput(notification).data)


class NotificationReadAllApi(APIView):
    @extend_schema(request=None, responses=MarkedOutput)
    def post(self, request: Request) -> Response:
        marked = services.notifications_mark_all_read(user=request_user(request))
        return Response(MarkedOutput({"marked": marked}).data)
