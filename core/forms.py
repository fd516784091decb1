from __future__ import annotations

from django import forms

from core.errors import DomainError


def form_add_domain_error(
    form: forms.Form, exc: DomainError, *, field_map: dict[str, str] | None = None
) -> None:
    """Show a service's refusal on the form: field messages by field, the rest at the top.

    ``field_map`` renames service fields to form fields (``{"password": "password1"}``).
    """
    if not exc.field_errors:
        form.add_error(None, exc.message)
        return
    for field, messages in exc.field_errors.items():
        target = (field_map or {}).get(field, field)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


class IsoDateInput(forms.DateInput):
    """``<input type="date">``: the browser shows the day in the reader's format but reads and
    posts only ISO 8601 (``2026-12-21``), so the value is never localized ("21.12.2026" in
    Polish made the browser drop the default)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class IsoDateTimeInput(forms.DateTimeInput):
    """``<input type="datetime-local">``, whose value is ``2026-12-21T14:05`` in every
    language."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")
