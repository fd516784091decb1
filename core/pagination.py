from typing import Any

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``{count, next, previous, results}``; ``?page=N`` and ``?page_size=N`` (at most 200)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def page_envelope(self, results: Any, **extra: Any) -> dict[str, Any]:
        """The page as ``get_paginated_response`` answers it, with ``extra`` after
        ``results``, for an Output serializer that renders a page with fields of its own."""
        if self.page is None:
            raise RuntimeError("Call paginate_queryset first.")
        return {
            "count": self.page.paginator.count,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": results,
            **extra,
        }
