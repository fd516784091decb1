"""Reads of notifications: a person's list, the unread count, titles in the reader's language."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.errors import NotFound
from core.ids import parse_id
from core.types import RawId
from notifications.models import Notification

REMINDER_TITLES = {
    "due_soon": gettext_lazy("Due soon: %(title)s"),
    "overdue": gettext_lazy("Overdue: %(title)s"),
    "escalation": gettext_lazy("%(person)s is overdue with “%(title)s”"),
    # results (``assessments``): the params hold the quiz's title and the candidate's name
    "quiz_result": gettext_lazy("Your result for “%(quiz)s” is ready"),
    "candidate_result": gettext_lazy("%(who)s finished “%(quiz)s”"),
    # training a lead gave (``courses.services.assignments_notify``): title, person, due day
    "training_assigned": gettext_lazy("New training: “%(title)s” (assigned by %(person)s)"),
    # readiness decisions (``readiness.services``): the role's name, who decided / about whom
    "readiness_ready": gettext_lazy("%(person)s recorded you as ready for “%(title)s”"),
    "readiness_not_yet": gettext_lazy("%(person)s recorded “not yet” for “%(title)s”"),
    "readiness_revoked": gettext_lazy("%(person)s withdrew the readiness decision for “%(title)s”"),
    "readiness_regressed": gettext_lazy("%(who)s no longer meets the criteria for “%(title)s”"),
}


def notification_title(notification: Notification) -> str:
    """The title in the active language (reminders and results are stored language-neutral;
    ``title`` keeps the text in the language it was made in, for older rows and the admin)."""
    template = REMINDER_TITLES.get(notification.kind)
    params = notification.params if isinstance(notification.params, dict) else {}
    if template is not None and (params.get("title") or params.get("quiz")):
        return str(template) % {
            "title": params.get("title") or "",
            "person": params.get("person") or "",
            "quiz": params.get("quiz") or "",
            "who": params.get("who") or "",
        }
    return notification.title


def notifications_of(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def notifications_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_get_own(*, user: User, notification_id: RawId) -> Notification:
    notification = Notification.objects.filter(
        user=user, pk=parse_id(notification_id, _("Notification not found."))
    ).first()
    if notification is None:
        raise NotFound(_("Notification not found."))
    return notification
