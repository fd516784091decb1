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
