"""Search, filters and pages for the lists of the pages, one mechanism for all of them.

A view describes its list (which fields the search box looks in, which filters it offers)
and calls :func:`listing`; the template includes ``includes/listing_filters.html`` above a
``<div id="…-results">`` that includes the view's partial with ``includes/listing_pager.html``.
The filter lives in the URL (``?q=…&status=…&page=2``), so a filtered list can be shared and
the browser's back button works; with htmx, the form and the pager swap only the results and
push the URL (``hx-push-url``). Without JavaScript every control is a plain link or GET form.

Query counts stay constant: a search and the filters are ``WHERE`` clauses, the paginator adds
one ``COUNT`` and the page one ``SELECT`` (plus the view's own prefetches).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise

from core import limits

PAGE_SIZE = 25
MAX_QUERY_LENGTH = limits.QUERY_STRING.chars or 0  # an alias of core.limits.QUERY_STRING
PAGER_WINDOW = 2  # pages shown either side of the current one


@dataclass(frozen=True)
class Filter:
    """One ``<select>`` of a list: ``apply(queryset, value)`` narrows it for a known value."""

    name: str
    label: str | Promise
    choices: Sequence[tuple[str, str | Promise]]
    apply: Callable[[QuerySet[Any], str], QuerySet[Any]]
    any_label: str | Promise = ""


@dataclass
class BoundFilter:
    name: str
    label: str | Promise
    choices: Sequence[tuple[str, str | Promise]]
    value: str
    any_label: str | Promise


@dataclass
class Listing:
    """What a list template needs: the page, the search text, the filters with their values,
    the query string without the page (for the pager and the CSV link) and the pager's pages."""

    page: Page[Any]
    q: str
    filters: list[BoundFilter]
    query: str  # urlencoded search and filters, without ``page``
    path: str
    target: str
    search_label: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return self.page.paginator.count

    @property
    def is_filtered(self) -> bool:
        return bool(self.q or any(f.value for f in self.filters) or self.extra)

    @property
    def clear_url(self) -> str:
        return self.path

    def page_url(self, number: int) -> str:
        query = f"{self.query}&page={number}" if self.query else f"page={number}"
        return f"{self.path}?{query}"

    @property
    def pages(self) -> list[dict[str, Any]]:
        """The pager's entries: numbers near the current page, the first and last, and gaps."""
        current = self.page.number
        last = self.page.paginator.num_pages
        shown = sorted(
            {1, last, *range(max(1, current - PAGER_WINDOW), min(last, current + PAGER_WINDOW) + 1)}
        )
        entries: list[dict[str, Any]] = []
        previous = 0
        for number in shown:
            if number - previous > 1:
                entries.append({"gap": True})
            entries.append(
                {"number": number, "url": self.page_url(number), "current": number == current}
            )
            previous = number
        return entries

    @property
    def previous_url(self) -> str:
        return self.page_url(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.page_url(self.page.next_page_number()) if self.page.has_next() else ""


def search_query(text: str, fields: Iterable[str]) -> Q:
    """Every word of ``text`` must be in one of ``fields`` (case-insensitive ``icontains``)."""
    words = text.split()[:8]
    fields = list(fields)
    return reduce(
        lambda acc, word: acc & reduce(or_, (Q(**{f"{f}__icontains": word}) for f in fields)),
        words,
        Q(),
    )


def listing(
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    search_fields: Sequence[str] = (),
    filters: Sequence[Filter] = (),
    per_page: int = PAGE_SIZE,
    target: str = "list-results",
    search_label: str = "",
    keep: Sequence[str] = (),
) -> Listing:
    """Apply ``?q=`` (over ``search_fields``) and each filter's value to ``queryset`` and take
    the page ``?page=`` of the result (an out-of-range or bad page gives the nearest one).

    Unknown filter values are ignored, never an error: a shared link to a filter that no longer
    exists shows the whole list. ``keep`` names other parameters the view reads itself that
    the pager must carry along.
    """
    # NUL can't be stored or compared in PostgreSQL text: dropped, like surrounding space.
    q = (
        request.GET.get("q", "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
        if search_fields
        else ""
    )
    if q:
        queryset = queryset.filter(search_query(q, search_fields))
    bound = []
    params: list[tuple[str, str]] = [("q", q)] if q else []
    for spec in filters:
        value = request.GET.get(spec.name, "")
        if value not in {choice for choice, _label in spec.choices}:
            value = ""
        if value:
            queryset = spec.apply(queryset, value)
            params.append((spec.name, value))
        bound.append(BoundFilter(spec.name, spec.label, spec.choices, value, spec.any_label))
    extra = {}
    for name in keep:
        value = request.GET.get(name, "")[:MAX_QUERY_LENGTH]
        if value:
            extra[name] = value
            params.append((name, value))
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    return Listing(
        page=page,
        q=q,
        filters=bound,
        query=urlencode(params),
        path=request.path,
        target=target,
        search_label=search_label,
        extra=extra,
    )


def render_listing(
    request: HttpRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    *,
    target: str = "list-results",
) -> HttpResponse:
    """The whole page, or only the list's partial when htmx asks for the results region."""
    htmx = getattr(request, "htmx", None)
    # htmx restoring a page from history (cache miss) needs the whole page
    if htmx and htmx.target == target and not htmx.history_restore_request:
        response = render(request, partial, context)
    else:
        response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
