"""The register of personal data: what each app stores about people, why, and for how long.

Each app declares its models that hold personal data in ``<app>/personal_data.py`` with
``declare(PersonalData(...))``; the ``privacy`` app discovers those modules when Django starts
(``autodiscover_modules``). From the register come docs/privacy.md (``manage.py
privacy_register``), the candidate's notice, the export of a person's data and the erasure, and
``tests/privacy`` fails when a model that refers to a person is not declared.

A declaration names:

- ``model`` and ``person``: how a row belongs to a person (a field naming a user or a
  candidate invitation, or ``"self"`` for the user and the invitation themselves);
- ``fields``: the columns with personal data (names, emails, free text, addresses);
- ``purpose`` and ``retention``: why it is kept and for how long (shown to people);
- ``on_erase``: what erasing the person does to their rows: ``delete`` them, ``anonymise``
  them (the link to the person is cut and ``fields`` are cleared; the rows stay, so the
  figures that rest on them keep their counts and values), or ``custom`` (the privacy app
  handles it: the person's own account or invitation, the audit trail);
- ``mentions``: free-text columns of *anyone's* rows that may name the person (a lead's
  notification "Aiko finished…"): erasing replaces the name and email there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Model
from django.utils.functional import Promise

OnErase = Literal["delete", "anonymise", "custom"]


@dataclass(frozen=True)
class PersonalData:
    model: type[Model]
    person: str
    fields: tuple[str, ...]
    purpose: str | Promise
    retention: str | Promise
    on_erase: OnErase
    mentions: tuple[str, ...] = ()
    candidates: bool = False  # about candidates (shown in the invitation's notice)
    exported: bool = True  # part of the person's export
    note: str | Promise = ""

    @property
    def label(self) -> str:
        return self.model._meta.label


_REGISTER: dict[str, PersonalData] = {}


def declare(*items: PersonalData) -> None:
    """Add declarations (idempotent: an app's module may be imported twice in tests)."""
    for item in items:
        _REGISTER[f"{item.label}:{item.person}"] = item


def register() -> list[PersonalData]:
    """Every declaration, by model label then person field."""
    return [_REGISTER[key] for key in sorted(_REGISTER)]


def declared_models() -> set[str]:
    return {item.label for item in _REGISTER.values()}
