from __future__ import annotations

from datetime import date

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.formats import percent_against, percent_format
from core.markdown import render_markdown

register = template.Library()


@register.filter
def due_label(due_on: date | None) -> str:
    """“Due today”, “Due in 3 days”, “2 days overdue”: a due date is a calendar day, judged
    against the viewer's own today (the active time zone: their profile's)."""
    if due_on is None:
        return _("No due date")
    days = (due_on - timezone.localdate()).days
    if days < 0:
        return ngettext("%(n)d day overdue", "%(n)d days overdue", -days) % {"n": -days}
    if days == 0:
        return _("Due today")
    if days == 1:
        return _("Due tomorrow")
    return ngettext("Due in %(n)d day", "Due in %(n)d days", days) % {"n": days}


@register.filter
def past_due(due_on: date | None) -> bool:
    """The due day is over on the viewer's calendar."""
    return due_on is not None and due_on < timezone.localdate()


@register.filter
def as_day(value: date | str | None) -> date | None:
    """A calendar day from a date or an ISO string (``"2026-12-10"``, as stored in JSON), for
    the ``date`` filter; anything else is None."""
    if isinstance(value, date) or value is None:
        return value
    try:
        return parse_date(str(value))
    except ValueError:
        return None


@register.filter
def percent(part: int | float | None, whole: int | float | None) -> int:
    if not whole:
        return 0
    return round(100 * (part or 0) / whole)


@register.filter
def as_percent(value: float | int | None, decimals: int = 0) -> str:
    """A percentage (0–100) as the active language writes it: "80%", "12,5%", "80 %"
    (core.formats.percent_format). ``{{ attempt.percent|as_percent }}``,
    ``{{ row.facility|as_percent:1 }}``."""
    return percent_format(value, int(decimals))


@register.filter
def as_percent_against(value: float | int | None, threshold: float | int | None) -> str:
    """A percentage beside a pass/fail verdict: never shown on the other side of the mark
    (core.formats.percent_against). ``{{ attempt.percent|as_percent_against:pass_mark }}``."""
    return percent_against(value, threshold)


@register.filter
def markdown(source: str | None) -> SafeString:
    """User Markdown as sanitized HTML (``core.markdown.render_markdown``), for texts that are
    not stored rendered, such as an import's preview."""
    return mark_safe(render_markdown(source or ""))  # noqa: S308 (nh3-sanitized HTML)


@register.inclusion_tag("includes/progress.html")
def progress_bar(value: int, label: str = "") -> dict[str, object]:
    value = max(0, min(100, int(value or 0)))
    return {"value": value, "label": label}
