"""Reads of personal data: a person's or a candidate's export.

**Export** (``person_export``): a ZIP of every row the register declares for the person (their
account, memberships, attempts, findings, notifications… — each declaration with a field
naming them), as ``data.json`` (model label → rows) and one CSV per model, with a
``README.txt`` in the person's language that says what each file holds, why it is kept and
for how long. Passwords and token hashes are never exported. A candidate's export holds their
invitation and attempts.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from assessments.models import Answer, Attempt, CandidateInvitation
from core.privacy import PersonalData, register

NEVER_EXPORTED = frozenset({"password", "key_hash", "secret_salt"})
EXPORT_MAX_ROWS = 50_000


def _rows(queryset: models.QuerySet[models.Model]) -> list[dict[str, object]]:
    fields = [f for f in queryset.model._meta.concrete_fields if f.name not in NEVER_EXPORTED]
    return [{f.name: getattr(row, f.attname) for f in fields} for row in queryset[:EXPORT_MAX_ROWS]]


def _declared_for(user: User) -> Iterable[tuple[PersonalData, list[dict[str, object]]]]:
    for item in register():
        if not item.exported or item.person == "custom" or item.candidates:
            continue
        if item.person == "self":
            rows = _rows(item.model._default_manager.filter(pk=user.pk))
        else:
            rows = _rows(item.model._default_manager.filter(**{item.person: user}))
        yield item, rows


def person_export(user: User) -> bytes:
    """``user``'s data as a ZIP (see the module's docstring)."""
    sections = list(_declared_for(user))
    answers = _rows(Answer.objects.filter(attempt__user=user))
    return _zip(sections, extra={"assessments.Answer": answers}, language=user.language)


def candidate_export(invitation: CandidateInvitation) -> bytes:
    sections = []
    for item in register():
        if not item.candidates or item.person == "custom":
            continue
        if item.person == "self":
            rows = _rows(item.model._default_manager.filter(pk=invitation.pk))
        else:
            rows = _rows(item.model._default_manager.filter(**{item.person: invitation}))
        sections.append((item, rows))
    answers = _rows(
        Answer.objects.filter(attempt__in=Attempt.objects.filter(invitation=invitation))
    )
    return _zip(sections, extra={"assessments.Answer": answers}, language=invitation.language)


def _zip(
    sections: list[tuple[PersonalData, list[dict[str, object]]]],
    *,
    extra: dict[str, list[dict[str, object]]],
    language: str,
) -> bytes:
    data: dict[str, list[dict[str, object]]] = {}
    for item, rows in sections:
        data.setdefault(item.label, [])
        seen = {json.dumps(r, cls=DjangoJSONEncoder, sort_keys=True) for r in data[item.label]}
        data[item.label] += [
            r for r in rows if json.dumps(r, cls=DjangoJSONEncoder, sort_keys=True) not in seen
        ]
    data.update(extra)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
        for label, rows in data.items():
            archive.writestr(f"{label}.csv", _csv(rows))
        with translation.override(language or None):
            archive.writestr("README.txt", _readme(sections, data))
    return buffer.getvalue()


def _csv(rows: list[dict[str, object]]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    k: json.dumps(v, cls=DjangoJSONEncoder) if isinstance(v, dict | list) else v
                    for k, v in row.items()
                }
            )
    return out.getvalue()


def _readme(
    sections: list[tuple[PersonalData, list[dict[str, object]]]],
    data: dict[str, list[dict[str, object]]],
) -> str:
    lines = [
        _("Your data in Readiness"),
        "",
        _(
            "data.json holds everything below; each CSV file holds one kind of data. Each "
            "kind says why we keep it and for how long."
        ),
        "",
    ]
    for item, _rows_of in sections:
        count = len(data.get(item.label, []))
        lines += [
            f"{item.label}.csv ({count})",
            f"  {_('Why')}: {item.purpose}",
            f"  {_('How long')}: {item.retention}",
        ]
        if count >= EXPORT_MAX_ROWS:  # bounded work: say so, never cut silently
            lines.append(
                "  "
                + ngettext(
                    "Only the first %(n)s row is here; ask an admin for the rest.",
                    "Only the first %(n)s rows are here; ask an admin for the rest.",
                    EXPORT_MAX_ROWS,
                )
                % {"n": f"{EXPORT_MAX_ROWS:,}"}
            )
        lines.append("")
    lines += [
        f"assessments.Answer.csv ({len(data.get('assessments.Answer', []))})",
        f"  {_('Why')}: {_('Your answers to quiz questions.')}",
        "",
    ]
    return "\n".join(str(line) for line in lines)


def person_export_rows(user: User) -> int:
    """How many rows ``person_export`` would hold (one count per declaration): a large export
    is built by Celery instead of in the request."""
    total = Answer.objects.filter(attempt__user=user).count()
    for item in register():
        if not item.exported or item.person in ("custom", "self") or item.candidates:
            continue
        total += item.model._default_manager.filter(**{item.person: user}).count()
    return total + 1
