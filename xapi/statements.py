"""Building xAPI 1.0.3 statements from the project's events. Pure functions: no writes.

Each builder returns ``Built(key, verb, payload)``: ``key`` names the event (e.g.
``module-completed:<user>:<module>``) and the payload's ``id`` is a UUID 5 of it, so the same
event always becomes the same statement, whether it is recorded by the hook, again by a
repeated action or by ``manage.py xapi_backfill``.

Activity ids are ``{SITE_URL}/xapi/activities/<kind>/<slug>`` and never name a version: an SOP,
a module or a quiz keeps one id across versions; the version is a context extension. What is
sent and why is documented in docs/xapi.md.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils.duration import duration_iso_string
from django.utils.html import strip_tags

from accounts.models import User
from assessments.models import Answer, Attempt, CandidateInvitation, Question
from courses.models import Assignment, Lesson, Module, SOPVersion
from qa.models import TrainingRule
from readiness.models import Decision

ADL = "http://adlnet.gov/expapi/verbs/"
ACTIVITY_STREAMS = "http://activitystrea.ms/schema/1.0/"

# Verbs: ADL's where it has one; Activity Streams 1.0 (also used by the ADL registry) for the
# two it lacks. Why each was chosen is in docs/xapi.md.
VERBS: dict[str, str] = {
    "acknowledged": f"{ACTIVITY_STREAMS}acknowledge",
    "completed": f"{ADL}completed",
    "attempted": f"{ADL}attempted",
    "answered": f"{ADL}answered",
    "passed": f"{ADL}passed",
    "failed": f"{ADL}failed",
    "received": f"{ACTIVITY_STREAMS}receive",
    "retracted": f"{ACTIVITY_STREAMS}retract",
}

ACTIVITY_TYPES: dict[str, str] = {
    "sop": "http://id.tincanapi.com/activitytype/document",
    "module": "http://adlnet.gov/expapi/activities/module",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "role": "http://adlnet.gov/expapi/activities/performance",
}

DISPLAY_LANGUAGE = "en-US"


@dataclass(frozen=True)
class Built:
    key: str
    verb: str
    payload: dict[str, Any]


def site() -> str:
    return settings.SITE_URL.rstrip("/")


def statement_id(key: str) -> uuid.UUID:
    """The statement id of an event: stable for the event and distinct per deployment."""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"{site()}/xapi/statements")
    return uuid.uuid5(namespace, key)


def activity_id(kind: str, *parts: object) -> str:
    return "/".join([f"{site()}/xapi/activities/{kind}", *(str(p) for p in parts)])


def extension(name: str) -> str:
    return f"{site()}/xapi/extensions/{name}"


def timestamp(at: datetime) -> str:
    """ISO 8601 to the millisecond: xAPI 1.0.3 requires at most millisecond precision and
    ADL's validator rejects six-digit microseconds."""
    return at.isoformat(timespec="milliseconds")


def plain_text(html_text: str, *, limit: int = 200) -> str:
    """A display name from rendered Markdown: the text people read, without tags, entities
    or Markdown syntax (an LRS shows names as plain text)."""
    text = " ".join(html.unescape(strip_tags(html_text)).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _language_map(text: str) -> dict[str, str]:
    return {settings.LANGUAGE_CODE: text}


def _content_names(obj: Module | Lesson, field: str) -> dict[str, str]:
    """A translated text (django-modeltranslation's ``title_en``, ``title_pl``) as a language
    map of every language it is written in, whatever language the statement is built in."""
    names = {
        code: text
        for code, _name in settings.LANGUAGES
        if (text := getattr(obj, f"{field}_{code}", None))
    }
    return names or _language_map(str(getattr(obj, field)))


def _agent(email: str, name: str) -> dict[str, Any]:
    agent: dict[str, Any] = {"objectType": "Agent", "mbox": f"mailto:{email}"}
    if name:
        agent["name"] = name
    return agent


def actor_for_user(user: User) -> dict[str, Any]:
    return _agent(user.email, user.name)


def actor_for_candidate(invitation: CandidateInvitation) -> dict[str, Any]:
    return _agent(invitation.email, invitation.name)


def _activity(
    activity: str, *, kind: str, name: str | dict[str, str], extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    names = name if isinstance(name, dict) else _language_map(name)
    definition: dict[str, Any] = {"type": ACTIVITY_TYPES[kind], "name": names}
    definition.update(extra or {})
    return {"objectType": "Activity", "id": activity, "definition": definition}


def _statement(
    *,
    key: str,
    verb: str,
    actor: dict[str, Any],
    object_: dict[str, Any],
    at: datetime,
    result: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
) -> Built:
    payload: dict[str, Any] = {
        "id": str(statement_id(key)),
        "actor": actor,
        "verb": {"id": VERBS[verb], "display": {DISPLAY_LANGUAGE: verb}},
        "object": object_,
        "timestamp": timestamp(at),
    }
    if result:
        payload["result"] = result
    payload["context"] = {"platform": "Readiness", "language": settings.LANGUAGE_CODE}
    if context:
        payload["context"].update(context)
    return Built(key=key, verb=verb, payload=payload)


# --- SOPs, lessons, modules ---------------------------------------------------------------


def sop_acknowledged(*, user: User, version: SOPVersion, at: datetime) -> Built:
    sop = version.sop
    return _statement(
        key=f"sop-acknowledged:{user.pk}:{version.pk}",
        verb="acknowledged",
        actor=actor_for_user(user),
        object_=_activity(activity_id("sop", sop.slug), kind="sop", name=sop.title),
        at=at,
        context={"extensions": {extension("version"): version.number}},
    )


def module_activity(module: Module) -> dict[str, Any]:
    return _activity(
        activity_id("module", module.slug), kind="module", name=_content_names(module, "title")
    )


def lesson_completed(*, user: User, lesson: Lesson, at: datetime) -> Built:
    module = lesson.module
    return _statement(
        key=f"lesson-completed:{user.pk}:{lesson.pk}",
        verb="completed",
        actor=actor_for_user(user),
        object_=_activity(
            activity_id("module", module.slug, "lesson", lesson.pk),
            kind="lesson",
            name=_content_names(lesson, "title"),
        ),
        at=at,
        result={"completion": True},
        context={"contextActivities": {"parent": [module_activity(module)]}},
    )


def module_completed(*, user: User, module: Module, at: datetime) -> Built:
    return _statement(
        key=f"module-completed:{user.pk}:{module.pk}",
        verb="completed",
        actor=actor_for_user(user),
        object_=module_activity(module),
        at=at,
        result={"completion": True},
    )


def qa_assignment_made(*, assignment: Assignment, rule: TrainingRule, at: datetime) -> Built:
    """The learner received a module from a QA training rule (``assigned_by`` is the lead who
    accepted the rule's suggestion, or nobody for an automatic rule)."""
    module = assignment.module
    if module is None:  # QA rules assign modules only
        raise ValueError("A QA assignment names a module.")
    extensions: dict[str, Any] = {
        extension("assignment-source"): assignment.source,
        extension("qa-rule"): rule.name,
    }
    if assignment.due_on is not None:
        extensions[extension("due-on")] = assignment.due_on.isoformat()
    return _statement(
        key=f"assignment:{assignment.pk}",
        verb="received",
        actor=actor_for_user(assignment.user),
        object_=module_activity(module),
        at=at,
        context={"extensions": extensions},
    )


# --- readiness ----------------------------------------------------------------------------


def _english_name(role: Any) -> str:
    return str(getattr(role, "name_en", "") or role.name)


def readiness_decided(*, decision: Decision) -> Built:
    """A lead's readiness decision about a person: "passed" for ready, "failed" for not yet,
    "retracted" for a withdrawn decision; the lead is the context's instructor."""
    role = decision.criteria.role_profile
    verb = {"ready": "passed", "not_yet": "failed", "revoked": "retracted"}[decision.outcome]
    context: dict[str, Any] = {
        "extensions": {
            extension("criteria-version"): decision.version.number,
            extension("overridden"): decision.overridden,
        }
    }
    if decision.decided_by is not None:
        context["instructor"] = actor_for_user(decision.decided_by)
    result: dict[str, Any] = {}
    if decision.outcome != "revoked":
        result["success"] = decision.outcome == "ready"
    return _statement(
        key=f"readiness-decision:{decision.pk}",
        verb=verb,
        actor=actor_for_user(decision.person),
        object_=_activity(activity_id("role", role.slug), kind="role", name=_english_name(role)),
        at=decision.decided_at,
        result=result,
        context=context,
    )


# --- quizzes ------------------------------------------------------------------------------


def _quiz_activity(attempt: Attempt) -> dict[str, Any]:
    quiz = attempt.quiz
    return _activity(activity_id("quiz", quiz.slug), kind="quiz", name=quiz.title)


def _attempt_context(attempt: Attempt) -> dict[str, Any]:
    """Every statement of one attempt shares its registration (the attempt's UUID)."""
    return {
        "registration": str(attempt.pk),
        "extensions": {extension("version"): attempt.quiz_version.number},
    }


def _score(*, raw: float, maximum: float) -> dict[str, Any] | None:
    """xAPI's score; None when there is nothing to score (no points at stake: min < max)."""
    if maximum <= 0:
        return None
    scaled = raw / maximum
    return {
        "scaled": round(min(max(scaled, -1.0), 1.0), 4),
        "raw": round(raw, 4),
        "min": 0,
        "max": round(maximum, 4),
    }


def _without_none(**values: Any) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def _response(choice_ids: Iterable[int]) -> str:
    # xAPI's format for a choice interaction: ids joined by "[,]".
    return "[,]".join(str(pk) for pk in choice_ids)


# Kinds answered by typing (their "choices" are accepted answers, kept out of statements).
_TYPED_INTERACTIONS = {"short_answer": "fill-in", "numerical": "numeric"}


def _question_activity(attempt: Attempt, question: Question) -> dict[str, Any]:
    activity = activity_id("quiz", attempt.quiz.slug, "question", question.pk)
    name = plain_text(question.text_html or question.text)
    typed = _TYPED_INTERACTIONS.get(question.kind)
    if typed is not None:
        return _activity(activity, kind="question", name=name, extra={"interactionType": typed})
    choices = list(question.choices.all())
    return _activity(
        activity,
        kind="question",
        name=name,
        extra={
            "interactionType": "choice",
            "correctResponsesPattern": [_response(sorted(c.pk for c in choices if c.is_correct))],
            "choices": [{"id": str(c.pk), "description": _language_map(c.text)} for c in choices],
        },
    )


def _answer_response(answer: Answer) -> str:
    if answer.question.kind in _TYPED_INTERACTIONS:
        return str(getattr(answer, "response_text", "") or "")
    return _response(answer.choice_ids)


def attempt_statements(
    attempt: Attempt, *, actor: dict[str, Any], answers: Iterable[Answer]
) -> list[Built]:
    """A scored attempt: ``attempted`` (when it started), ``answered`` per saved answer,
    ``completed`` and ``passed`` or ``failed`` (when it was submitted), with the score
    (scaled 0..1, raw points, min 0, max points), success and the time taken."""
    quiz = _quiz_activity(attempt)
    context = _attempt_context(attempt)
    started = attempt.started_at
    submitted = attempt.submitted_at or attempt.scored_at or started
    duration = duration_iso_string(max(submitted - started, timedelta(0)))
    key = f"attempt:{attempt.pk}"
    built = [
        _statement(
            key=f"{key}:attempted",
            verb="attempted",
            actor=actor,
            object_=quiz,
            at=started,
            context=context,
        )
    ]
    for answer in answers:
        question = answer.question
        credit = answer.credit or 0.0
        built.append(
            _statement(
                key=f"answer:{answer.pk}",
                verb="answered",
                actor=actor,
                object_=_question_activity(attempt, question),
                at=answer.saved_at,
                result=_without_none(
                    response=_answer_response(answer),
                    success=credit >= 1.0,
                    score=_score(raw=credit * question.weight, maximum=question.weight),
                ),
                context={**context, "contextActivities": {"parent": [quiz]}},
            )
        )
    result = _without_none(
        score=_score(raw=attempt.score or 0.0, maximum=attempt.max_score or 0.0),
        success=bool(attempt.passed),
        completion=True,
        duration=duration,
    )
    for verb in ("completed", "passed" if attempt.passed else "failed"):
        built.append(
            _statement(
                key=f"{key}:{verb}",
                verb=verb,
                actor=actor,
                object_=quiz,
                at=submitted,
                result=result,
                context=context,
            )
        )
    return built
