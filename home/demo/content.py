"""Read the demo content from the data files in ``content/`` next to this module.

The demo skills, SOPs, training modules, quizzes, people, onboarding checklist and QA story are
data files; each function here returns them as plain Python data for the loaders in this
package, which create everything through the real services. ``tests/home/test_demo_content.py``
checks that the files hold together (every slug they name exists). Layout of ``content/``:

- ``sops/<slug>/v<N>.md``: one file per SOP version. The YAML front matter holds the SOP
  ``title`` and ``position`` (the SOP's place in the list, repeated in every version) and the
  version's own fields (``change_summary``, ``requires_reack``); the body is the SOP text.
- ``modules/<slug>/module.yaml`` (``position`` plus the module fields) and one
  ``NN-<lesson-slug>.md`` per lesson, with ``title`` and ``position`` (= ``NN``) as front
  matter and the lesson text as body.
- ``quizzes/<slug>.yaml``: one quiz each, with ``position`` plus the quiz fields.
- Plain YAML files for the rest (skills, role profiles, people, onboarding, ...).

``position`` only orders the items (1, 2, 3, ...); it is not part of the returned data.
Markdown bodies are returned byte for byte as written after the closing ``---`` line.

Results are cached; every call returns a fresh copy, so callers may change what they get.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

CONTENT_DIR = Path(__file__).parent / "content"

_FENCE = "---"
_SOP_VERSION_FILE = re.compile(r"v(?P<number>[1-9][0-9]*)\.md")
_LESSON_FILE = re.compile(r"(?P<number>[0-9]{2,})-[a-z0-9]+(?:-[a-z0-9]+)*\.md")

_T = TypeVar("_T")

# (email, name, is admin, role in the demo team or None)
Person = tuple[str, str, bool, str | None]
# (due offset days, kind, title, link slug, description)
ChecklistStep = tuple[int, str, str, str, str]
# (email, start this many days ago, titles of the steps already done)
Plan = tuple[str, int, list[str]]
# (name, skill, criterion, module, threshold N, window W, cooldown C, due D days, mode)
Rule = tuple[str, str | None, str, str, int, int, int, int, str]


class ContentError(ValueError):
    """A data file is missing something or is laid out wrongly."""


def _fresh(function: Callable[[], _T]) -> Callable[[], _T]:
    """Cache ``function``'s result and hand every caller its own deep copy of it."""
    cached = functools.cache(function)

    @functools.wraps(function)
    def wrapper() -> _T:
        return copy.deepcopy(cached())

    return wrapper


# ---------------------------------------------------------------------------
# File helpers
# ---------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _yaml_file(path: Path) -> Any:
    try:
        return yaml.safe_load(_read_text(path))
    except yaml.YAMLError as error:
        raise ContentError(f"{path}: {error}") from error


def _mapping(value: Any, where: Path | str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ContentError(f"{where}: expected a mapping, got {type(value).__name__}")
    return value


def _sequence(value: Any, where: Path | str) -> list[Any]:
    if not isinstance(value, list):
        raise ContentError(f"{where}: expected a list, got {type(value).__name__}")
    return value


def _load_mapping(name: str) -> dict[str, Any]:
    path = CONTENT_DIR / name
    return _mapping(_yaml_file(path), path)


def _load_list(name: str) -> list[Any]:
    path = CONTENT_DIR / name
    return _sequence(_yaml_file(path), path)


def front_matter_split(text: str, where: Path | str = "<text>") -> tuple[dict[str, Any], str]:
    """Split Markdown with YAML front matter into ``(front matter, body)``.

    The text must start with a ``---`` line; the front matter runs to the next ``---`` line
    and the body is everything after that line, returned exactly as written (a ``---`` line
    inside the body, such as a Markdown rule, is left alone).
    """
    opening = _FENCE + "\n"
    if not text.startswith(opening):
        raise ContentError(f"{where}: must start with a '{_FENCE}' front matter line")
    closing = "\n" + _FENCE + "\n"
    end = text.find(closing, len(opening) - 1)
    if end != -1:
        meta_text, body = text[len(opening) : end + 1], text[end + len(closing) :]
    elif text.endswith("\n" + _FENCE):
        meta_text, body = text[len(opening) : -len(_FENCE)], ""
    else:
        raise ContentError(f"{where}: front matter has no closing '{_FENCE}' line")
    try:
        meta = yaml.safe_load(meta_text) if meta_text.strip() else {}
    except yaml.YAMLError as error:
        raise ContentError(f"{where}: {error}") from error
    return _mapping(meta, where), body


def _markdown_file(path: Path) -> tuple[dict[str, Any], str]:
    return front_matter_split(_read_text(path), path)


def _position(meta: dict[str, Any], where: Path) -> int:
    position = meta.get("position")
    if type(position) is not int:
        raise ContentError(f"{where}: needs an integer 'position'")
    return position


def _in_order(items: list[tuple[int, _T]], where: Path) -> list[_T]:
    """Sort ``(position, item)`` pairs; the positions must be exactly 1, 2, ..., n."""
    items = sorted(items, key=lambda pair: pair[0])
    positions = [position for position, _item in items]
    if positions != list(range(1, len(items) + 1)):
        raise ContentError(f"{where}: positions must be 1 to {len(items)}, got {positions}")
    return [item for _position, item in items]


def _subdirectories(path: Path) -> list[Path]:
    return sorted(child for child in path.iterdir() if child.is_dir())


def _without_position(meta: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in meta.items() if key != "position"}


# ---------------------------------------------------------------------------
# Skills and role profiles
# ---------------------------------------------------------------------------


@_fresh
def skills() -> list[dict[str, Any]]:
    """``{slug, name, description}`` per skill.

    From ``content/skills.yaml``.
    """
    return [_mapping(item, "skills.yaml") for item in _load_list("skills.yaml")]


@_fresh
def role_profiles() -> list[dict[str, Any]]:
    """The career ladder,
    ``{slug, name, description, targets: {skill slug: level}}`` per profile.

    From ``content/role_profiles.yaml``.
    """
    return [_mapping(item, "role_profiles.yaml") for item in _load_list("role_profiles.yaml")]


# ---------------------------------------------------------------------------
# SOPs, modules and quizzes
# ---------------------------------------------------------------------------


def _sop(directory: Path) -> tuple[int, dict[str, Any]]:
    numbered: list[tuple[int, tuple[dict[str, Any], str]]] = []
    for path in sorted(directory.glob("*.md")):
        match = _SOP_VERSION_FILE.fullmatch(path.name)
        if match is None:
            raise ContentError(f"{path}: SOP version files are named v<N>.md")
        numbered.append((int(match["number"]), _markdown_file(path)))
    if not numbered:
        raise ContentError(f"{directory}: no SOP version files (v1.md, ...)")
    ordered = _in_order(numbered, directory)
    first_meta = ordered[0][0]
    title, position = first_meta.get("title"), _position(first_meta, directory / "v1.md")
    language = first_meta.get("language", "en")
    versions = []
    for number, (meta, body) in enumerate(ordered, start=1):
        where = directory / f"v{number}.md"
        if (
            meta.get("title") != title
            or _position(meta, where) != position
            or meta.get("language", "en") != language
        ):
            raise ContentError(f"{where}: title, position and language must match v1.md")
        fields = {
            key: value
            for key, value in meta.items()
            if key not in ("title", "position", "language")
        }
        versions.append({"body": body, **fields})
    sop = {"slug": directory.name, "title": title, "language": language, "versions": versions}
    return position, sop


@_fresh
def sops() -> list[dict[str, Any]]:
    """``{slug, title, language, versions}`` per SOP (``language``: front matter, default
    ``en``, the same in every version), each version ``{body, change_summary,
    requires_reack}``, oldest first.

    From ``content/sops/<slug>/v<N>.md``.
    """
    directory = CONTENT_DIR / "sops"
    return _in_order([_sop(path) for path in _subdirectories(directory)], directory)


def _lesson(path: Path) -> tuple[int, dict[str, Any]]:
    match = _LESSON_FILE.fullmatch(path.name)
    if match is None:
        raise ContentError(f"{path}: lesson files are named NN-<lesson-slug>.md")
    meta, body = _markdown_file(path)
    position = _position(meta, path)
    if position != int(match["number"]):
        raise ContentError(f"{path}: position {position} does not match the file name")
    return position, {**_without_position(meta), "body": body}


def _module(directory: Path) -> tuple[int, dict[str, Any]]:
    path = directory / "module.yaml"
    meta = _mapping(_yaml_file(path), path)
    lessons = _in_order([_lesson(lesson) for lesson in sorted(directory.glob("*.md"))], directory)
    # A lesson's texts in another language: ``<language>/NN-<lesson-slug>.md``, the same file
    # names as the module's own lessons, each lesson then ``{..., "pl": {title, body}}``.
    for translated in _subdirectories(directory):
        names = sorted(p.name for p in translated.glob("*.md"))
        if names != sorted(p.name for p in directory.glob("*.md")):
            raise ContentError(f"{translated}: needs a file for each lesson of the module, by name")
        texts = _in_order([_lesson(p) for p in sorted(translated.glob("*.md"))], translated)
        for lesson, text in zip(lessons, texts, strict=True):
            if not text.get("title") or not text["body"].strip():
                raise ContentError(f"{translated}: every lesson needs its title and text")
            lesson[translated.name] = {"title": text["title"], "body": text["body"]}
    module = {"slug": directory.name, **_without_position(meta), "lessons": lessons}
    return _position(meta, path), module


@_fresh
def modules() -> list[dict[str, Any]]:
    """``{slug, title, summary, skills,
    estimated_minutes, sops, lessons}`` per training module, each lesson ``{title, body}``.

    From ``content/modules/<slug>/module.yaml`` and its ``NN-<lesson-slug>.md`` files.
    """
    directory = CONTENT_DIR / "modules"
    return _in_order([_module(path) for path in _subdirectories(directory)], directory)


def _quiz(path: Path) -> tuple[int, dict[str, Any]]:
    meta = _mapping(_yaml_file(path), path)
    return _position(meta, path), {"slug": path.stem, **_without_position(meta)}


@_fresh
def quizzes() -> list[dict[str, Any]]:
    """One dict per quiz with its settings,
    ``review``, ``bands`` and ``questions`` (text, kind, weight, skills and ``choices`` of
    ``{text, correct, explanation}``).

    From ``content/quizzes/<slug>.yaml``.
    """
    directory = CONTENT_DIR / "quizzes"
    return _in_order([_quiz(path) for path in sorted(directory.glob("*.yaml"))], directory)


def _quiz_translation(
    path: Path, quiz: dict[str, Any], *, with_bands: bool = True
) -> dict[str, Any]:
    """A translation file, checked to have the quiz's shape: a text per question and option,
    in the same order, and a label and message per band (a practice bank has no bands)."""
    meta = _mapping(_yaml_file(path), path)
    if not meta.get("title"):
        raise ContentError(f"{path}: needs a 'title'")
    if not with_bands:
        meta.setdefault("bands", [])
    bands = _sequence(meta.get("bands"), f"{path}: bands")
    questions = _sequence(meta.get("questions"), f"{path}: questions")
    if len(bands) != len(quiz["bands"]) or len(questions) != len(quiz["questions"]):
        raise ContentError(f"{path}: needs as many bands and questions as the quiz")
    for number, (question, original) in enumerate(
        zip(questions, quiz["questions"], strict=True), start=1
    ):
        choices = _sequence(_mapping(question, path).get("choices"), f"{path}: question {number}")
        if len(choices) != len(original["choices"]) or not question.get("text"):
            raise ContentError(f"{path}: question {number} needs its text and every option")
        if not all(_mapping(choice, path).get("text") for choice in choices):
            raise ContentError(f"{path}: question {number}: every option needs a text")
    return meta


@_fresh
def quiz_translations() -> dict[str, dict[str, dict[str, Any]]]:
    """Quiz slug -> language -> ``{title, description, bands: [{label, message}], questions:
    [{text, choices: [{text, explanation}]}]}``, in the order of the quiz's own file.

    From ``content/quizzes/<language>/<slug>.yaml``.
    """
    by_slug = {quiz["slug"]: quiz for quiz in quizzes()}
    translations: dict[str, dict[str, dict[str, Any]]] = {}
    for directory in _subdirectories(CONTENT_DIR / "quizzes"):
        for path in sorted(directory.glob("*.yaml")):
            if path.stem not in by_slug:
                raise ContentError(f"{path}: no quiz '{path.stem}' to translate")
            translated = _quiz_translation(path, by_slug[path.stem])
            translations.setdefault(path.stem, {})[directory.name] = translated
    return translations


def _practice_bank(path: Path) -> tuple[int, dict[str, Any]]:
    meta = _mapping(_yaml_file(path), path)
    if meta.get("skill") != path.stem:
        raise ContentError(f"{path}: 'skill' must be the file name ({path.stem})")
    for number, question in enumerate(_sequence(meta.get("questions"), path), start=1):
        question = _mapping(question, path)
        if not question.get("text") or not _sequence(question.get("choices"), path):
            raise ContentError(f"{path}: question {number} needs a text and choices")
    bank = {
        **_without_position(meta),
        **_BANK_SETTINGS,
        "slug": f"practice-{path.stem}",
        "module": None,
        "bands": [],
        "questions": [
            {**question, "weight": 1, "skills": [path.stem]} for question in meta["questions"]
        ],
    }
    return _position(meta, path), bank


# A practice bank is never taken: these settings only let its version be published and its
# answers shown in practice.
_BANK_SETTINGS: dict[str, Any] = {
    "time_limit_minutes": None,
    "grace_seconds": 30,
    "attempts_allowed": 0,
    "pass_percent": 0,
    "shuffle_questions": False,
    "shuffle_choices": False,
    "review": {"when": "immediately", "score": True, "correctness": True, "explanations": True},
}


@_fresh
def practice_banks() -> list[dict[str, Any]]:
    """One dict per practice bank (a bank per skill), shaped as ``quizzes()``'s (the settings
    of ``_BANK_SETTINGS``, no bands, each question weighing 1 on the bank's skill), with its
    ``skill``, each question's ``sop`` and each choice's optional ``fraction``, and
    ``translations: {language: {title, description, questions: [{text, choices: [{text,
    explanation}]}]}}``; ``slug`` is ``practice-<skill>``.

    From ``content/practice/<skill>.yaml`` and ``content/practice/<language>/<skill>.yaml``
    (the same shape as a quiz translation, without bands).
    """
    directory = CONTENT_DIR / "practice"
    banks = _in_order(
        [_practice_bank(path) for path in sorted(directory.glob("*.yaml"))], directory
    )
    by_skill = {bank["skill"]: bank for bank in banks}
    for bank in banks:
        bank["translations"] = {}
    for language_dir in _subdirectories(directory):
        for path in sorted(language_dir.glob("*.yaml")):
            if path.stem not in by_skill:
                raise ContentError(f"{path}: no practice bank '{path.stem}' to translate")
            bank = by_skill[path.stem]
            texts = _quiz_translation(path, {**bank, "bands": []}, with_bands=False)
            bank["translations"][language_dir.name] = texts
    return banks


# ---------------------------------------------------------------------------
# People and learners
# ---------------------------------------------------------------------------


@_fresh
def demo_team() -> str:
    """The team name.

    From ``content/people.yaml``.
    """
    return str(_load_mapping("people.yaml")["team"])


@_fresh
def demo_people() -> list[Person]:
    """``(email, name, is admin, role in the demo team)`` per person.

    The role is the plain value (``"lead"``, ``"member"`` or ``None``), which compares equal
    to ``Membership.Role.LEAD`` and ``Membership.Role.MEMBER``.

    From ``content/people.yaml``.
    """
    people = _sequence(_load_mapping("people.yaml")["people"], "people.yaml: people")
    return [
        (person["email"], person["name"], person["admin"], person["team_role"])
        for person in (_mapping(item, "people.yaml: people") for item in people)
    ]


@_fresh
def demo_languages() -> dict[str, str]:
    """Email -> profile language, for the people whose ``language`` is given (the others
    keep the default, English).

    From ``content/people.yaml``.
    """
    people = _sequence(_load_mapping("people.yaml")["people"], "people.yaml: people")
    return {
        person["email"]: str(person["language"])
        for person in (_mapping(item, "people.yaml: people") for item in people)
        if person.get("language")
    }


@_fresh
def demo_role_profiles() -> dict[str, str]:
    """Email
    -> slug of the role profile the person is measured against.

    From ``content/learners.yaml`` (``learner_profiles``).
    """
    return dict(_mapping(_load_mapping("learners.yaml")["learner_profiles"], "learners.yaml"))


@_fresh
def demo_early_reads() -> dict[str, list[str]]:
    """Email ->
    slugs of the SOPs the person acknowledged in version 1.

    From ``content/learners.yaml`` (``early_sop_reads``).
    """
    return dict(_mapping(_load_mapping("learners.yaml")["early_sop_reads"], "learners.yaml"))


# ---------------------------------------------------------------------------
# Onboarding
# ---------------------------------------------------------------------------


def _onboarding() -> dict[str, Any]:
    return _load_mapping("onboarding.yaml")


@_fresh
def new_agent_template() -> str:
    """The
    name of the new-agent checklist template.

    From ``content/onboarding.yaml`` (``template.name``).
    """
    return str(_mapping(_onboarding()["template"], "onboarding.yaml: template")["name"])


@_fresh
def new_agent_template_description() -> str:
    """The description of the new-agent checklist template.

    From ``content/onboarding.yaml`` (``template.description``).
    """
    return str(_mapping(_onboarding()["template"], "onboarding.yaml: template")["description"])


@_fresh
def new_agent_steps() -> list[ChecklistStep]:
    """``(due offset days, kind, title, link slug, description)`` per checklist step.

    From ``content/onboarding.yaml`` (``steps``).
    """
    steps = _sequence(_onboarding()["steps"], "onboarding.yaml: steps")
    return [
        (step["due_offset_days"], step["kind"], step["title"], step["link"], step["description"])
        for step in (_mapping(item, "onboarding.yaml: steps") for item in steps)
    ]


@_fresh
def demo_plans() -> list[Plan]:
    """``(email, start this many days ago, titles of the steps already done)`` per plan.

    From ``content/onboarding.yaml`` (``plans``).
    """
    plans = _sequence(_onboarding()["plans"], "onboarding.yaml: plans")
    return [
        (plan["agent"], plan["started_days_ago"], list(plan["done"]))
        for plan in (_mapping(item, "onboarding.yaml: plans") for item in plans)
    ]


@_fresh
def more_checklists() -> list[dict[str, Any]]:
    """Checklist templates in other languages, each ``{language, template: {name,
    description}, steps: [ChecklistStep], plans: [Plan], signoff_comment}`` (steps and plans
    as ``new_agent_steps`` and ``demo_plans`` give them).

    From ``content/onboarding_<language>.yaml``.
    """
    checklists = []
    for path in sorted(CONTENT_DIR.glob("onboarding_*.yaml")):
        data = _mapping(_yaml_file(path), path)
        steps = _sequence(data["steps"], f"{path.name}: steps")
        plans = _sequence(data["plans"], f"{path.name}: plans")
        checklists.append(
            {
                "language": path.stem.removeprefix("onboarding_"),
                "template": _mapping(data["template"], f"{path.name}: template"),
                "steps": [
                    (s["due_offset_days"], s["kind"], s["title"], s["link"], s["description"])
                    for s in (_mapping(item, f"{path.name}: steps") for item in steps)
                ],
                "plans": [
                    (p["agent"], p["started_days_ago"], list(p["done"]))
                    for p in (_mapping(item, f"{path.name}: plans") for item in plans)
                ],
                "signoff_comment": str(data["signoff_comment"]),
            }
        )
    return checklists


@_fresh
def demo_plan_signoff_comment() -> str:
    """What the lead writes when signing off a done ``lead_signoff`` step.

    From ``content/onboarding.yaml`` (``signoff_comment``).
    """
    return str(_onboarding()["signoff_comment"])


# ---------------------------------------------------------------------------
# Assignments, QA and candidates
# ---------------------------------------------------------------------------


@_fresh
def demo_assignments() -> list[dict[str, Any]]:
    """The manual assignments, one dict each: ``agent``, exactly one of ``module`` / ``sop``
    / ``quiz`` (slug; the other two are ``None``), ``due_in_days`` (calendar days from the
    day the demo is loaded; negative is overdue), ``reason``, ``assigned_by`` (email) and
    ``lessons_read`` (lessons of the module already read).

    From ``content/assignments.yaml``.
    """
    assignments = []
    for item in _load_list("assignments.yaml"):
        entry = _mapping(item, "assignments.yaml")
        targets = {kind: entry.get(kind) for kind in ("module", "sop", "quiz")}
        if sum(target is not None for target in targets.values()) != 1:
            raise ContentError(f"assignments.yaml: {entry}: needs exactly one of module/sop/quiz")
        assignments.append(
            {
                "agent": entry["agent"],
                **targets,
                "due_in_days": entry["due_in_days"],
                "reason": entry["reason"],
                "assigned_by": entry["assigned_by"],
                "lessons_read": entry.get("lessons_read", 0),
            }
        )
    return assignments


@_fresh
def demo_rules() -> list[Rule]:
    """``(name, skill, criterion, module, N, W, C, D, mode)`` per training rule, where N is the
    threshold, W the window, C the cooldown and D the due time, in days.

    From ``content/rules.yaml``.
    """
    return [
        (
            rule["name"],
            rule["skill"],
            rule["criterion"],
            rule["module"],
            rule["threshold"],
            rule["window_days"],
            rule["cooldown_days"],
            rule["due_days"],
            rule["mode"],
        )
        for rule in (_mapping(item, "rules.yaml") for item in _load_list("rules.yaml"))
    ]


@_fresh
def demo_findings() -> list[dict[str, Any]]:
    """``{agent, interaction_ref, criterion, skill, severity, days_ago, note,
    reviewer}`` per QA finding, in the order the demo records them.

    From ``content/findings.yaml``.
    """
    return [_mapping(item, "findings.yaml") for item in _load_list("findings.yaml")]


@_fresh
def demo_quiz_attempts() -> list[dict[str, Any]]:
    """``{agent, quiz, correct_every}`` per attempt the demo submits.

    From ``content/quiz_attempts.yaml``.
    """
    return [_mapping(item, "quiz_attempts.yaml") for item in _load_list("quiz_attempts.yaml")]


@_fresh
def demo_candidate() -> str:
    """The
    demo candidate's email.

    From ``content/candidate.yaml`` (``email``).
    """
    return str(_load_mapping("candidate.yaml")["email"])


@_fresh
def demo_candidate_invitations() -> list[dict[str, Any]]:
    """Every demo candidate's invitation, ``{email, name, quiz, invited_by,
    expires_in_days, language}`` (``language`` empty: the quiz's own): the outside
    candidate first, then the ones under ``more``.

    From ``content/candidate.yaml``.
    """
    main = _load_mapping("candidate.yaml")
    more = _sequence(main.pop("more", []), "candidate.yaml: more")
    return [
        {"language": "", **invitation}
        for invitation in [main, *(_mapping(item, "candidate.yaml: more") for item in more)]
    ]


@_fresh
def demo_readiness() -> dict[str, Any]:
    """Readiness criteria per role, and the demo's attempts, acknowledgements, sign-offs and
    decisions that put each agent in a different state on the lead's board.

    From ``content/readiness.yaml``.
    """
    return _load_mapping("readiness.yaml")
