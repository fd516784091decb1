from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def due_label(due_at: datetime | None) -> str:
    """“Due today”, “Due in 3 days”, “2 days overdue”, in the viewer's time zone."""
    if due_at is None:
        return _("No due date")
    days = (timezone.localtime(due_at).date() - timezone.localdate()).days
    if due_at < timezone.now():
        late = max(-days, 0)
        if late == 0:
            return _("Overdue since today")
        return ngettext("%(n)d day overdue", "%(n)d days overdue", late) % {"n": late}
    if days == 0:
        return _("Due today")
    if days == 1:
        return _("Due tomorrow")
    return ngettext("Due in %(n)d day", "Due in %(n)d days", days) % {"n": days}


@register.filter
def percent(part: int | float | None, whole: int | float | None) -> int:
    if not whole:
        return 0
    return round(100 * (part or 0) / whole)


@register.inclusion_tag("includes/progress.html")
def progress_bar(value: int, label: str = "") -> dict[str, object]:
    value = max(0, min(100, int(value or 0)))
    return {"value": value, "label": label}
