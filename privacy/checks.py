"""``manage.py check``: a declaration that anonymises needs a nullable link to the person."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from core.privacy import register as personal_data


@register()
def declarations_can_be_applied(**_kwargs: Any) -> list[Error]:
    errors = []
    for item in personal_data():
        if item.on_erase != "anonymise":
            continue
        link = item.model._meta.get_field(item.person)
        if not getattr(link, "null", False):
            errors.append(
                Error(
                    f"{item.label}.{item.person} can't be anonymised: it is not nullable.",
                    id="privacy.E001",
                )
            )
    return errors
