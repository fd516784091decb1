"""Question banks in and out: GIFT and Aiken files into a quiz's draft version, with a preview
first, and a quiz version out as GIFT.

- **Reading** (``question_bank_read``): the upload is decoded by ``core.uploads`` (UTF-8 with
  or without a BOM, UTF-16/32 with a BOM; Latin-1 is refused with its line), refused above
  ``QUESTION_IMPORT_MAX_BYTES`` (10 MB) or ``QUESTION_IMPORT_MAX_QUESTIONS`` (5,000), then
  parsed by ``assessments.formats``. Questions that can't be imported are problems with their
  line; the others import.
- **Mapping** (``question_bank_plan``): a question's ``$CATEGORY:`` path gives it skills: each
  segment of the path that is a skill's slug (``$CATEGORY: $course$/top/escalations`` tags
  ``escalations``). Other categories are only reported: every question goes into the chosen
  quiz. GIFT has no question mark (weight): imported questions weigh 1.
- **Importing** (``question_bank_import``): with ``confirm=False`` nothing is written (the
  preview); with ``confirm=True`` every new question is written in one transaction into the
  quiz's draft: its newest version if it is unpublished and nobody took it, else a new
  unpublished copy (``services.quiz_version_for_editing(unpublished=True)``), so a live quiz
  changes only when someone publishes. A question already in that version (the same kind,
  name, text, answers, weights, feedback and skills: ``content_hash``) is not imported again,
  so importing a file twice adds nothing the second time.
- **Exporting** (``question_bank_export``): a version as GIFT; ``import(export(v))`` gives the
  same questions, answers, weights, feedback and skills (``$CATEGORY:`` of its skill slugs).
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from assessments import scoring
from assessments.formats import aiken, gift
from assessments.formats.bank import ParsedAnswer, ParsedQuestion, ParseResult, Problem
from assessments.models import Choice, Question, Quiz, QuizVersion
from assessments.services import quiz_version_for_editing
from core import limits
from core.errors import ValidationFailed
from core.markdown import render_markdown
from core.upload_stash import upload_stash, upload_stash_drop, upload_unstash
from core.uploads import text_of_upload
from skills.models import Skill

FORMATS = {"gift": gift.parse, "aiken": aiken.parse}
# The settings' defaults: core.limits.GIFT (Aiken's are the same).
MAX_BYTES_DEFAULT = limits.GIFT.bytes or 0
MAX_QUESTIONS_DEFAULT = limits.GIFT.items or 0
STASH_NAMESPACE = "question-import"
ANY_OTHER_ANSWER = "*"  # a numerical question's feedback for answers outside every range


def max_bytes() -> int:
    return int(getattr(settings, "QUESTION_IMPORT_MAX_BYTES", MAX_BYTES_DEFAULT))


def max_questions() -> int:
    return int(getattr(settings, "QUESTION_IMPORT_MAX_QUESTIONS", MAX_QUESTIONS_DEFAULT))


def _refuse(message: str, field_name: str = "file") -> ValidationFailed:
    return ValidationFailed(message, field_errors={field_name: [message]})


# --- reading ----------------------------------------------------------------------------------


def question_bank_format(value: str | None, *, filename: str = "") -> str:
    """``gift`` or ``aiken``: as given, else from the file name (``.txt`` files are GIFT)."""
    fmt = (value or "").strip().lower()
    if not fmt:
        fmt = "aiken" if "aiken" in filename.lower() else "gift"
    if fmt not in FORMATS:
        raise _refuse(_("Choose GIFT or Aiken."), "format")
    return fmt


def question_bank_read(*, data: bytes, fmt: str) -> tuple[str, ParseResult]:
    """The text of an uploaded file and what it holds, or ``ValidationFailed`` (on ``file``)
    for a file that is too big, empty, not UTF-8/16/32 text, or holds too many questions."""
    limit = max_bytes()
    if len(data) > limit:
        raise _refuse(
            _("The file is %(size)s; files of up to %(limit)s can be imported.")
            % {"size": _megabytes(len(data)), "limit": _megabytes(limit)}
        )
    text = text_of_upload(data)
    return text, question_bank_parse(text=text, fmt=fmt)


def question_bank_parse(*, text: str, fmt: str) -> ParseResult:
    result = FORMATS[question_bank_format(fmt)](text)
    found = len(result.questions) + len(result.problems)
    if found > max_questions():
        raise _refuse(
            ngettext(
                "The file holds %(count)d question; at most %(limit)d can be imported at once. "
                "Split the file.",
                "The file holds %(count)d questions; at most %(limit)d can be imported at once. "
                "Split the file.",
                found,
            )
            % {"count": found, "limit": max_questions()}
        )
    if not found:
        raise _refuse(_("The file holds no questions. Is it a GIFT or Aiken file?"))
    return result


def _megabytes(size: int) -> str:
    tenths = math.ceil(size * 10 / (1024 * 1024))  # rounded up: 10 MB and 1 byte is 10.1 MB
    return _("%(n)s MB") % {"n": f"{tenths / 10:g}"}


# --- mapping ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedChoice:
    text: str
    fraction: float
    explanation: str = ""
    value: float | None = None
    tolerance: float | None = None

    @property
    def is_correct(self) -> bool:
        return self.fraction > 0


@dataclass(frozen=True)
class PlannedQuestion:
    """A question as it will be stored."""

    kind: str
    name: str
    text: str
    choices: tuple[PlannedChoice, ...]
    general_feedback: str = ""
    skills: tuple[str, ...] = ()  # slugs, sorted
    line: int = 0
    category: str = ""
    # The nth time the same question appears in one file (Moodle imports each: a {T} question
    # and the same text with {TRUE} are two questions); part of the hash from the second on.
    occurrence: int = 1

    @property
    def content_hash(self) -> str:
        return content_hash(self)

    @property
    def kind_label(self) -> str:
        return str(Question.Kind(self.kind).label)


def content_hash(question: PlannedQuestion) -> str:
    """What makes two questions the same, whatever file or line they came from."""
    content: list[object] = [
        question.kind,
        question.name,
        question.text.strip(),
        question.general_feedback,
        [
            [c.text, round(c.fraction, 4), c.explanation, c.value, c.tolerance]
            for c in question.choices
        ],
        sorted(question.skills),
    ]
    if question.occurrence > 1:  # the first keeps the hash it always had
        content.append(question.occurrence)
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class Plan:
    """What an import would do: the questions to add, those already there, the problems."""

    quiz: Quiz
    questions: tuple[PlannedQuestion, ...]
    duplicates: tuple[PlannedQuestion, ...]
    problems: tuple[Problem, ...]
    unmatched_categories: tuple[str, ...] = ()
    fmt: str = "gift"

    @property
    def summary(self) -> str:
        parts = [
            ngettext(
                "%(count)d question to import",
                "%(count)d questions to import",
                len(self.questions),
            )
            % {"count": len(self.questions)}
        ]
        if self.duplicates:
            parts.append(
                ngettext(
                    "%(count)d already in the quiz (not imported again)",
                    "%(count)d already in the quiz (not imported again)",
                    len(self.duplicates),
                )
                % {"count": len(self.duplicates)}
            )
        if self.problems:
            parts.append(
                ngettext(
                    "%(count)d skipped with a problem",
                    "%(count)d skipped with a problem",
                    len(self.problems),
                )
                % {"count": len(self.problems)}
            )
        return ", ".join(parts) + "."


def _plain(text: str, text_format: str) -> str:
    """Answers and feedback are plain text here: an HTML one loses its tags."""
    return html.unescape(strip_tags(text)).strip() if text_format == "html" else text.strip()


def _planned(
    parsed: ParsedQuestion, skills: dict[str, str]
) -> tuple[PlannedQuestion | None, Problem | None]:
    fmt = parsed.text_format
    choices = []
    for answer in parsed.answers:
        if parsed.kind == "numerical":
            choices.append(
                PlannedChoice(
                    text=_number_label(answer.value, answer.tolerance),
                    fraction=answer.fraction,
                    explanation=_plain(answer.feedback, fmt),
                    value=answer.value,
                    tolerance=answer.tolerance or 0.0,
                )
            )
        else:
            choices.append(
                PlannedChoice(
                    text=_plain(answer.text, fmt),
                    fraction=answer.fraction,
                    explanation=_plain(answer.feedback, fmt),
                )
            )
    if parsed.kind == "numerical" and parsed.wrong_feedback:
        choices.append(
            PlannedChoice(
                text=ANY_OTHER_ANSWER, fraction=0.0, explanation=_plain(parsed.wrong_feedback, fmt)
            )
        )
    problem = None
    if len(parsed.name) > 200:
        problem = _("The question name is longer than 200 characters.")
    elif any(len(choice.text) > 500 for choice in choices):
        problem = _("An answer is longer than 500 characters.")
    elif len(choices) > 100:
        problem = _("A question can have at most 100 answers.")
    if problem:
        return None, Problem(line=parsed.line, message=problem, name=parsed.name)
    tagged = sorted(
        {skills[part.strip().casefold()] for part in parsed.category.split("/")} - {""}
        if parsed.category
        else set()
    )
    return (
        PlannedQuestion(
            kind=parsed.kind,
            name=parsed.name,
            text=parsed.text.strip(),
            choices=tuple(choices),
            general_feedback=_plain(parsed.general_feedback, fmt),
            skills=tuple(tagged),
            line=parsed.line,
            category=parsed.category,
        ),
        None,
    )


def _number_label(value: float | None, tolerance: float | None) -> str:
    number = gift._number_text(value)
    return f"{number} ± {gift._number_text(tolerance)}" if tolerance else number


class _SkillSlugs(dict[str, str]):
    """Category segment (case-folded) → skill slug; a segment naming no skill maps to ""."""

    def __missing__(self, key: str) -> str:
        return ""


def _skill_slugs(categories: Iterable[str]) -> _SkillSlugs:
    segments = {part.strip().casefold() for c in categories for part in c.split("/")} - {""}
    found = _SkillSlugs()
    for slug in Skill.objects.filter(slug__in={s for s in segments if len(s) <= 50}).values_list(
        "slug", flat=True
    ):
        found[slug.casefold()] = slug
    return found


def question_bank_plan(*, quiz: Quiz, parse_result: ParseResult, fmt: str = "gift") -> Plan:
    """What importing ``parse_result`` into ``quiz`` would add (reads only)."""
    categories = {q.category for q in parse_result.questions if q.category}
    skills = _skill_slugs(categories)
    existing = _existing_hashes(_draft_source(quiz))
    questions: list[PlannedQuestion] = []
    duplicates: list[PlannedQuestion] = []
    seen: Counter[str] = Counter()
    problems = list(parse_result.problems)
    for parsed in parse_result.questions:
        planned, problem = _planned(parsed, skills)
        if problem is not None:
            problems.append(problem)
            continue
        assert planned is not None  # noqa: S101 (one of the two is set)
        if quiz.purpose == Quiz.Purpose.PRACTICE and not planned.skills:
            problems.append(
                Problem(
                    line=planned.line,
                    message=_(
                        "A practice bank's question needs a skill: put it under a "
                        "$CATEGORY: that names a skill's slug."
                    ),
                    name=planned.name,
                )
            )
            continue
        # The same question twice in one file is imported twice, as Moodle does; the file
        # imported again adds nothing, since each repeat keeps its own hash.
        seen[planned.content_hash] += 1
        if seen[planned.content_hash] > 1:
            planned = replace(planned, occurrence=seen[planned.content_hash])
        if planned.content_hash in existing:
            duplicates.append(planned)
            continue
        questions.append(planned)
    unmatched = tuple(
        sorted(
            c
            for c in categories
            if not any(skills[part.strip().casefold()] for part in c.split("/"))
        )
    )
    return Plan(
        quiz=quiz,
        questions=tuple(questions),
        duplicates=tuple(duplicates),
        problems=tuple(sorted(problems, key=lambda p: p.line)),
        unmatched_categories=unmatched,
        fmt=fmt,
    )


def _draft_source(quiz: Quiz) -> QuizVersion | None:
    """The version an import adds to, or copies: the quiz's newest."""
    return quiz.versions.order_by("-number").first()


def _existing_hashes(version: QuizVersion | None) -> set[str]:
    if version is None:
        return set()
    return {
        question.content_hash or content_hash(_planned_from_model(question))
        for question in _questions_with_answers(version)
    }


def _questions_with_answers(version: QuizVersion) -> list[Question]:
    return list(
        version.questions.order_by("position", "pk").prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "pk")),
            Prefetch("skills", queryset=Skill.objects.only("slug")),
        )
    )


def _planned_from_model(question: Question) -> PlannedQuestion:
    choices = list(question.choices.all())
    rules = [
        scoring.Rule(id=c.pk, is_correct=c.is_correct, fraction=c.fraction, text=c.text)
        for c in choices
    ]
    fractions = scoring.choice_fractions(question.kind, rules)
    return PlannedQuestion(
        kind=question.kind,
        name=question.name,
        text=question.text.strip(),
        choices=tuple(
            PlannedChoice(
                text=c.text,
                fraction=round(f, 6),
                explanation=c.explanation,
                value=c.value,
                tolerance=c.tolerance,
            )
            for c, f in zip(choices, fractions, strict=True)
        ),
        general_feedback=question.general_feedback,
        skills=tuple(sorted(skill.slug for skill in question.skills.all())),
    )


# --- importing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    plan: Plan
    saved: bool
    version: QuizVersion | None = None
    created: int = 0
    created_ids: tuple[int, ...] = field(default=())


def question_bank_import(
    *, user: User | None, quiz: Quiz, parse_result: ParseResult, confirm: bool, fmt: str = "gift"
) -> ImportOutcome:
    """Import ``parse_result`` into ``quiz``'s draft version, or only plan it.

    Guarantees: with ``confirm=False`` nothing is written. With ``confirm=True`` the new
    questions, their answers and skills are written in one transaction (all or none), under a
    lock on the quiz, so two imports of one file add its questions once; questions already in
    the draft are skipped (``content_hash``, unique per version). Nothing to add writes
    nothing, not even a new version. ``user`` is who imports (the command passes None); the
    caller checked they may (``selectors.quiz_get_for_authoring``).
    """
    if not confirm:
        return ImportOutcome(
            plan=question_bank_plan(quiz=quiz, parse_result=parse_result, fmt=fmt), saved=False
        )
    with transaction.atomic():
        Quiz.objects.select_for_update().get(pk=quiz.pk)
        plan = question_bank_plan(quiz=quiz, parse_result=parse_result, fmt=fmt)
        if not plan.questions:
            return ImportOutcome(plan=plan, saved=False, version=_draft_source(quiz))
        version = quiz_version_for_editing(quiz=quiz, unpublished=True)
        created = _create(version, plan.questions)
    return ImportOutcome(
        plan=plan,
        saved=True,
        version=version,
        created=len(created),
        created_ids=tuple(q.pk for q in created),
    )


def _create(version: QuizVersion, planned: Sequence[PlannedQuestion]) -> list[Question]:
    start = (version.questions.aggregate(n=Max("position"))["n"] or 0) + 1
    questions = Question.objects.bulk_create(
        [
            Question(
                version=version,
                position=min(start + n, 32767),
                name=item.name,
                text=item.text,
                text_html=render_markdown(item.text),
                kind=item.kind,
                weight=1.0,
                general_feedback=item.general_feedback,
                content_hash=item.content_hash,
            )
            for n, item in enumerate(planned)
        ]
    )
    Choice.objects.bulk_create(
        [
            Choice(
                question=question,
                position=number,
                text=choice.text,
                is_correct=choice.is_correct,
                fraction=choice.fraction,
                explanation=choice.explanation,
                value=choice.value,
                tolerance=choice.tolerance,
            )
            for question, item in zip(questions, planned, strict=True)
            for number, choice in enumerate(item.choices, start=1)
        ],
        batch_size=2000,
    )
    slugs = {slug for item in planned for slug in item.skills}
    skill_ids = dict(Skill.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    through = Question.skills.through
    through.objects.bulk_create(
        [
            through(question_id=question.pk, skill_id=skill_ids[slug])
            for question, item in zip(questions, planned, strict=True)
            for slug in item.skills
            if slug in skill_ids
        ],
        batch_size=2000,
    )
    return questions


# --- the preview's round trip -----------------------------------------------------------------


def question_bank_stash(*, user: User, quiz: Quiz, fmt: str, text: str) -> str:
    """Keep an uploaded file's text for its confirmation (an hour, for this user only);
    returns the token the confirmation sends back, so nobody uploads the file twice."""
    return upload_stash(
        namespace=STASH_NAMESPACE,
        user_id=user.pk,
        payload={"quiz": quiz.pk, "format": fmt, "text": text},
        size=len(text.encode()),
        limit=max_bytes() * 4,  # UTF-16 files grow when decoded: the cap
    )


def question_bank_unstash(*, user: User, token: str) -> dict[str, Any]:
    """The stashed upload, or ``NotFound`` when it expired or is not this user's."""
    return upload_unstash(namespace=STASH_NAMESPACE, user_id=user.pk, token=token)


def question_bank_unstash_done(*, user: User, token: str) -> None:
    upload_stash_drop(namespace=STASH_NAMESPACE, user_id=user.pk, token=token)


# --- exporting --------------------------------------------------------------------------------


def question_bank_export(*, version: QuizVersion) -> str:
    """The version's questions as GIFT (see the module's docstring)."""
    return gift.dump(_parsed_from_model(q) for q in _questions_with_answers(version))


EXPORT_FORMATS = ("gift", "aiken")


@dataclass(frozen=True)
class ExportFile:
    text: str
    filename: str
    left_out: int
    """Questions the format can't hold (Aiken: one right answer among plain options only)."""


def question_bank_export_file(*, version: QuizVersion, file_format: str = "gift") -> ExportFile:
    """The version as a file in ``file_format`` (``EXPORT_FORMATS``): GIFT keeps every kind;
    Aiken only single-answer questions, and says how many it left out."""
    if file_format not in EXPORT_FORMATS:
        raise ValidationFailed(
            _("Export as GIFT or Aiken."),
            field_errors={"format": [_("Choose “gift” or “aiken”.")]},
        )
    parsed = [_parsed_from_model(q) for q in _questions_with_answers(version)]
    if file_format == "aiken":
        text, left_out = aiken.dump(parsed), sum(1 for q in parsed if not aiken.writable(q))
    else:
        text, left_out = gift.dump(parsed), 0
    return ExportFile(
        text=text,
        filename=f"{version.quiz.slug}-v{version.number}.{file_format}.txt",
        left_out=left_out,
    )


def _true_first(choices: list[PlannedChoice]) -> list[PlannedChoice]:
    """A true/false question's choices with the "true" one first, as GIFT writes them."""
    names = {"true", "t", "yes", _("True").casefold()}
    index = next((n for n, c in enumerate(choices) if c.text.casefold() in names), 0)
    return [choices[index], *choices[:index], *choices[index + 1 :]]


def _parsed_from_model(question: Question) -> ParsedQuestion:
    planned = _planned_from_model(question)
    choices = list(planned.choices)
    wrong_feedback = ""
    if question.kind == Question.Kind.NUMERICAL:
        catch_all = [c for c in choices if c.value is None]
        wrong_feedback = catch_all[0].explanation if catch_all else ""
        choices = [c for c in choices if c.value is not None]
    if question.kind == Question.Kind.TRUE_FALSE:
        choices = _true_first(choices)
    return ParsedQuestion(
        kind=question.kind,  # type: ignore[arg-type]
        name=question.name,
        text=question.text.strip(),
        answers=tuple(
            ParsedAnswer(
                text=c.text,
                fraction=c.fraction,
                feedback=c.explanation,
                value=c.value,
                tolerance=c.tolerance,
            )
            for c in choices
        ),
        text_format="markdown",
        general_feedback=question.general_feedback,
        category="/".join(planned.skills),
        wrong_feedback=wrong_feedback,
    )
