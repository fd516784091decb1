"""Checks a statement against the xAPI 1.0.3 rules this app relies on (xAPI-Data.md, §2.4).

Not a full conformance suite: it checks what a statement built here could get wrong, so a bug
shows up in tests and in the outbox (as a "failed" row with the reason), not as a rejection by
the LRS. ``statement_problems`` returns every problem found, each with its JSON path.

Checked: the required properties (actor, verb, object; ids on verbs and activities), no
properties outside the spec, IRIs (absolute, with a scheme, no spaces), UUIDs, an Agent with
exactly one identifier and ``mbox`` as ``mailto:`` plus a valid address, language maps keyed by
language tags, ISO 8601 timestamps with a time zone and durations, and scores (``scaled`` in
[-1, 1], ``min`` < ``max``, ``raw`` between them).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

STATEMENT_KEYS = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
AGENT_KEYS = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}
IDENTIFIERS = ("mbox", "mbox_sha1sum", "openid", "account")
ACTIVITY_KEYS = {"objectType", "id", "definition"}
DEFINITION_KEYS = {
    "name",
    "description",
    "type",
    "moreInfo",
    "extensions",
    "interactionType",
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
}
INTERACTION_TYPES = {
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
}
RESULT_KEYS = {"score", "success", "completion", "response", "duration", "extensions"}
SCORE_KEYS = {"scaled", "raw", "min", "max"}
CONTEXT_KEYS = {
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
}
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
# RFC 5646 language tag, in the shape xAPI's language maps use (en, en-US, zh-Hant-TW, und).
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
# ISO 8601 duration (xAPI-Data.md 4.6: at least one part; seconds may be fractional).
_DURATION = re.compile(
    r"^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?"
    r"(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$"
)


def statement_problems(statement: Any) -> list[str]:
    problems: list[str] = []
    if not isinstance(statement, dict):
        return ["statement: must be an object"]
    _keys(statement, STATEMENT_KEYS, "statement", problems)
    for required in ("actor", "verb", "object"):
        if required not in statement:
            problems.append(f"statement.{required}: required")
    if "id" in statement:
        _uuid(statement["id"], "statement.id", problems)
    if "actor" in statement:
        _agent(statement["actor"], "statement.actor", problems)
    if "verb" in statement:
        _verb(statement["verb"], "statement.verb", problems)
    if "object" in statement:
        _object(statement["object"], "statement.object", problems)
    if "result" in statement:
        _result(statement["result"], "statement.result", problems)
    if "context" in statement:
        _context(statement["context"], "statement.context", problems)
    if "timestamp" in statement:
        _timestamp(statement["timestamp"], "statement.timestamp", problems)
    return problems


def _keys(value: dict[str, Any], allowed: set[str], path: str, problems: list[str]) -> None:
    for key in sorted(set(value) - allowed):
        problems.append(f"{path}.{key}: not an xAPI property")


def _object_at(value: Any, path: str, problems: list[str]) -> bool:
    if isinstance(value, dict):
        return True
    problems.append(f"{path}: must be an object")
    return False


def is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(_SCHEME.match(value))


def _iri(value: Any, path: str, problems: list[str]) -> None:
    if not is_iri(value):
        problems.append(f"{path}: must be an absolute IRI, got {value!r}")


def _uuid(value: Any, path: str, problems: list[str]) -> None:
    try:
        if not isinstance(value, str) or str(uuid.UUID(value)) != value.lower():
            raise ValueError(value)
    except ValueError:
        problems.append(f"{path}: must be a UUID, got {value!r}")


def _language_map(value: Any, path: str, problems: list[str]) -> None:
    if not _object_at(value, path, problems):
        return
    for tag, text in value.items():
        if not _LANGUAGE_TAG.match(tag):
            problems.append(f"{path}: {tag!r} is not a language tag")
        if not isinstance(text, str):
            problems.append(f"{path}.{tag}: must be a string")


def _extensions(value: Any, path: str, problems: list[str]) -> None:
    if not _object_at(value, path, problems):
        return
    for key in value:
        _iri(key, f"{path} key", problems)


def _agent(value: Any, path: str, problems: list[str]) -> None:
    if not _object_at(value, path, problems):
        return
    _keys(value, AGENT_KEYS, path, problems)
    if value.get("objectType", "Agent") != "Agent":
        problems.append(f"{path}.objectType: must be 'Agent'")
    found = [key for key in IDENTIFIERS if key in value]
    if len(found) != 1:
        problems.append(f"{path}: needs exactly one of {', '.join(IDENTIFIERS)}")
    if "name" in value and not isinstance(value["name"], str):
        problems.append(f"{path}.name: must be a string")
    if "mbox" in value:
        mbox = value["mbox"]
        address = mbox[len("mailto:") :] if isinstance(mbox, str) else ""
        try:
            if not isinstance(mbox, str) or not mbox.startswith("mailto:"):
                raise ValidationError("no mailto")
            validate_email(address)
        except ValidationError:
            problems.append(f"{path}.mbox: must be 'mailto:' and an email address, got {mbox!r}")
    if "account" in value:
        account = value["account"]
        if _object_at(account, f"{path}.account", problems):
            _iri(account.get("homePage"), f"{path}.account.homePage", problems)
            if not isinstance(account.get("name"), str):
                problems.append(f"{path}.account.name: required string")


def _verb(value: Any, path: str, problems: list[str]) -> None:
    if not _object_at(value, path, problems):
        return
    _keys(value, {"id", "display"}, path, problems)
    _iri(value.get("id"), f"{path}.id", problems)
    if "display" in value:
        _language_map(value["display"], f"{path}.display", problems)


def _activity(value: Any, path: str, problems: list[str]) -> None:
    if not _object_at(value, path, problems):
        return
    _keys(value, ACTIVITY_KEYS, path, problems)
    if value.get("objectType", "Activity") != "Activity":
        problems.append(f"{path}.objectType: must be 'Activity'")
    _iri(value.get("id"), f"{path}.id", problems)
    definition = value.get("definition")
    if definition is None:
        return
    where = f"{path}.definition"
    if not _object_at(definition, where, problems):
        return
    _keys(definition, DEFINITION_KEYS, where, problems)
    for name in ("name", "description"):
        if name in definition:
            _language_map(definition[name], f"{where}.{name}", problems)
    for name in ("type", "moreInfo"):
        if name in definition:
            _iri(definition[name], f"{where}.{name}", problems)
    if "extensions" in definition:
        _extensions(definition["extensions"], f"{where}.extensions", problems)
    if "interactionType" in definition:
        if definition["interactionType"] not in INTERACTION_TYPES:
            problems.append(f"{where}.interactionType: unknown {definition['interactionType']!r}")
        pattern = definition.get("correctResponsesPattern", [])
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            problems.append(f"{where}.correctResponsesPattern: must be a list of strings")
        for n, component in enumerate(definition.get("choices", [])):
            at = f"{where}.choices[{n}]"
            if _object_at(component, at, problems):
                if not isinstance(component.get("id"), str) or not component["id"]:
                    problems.append(f"{at}.id: required string")
                _language_map(component.get("description", {}), f"{at}.description", problems)
    elif {"choices", "correctResponsesPattern"} & set(definition):
        problems.append(f"{where}: interaction properties need an interactionType")


def _object(value: Any, path: str, problems: list[str]) -> None:
    if not _object_at(value, path, problems):
        return
    if value.get("objectType", "Activity") != "Activity":
        problems.append(f"{path}.objectType: this app sends only Activities")
        return
    _activity(value, path, problems)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _result(value: Any, path: str, problems: list[str]) -> None:
    if not _object_at(value, path, problems):
        return
    _keys(value, RESULT_KEYS, path, problems)
    for flag in ("success", "completion"):
        if flag in value and not isinstance(value[flag], bool):
            problems.append(f"{path}.{flag}: must be true or false")
    if "response" in value and not isinstance(value["response"], str):
        problems.append(f"{path}.response: must be a string")
    if "duration" in value and not (
        isinstance(value["duration"], str) and _DURATION.match(value["duration"])
    ):
        problems.append(f"{path}.duration: must be an ISO 8601 duration, got {value['duration']!r}")
    if "extensions" in value:
        _extensions(value["extensions"], f"{path}.extensions", problems)
    if "score" in value:
        _score(value["score"], f"{path}.score", problems)


def _score(value: Any, path: str, problems: list[str]) -> None:
    if not _object_at(value, path, problems):
        return
    _keys(value, SCORE_KEYS, path, problems)
    for name in SCORE_KEYS & set(value):
        if not _number(value[name]):
            problems.append(f"{path}.{name}: must be a number")
            return
    if "scaled" in value and not -1 <= value["scaled"] <= 1:
        problems.append(f"{path}.scaled: must be between -1 and 1, got {value['scaled']}")
    low, high, raw = value.get("min"), value.get("max"), value.get("raw")
    if low is not None and high is not None and not low < high:
        problems.append(f"{path}: min must be less than max")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        problems.append(f"{path}.raw: must be between min and max")


def _context(value: Any, path: str, problems: list[str]) -> None:
    if not _object_at(value, path, problems):
        return
    _keys(value, CONTEXT_KEYS, path, problems)
    if "registration" in value:
        _uuid(value["registration"], f"{path}.registration", problems)
    if "instructor" in value:
        _agent(value["instructor"], f"{path}.instructor", problems)
    for name in ("platform", "revision", "language"):
        if name in value and not isinstance(value[name], str):
            problems.append(f"{path}.{name}: must be a string")
    if "language" in value and not _LANGUAGE_TAG.match(str(value["language"])):
        problems.append(f"{path}.language: {value['language']!r} is not a language tag")
    if "extensions" in value:
        _extensions(value["extensions"], f"{path}.extensions", problems)
    activities = value.get("contextActivities")
    if activities is None:
        return
    where = f"{path}.contextActivities"
    if not _object_at(activities, where, problems):
        return
    _keys(activities, CONTEXT_ACTIVITY_KEYS, where, problems)
    for name, listed in activities.items():
        for n, activity in enumerate(listed if isinstance(listed, list) else [listed]):
            _activity(activity, f"{where}.{name}[{n}]", problems)


def _timestamp(value: Any, path: str, problems: list[str]) -> None:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        problems.append(f"{path}: must be an ISO 8601 time with a time zone, got {value!r}")
        return
    fraction = re.search(r"T\d\d:\d\d:\d\d\.(\d+)", value)
    if fraction and len(fraction.group(1)) > 3:  # as ADL's validator: milliseconds at most
        problems.append(f"{path}: at most millisecond precision, got {value!r}")
