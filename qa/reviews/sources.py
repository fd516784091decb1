"""QA tool sources of a team: their column mapping, defaults and webhook secret, and their
rating categories (each mapped to a skill or ignored, with its scale and pass mark)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Literal, TypedDict, Unpack, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.models import Team, User
from audit import services as audit_services
from core.errors import ValidationFailed
from qa.models import ReviewCategory, ReviewSource
from qa.reviews.mapping import ROLE_KEYS, category_key
from qa.reviews.scales import (
    DEFAULT_PASS_MARK,
    SCALE_RANGE,
    pass_mark_valid,
)
from skills.models import Skill


def webhook_secret(source: ReviewSource) -> str:
    """The source's signing secret: derived from ``SECRET_KEY`` and the source's salt, so the
    database alone never holds it."""
    digest = salted_hmac(
        "qa.review-webhook", source.secret_salt, secret=settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()
    return f"rqa_{digest}"


class SourceSettings(TypedDict, total=False):
    """A source's settings as a form or the API hands them over (``_source_clean`` checks
    them): the column mapping, the defaults and whether the webhook is on."""

    shape: str
    columns: dict[str, str]
    agent_match: str
    encoding: str
    default_scale: str
    na_values: str
    webhook_enabled: bool


class SourceFields(SourceSettings, total=False):
    name: str


def _source_clean(values: SourceFields) -> SourceFields:
    errors: dict[str, list[str]] = {}
    name = (values.get("name") or "").strip()
    if "name" in values:
        if not name:
            errors["name"] = [_("Give the source a name, such as “Zendesk QA export”.")]
        elif len(name) > 100:
            errors["name"] = [_("At most 100 characters.")]
        values["name"] = name
    choices: dict[Literal["shape", "agent_match", "encoding", "default_scale"], list[str]] = {
        "shape": ReviewSource.Shape.values,
        "agent_match": ReviewSource.AgentMatch.values,
        "encoding": ReviewSource.Encoding.values,
        "default_scale": list(SCALE_RANGE),
    }
    for key, allowed in choices.items():
        if key in values and values[key] not in allowed:
            errors[key] = [_("Choose one of: %(values)s.") % {"values": ", ".join(allowed)}]
    if "columns" in values:
        columns = values["columns"] or {}
        if not isinstance(columns, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
        ):
            errors["columns"] = [_("Map each role to a column name.")]
        else:
            unknown = sorted(set(columns) - set(ROLE_KEYS))
            if unknown:
                errors["columns"] = [
                    _("Unknown roles: %(roles)s. Use: %(known)s.")
                    % {"roles": ", ".join(unknown), "known": ", ".join(ROLE_KEYS)}
                ]
            elif any(len(v) > 200 for v in columns.values()):
                errors["columns"] = [_("Column names have at most 200 characters.")]
            else:
                values["columns"] = {k: v.strip() for k, v in columns.items() if v.strip()}
                used = list(values["columns"].values())
                if len({v.casefold() for v in used}) != len(used):
                    errors["columns"] = [_("Each column can hold one thing only.")]
    if "na_values" in values:
        values["na_values"] = (values["na_values"] or "").strip()
        if len(values["na_values"]) > 200:
            errors["na_values"] = [_("At most 200 characters.")]
    if errors:
        raise ValidationFailed(_("Some fields need attention."), field_errors=errors)
    return values


SOURCE_FIELDS = (
    "name",
    "shape",
    "columns",
    "agent_match",
    "encoding",
    "default_scale",
    "na_values",
    "webhook_enabled",
)


def review_source_create(
    *, team: Team, created_by: User, name: str, **fields: Unpack[SourceSettings]
) -> tuple[ReviewSource, str]:
    """A new source for ``team`` (from ``team_get_led``); returns it and its webhook secret,
    which is shown this once (``review_source_secret_rotate`` makes a new one)."""
    values = _source_clean(
        cast(
            SourceFields,
            {"name": name, **{k: v for k, v in fields.items() if k in SOURCE_FIELDS}},
        )
    )
    if ReviewSource.objects.filter(team=team, name__iexact=values["name"]).exists():
        raise ValidationFailed(
            _("This team already has a source with that name."),
            field_errors={"name": [_("This team already has a source with that name.")]},
        )
    try:
        with transaction.atomic():
            source = ReviewSource.objects.create(
                team=team, created_by=created_by, secret_salt=secrets.token_hex(16), **values
            )
            audit_services.record(
                actor=created_by,
                action="qa.review_source.created",
                obj=source,
                changes={"team_id": team.pk, **{key: [None, v] for key, v in values.items()}},
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            _("This team already has a source with that name."),
            field_errors={"name": [_("This team already has a source with that name.")]},
        ) from exc
    return source, webhook_secret(source)


def review_source_update(*, source: ReviewSource, **fields: Unpack[SourceFields]) -> ReviewSource:
    """Change a source's name, mapping or defaults (only the fields given)."""
    values = _source_clean(
        cast(SourceFields, {k: v for k, v in fields.items() if k in SOURCE_FIELDS})
    )
    if (
        "name" in values
        and ReviewSource.objects.filter(team_id=source.team_id, name__iexact=values["name"])
        .exclude(pk=source.pk)
        .exists()
    ):
        raise ValidationFailed(
            _("This team already has a source with that name."),
            field_errors={"name": [_("This team already has a source with that name.")]},
        )
    changes = {
        key: [getattr(source, key), value]
        for key, value in values.items()
        if getattr(source, key) != value
    }
    for key, value in values.items():
        setattr(source, key, value)
    if values:
        with transaction.atomic(savepoint=False):
            source.save(update_fields=list(values))
            if changes:
                audit_services.record(
                    actor=None, action="qa.review_source.changed", obj=source, changes=changes
                )
    return source


def review_source_secret_rotate(*, source: ReviewSource) -> str:
    """A new webhook secret (the old one stops working at once); returns it, shown once."""
    source.secret_salt = secrets.token_hex(16)
    with transaction.atomic(savepoint=False):
        source.save(update_fields=["secret_salt"])
        audit_services.record(actor=None, action="qa.review_source.secret_rotated", obj=source)
    return webhook_secret(source)


@dataclass
class CategoryInput:
    name: str
    skill: Skill | None = None
    ignored: bool = False
    scale: str | None = None
    pass_mark: float | None = None
    critical: bool = False
    weight: float = 1.0


def review_categories_save(
    *, source: ReviewSource, categories: list[CategoryInput]
) -> list[ReviewCategory]:
    """Create or change the source's categories (by name, case-insensitively): each maps to a
    skill or is ignored, with its scale, pass mark, critical flag and weight. Categories not
    named are left as they are."""
    errors: dict[str, list[str]] = {}
    rows: dict[str, ReviewCategory] = {}
    for number, item in enumerate(categories):
        name = " ".join((item.name or "").split())
        problems = []
        scale = item.scale or source.default_scale
        if not name or len(name) > 200:
            problems.append(_("Name the category (at most 200 characters)."))
        if scale not in SCALE_RANGE:
            problems.append(_("Unknown scale."))
            scale = source.default_scale
        pass_mark = item.pass_mark if item.pass_mark is not None else DEFAULT_PASS_MARK[scale]
        if not pass_mark_valid(scale, pass_mark):
            low, high = SCALE_RANGE[scale]
            problems.append(
                _("The pass mark must be above %(low)g and at most %(high)g on this scale.")
                % {"low": low, "high": high}
            )
        if not item.ignored and item.skill is None:
            problems.append(_("Choose a skill, or ignore the category."))
        if not 0 <= item.weight <= 10:
            problems.append(_("The weight is between 0 and 10."))
        if problems:
            errors[f"categories[{number}]"] = problems
            continue
        rows[category_key(name)] = ReviewCategory(
            source=source,
            name=name,
            key=category_key(name),
            skill=None if item.ignored else item.skill,
            ignored=item.ignored,
            scale=scale,
            pass_mark=pass_mark,
            critical=item.critical,
            weight=item.weight,
        )
    if errors:
        raise ValidationFailed(_("Some categories need attention."), field_errors=errors)
    if not rows:
        return []
    with transaction.atomic():
        ReviewCategory.objects.bulk_create(
            list(rows.values()),
            update_conflicts=True,
            unique_fields=["source", "key"],
            update_fields=["skill", "ignored", "scale", "pass_mark", "critical", "weight"],
        )
        audit_services.record(
            actor=None,
            action="qa.review_source.categories_changed",
            obj=source,
            changes={
                row.name: {
                    "skill_id": row.skill_id,
                    "ignored": row.ignored,
                    "scale": row.scale,
                    "pass_mark": row.pass_mark,
                    "critical": row.critical,
                    "weight": row.weight,
                }
                for row in rows.values()
            },
        )
    return list(ReviewCategory.objects.filter(source=source, key__in=list(rows)).order_by("name"))
