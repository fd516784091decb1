"""The notifications page and its mark-read actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.http import request_user
from core.shortcuts import or_404
from notifications import selectors, services


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    page = Paginator(selectors.notifications_of(user=user), 30).get_page(request.GET.get("page"))
    for item in page.object_list:
        item.display_title = selectors.notification_title(item)
    return render(request, "notifications/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    user = request_user(request)
    notification = or_404(
        selectors.notification_get_own, user=user, notification_id=notification_id
    )
    services.notification_mark_read(notification=notification)
    if request.POST.get("open") and notification.url.startswith("/"):
        return redirect(notification.url)
    return redirect("notifications:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request_user(request))
    messages.success(
        request,
        ngettext("%(n)d notification marked as read.", "%(n)d notifications marked as read.", count)
        % {"n": count},
    )
    return redirect("notifications:notifications")
