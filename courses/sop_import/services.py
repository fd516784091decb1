"""Import SOPs from Word and Markdown files (issue 13): plan (the preview), then save.

``courses.sop_import.files.read_sop_upload`` reads the upload into ``SopFile`` objects without the
database. This module matches them against the SOPs already here and saves them:

- **Plan** (``sop_import_plan``, read-only, three queries whatever the number of files): each
  file is a *new* SOP (unknown slug), a *new version* of the SOP with that slug (with the
  line diff against its current published version, ``courses.diff.line_diff`` as the SOP pages
  use), or *unchanged* (the text equals the current version: importing twice changes
  nothing). Its body is rendered with ``core.markdown.render_markdown``, the sanitiser the
  learner's page uses, so the preview is what learners will see.
- **Save** (``sop_import``): all or nothing, in one transaction. A new slug creates the SOP,
  then its draft; an existing slug saves the SOP's one draft (``services.sop_draft_save``,
  which replaces a draft already there, as the admin's "add version" does). With
  ``action="publish"`` each draft is published by ``services.sop_version_publish``: the next
  number, and, when the version requires re-acknowledgement, the same after-commit task that
  assigns it to everyone who read an older version. Re-acknowledgement comes from the file's
  front matter (``requires_reack``), else from the person's choice, else no.
- **Skills**: a file's ``skills`` (skill slugs) are stored on the version it makes
  (``SOPVersion.skills``): QA findings and practice on those skills link to the SOP. The
  preview names them; unknown slugs are reported and left out. A file whose text is unchanged
  still updates the current version's skills (they describe the SOP, not its text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.selectors import user_is_admin
from core.errors import Conflict, ValidationFailed
from core.markdown import render_markdown
from core.upload_stash import upload_stash, upload_stash_drop, upload_unstash
from courses import services
from courses.diff import DiffLine, line_diff
from courses.models import SOP, SOPVersion
from courses.sop_import.files import MAX_UPLOAD_BYTES, SopFile, SopFileProblem
from skills.models import Skill

Action = Literal["draft", "publish"]
Kind = Literal["new", "version", "unchanged"]
ACTIONS: tuple[Action, ...] = ("draft", "publish")
STASH_NAMESPACE = "sop-import"


def sop_import_may(user: User) -> bool:
    """Who may import SOPs: admins, who author SOPs in the admin."""
    return bool(user.is_authenticated and user.is_active and user_is_admin(user))


@dataclass(frozen=True)
class SopPlanItem:
    file: SopFile
    kind: Kind
    html: str  # the body as learners will see it (sanitised)
    sop: SOP | None = None  # the SOP with this slug, if there is one
    current: SOPVersion | None = None  # its current published version
    has_draft: bool = False  # it already has a draft, which saving replaces
    diff: tuple[DiffLine, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def kind_label(self) -> str:
        if self.kind == "new":
            return _("new SOP")
        if self.kind == "unchanged":
            return _("unchanged")
        number = (self.current.number or 0) + 1 if self.current else 1
        return _("new version (v%(number)d)") % {"number": number}


@dataclass(frozen=True)
class SopImportPlan:
    items: tuple[SopPlanItem, ...]
    problems: tuple[SopFileProblem, ...] = ()

    @property
    def can_save(self) -> bool:
        return not self.problems and any(item.kind != "unchanged" for item in self.items)

    @property
    def has_new_versions(self) -> bool:
        return any(item.kind == "version" for item in self.items)

    @property
    def summary(self) -> str:
        counts = {kind: sum(1 for i in self.items if i.kind == kind) for kind in ("new", "version")}
        unchanged = sum(1 for i in self.items if i.kind == "unchanged")
        parts = [
            ngettext("%(n)d new SOP", "%(n)d new SOPs", counts["new"]) % {"n": counts["new"]},
            ngettext("%(n)d new version", "%(n)d new versions", counts["version"])
            % {"n": counts["version"]},
            ngettext("%(n)d unchanged", "%(n)d unchanged", unchanged) % {"n": unchanged},
        ]
        text = ", ".join(parts) + "."
        if self.problems:
            text += " " + ngettext(
                "%(n)d problem: nothing can be saved until it is fixed.",
                "%(n)d problems: nothing can be saved until they are fixed.",
                len(self.problems),
            ) % {"n": len(self.problems)}
        return text


def sop_import_plan(
    *, files: Sequence[SopFile], problems: Sequence[SopFileProblem] = ()
) -> SopImportPlan:
    """What saving ``files`` would do, with each body rendered. Writes nothing."""
    slugs = [f.slug for f in files]
    sops = {sop.slug: sop for sop in SOP.objects.filter(slug__in=slugs)}
    current: dict[int, SOPVersion] = {}
    drafts: set[int] = set()
    for version in SOPVersion.objects.filter(sop__in=list(sops.values())).order_by("number"):
        if version.status == SOPVersion.Status.DRAFT:
            drafts.add(version.sop_id)
        else:
            current[version.sop_id] = version  # ordered by number: the last one wins
    wanted_skills = {slug for f in files for slug in f.skills}
    known_skills = set(
        Skill.objects.filter(slug__in=wanted_skills).values_list("slug", flat=True)
        if wanted_skills
        else ()
    )
    items = []
    for f in files:
        sop = sops.get(f.slug)
        latest = current.get(sop.pk) if sop else None
        notes = list(f.notes)
        if f.skills:
            notes.append(_skills_note(f.skills, known_skills))
        if sop is None:
            kind: Kind = "new"
            diff: tuple[DiffLine, ...] = ()
        elif latest is not None and _same(latest.body, f.body):
            kind, diff = "unchanged", ()
        else:
            kind = "version"
            diff = tuple(line_diff(latest.body, f.body)) if latest else ()
            if sop.title != f.title:
                notes.append(
                    _("The title changes from “%(old)s” to “%(new)s” when it is published.")
                    % {"old": sop.title, "new": f.title}
                )
            if sop.pk in drafts:
                notes.append(_("The SOP's unpublished draft is replaced by this file."))
        items.append(
            SopPlanItem(
                file=f,
                kind=kind,
                html=render_markdown(f.body),
                sop=sop,
                current=latest,
                has_draft=sop is not None and sop.pk in drafts,
                diff=diff,
                notes=tuple(notes),
            )
        )
    return SopImportPlan(items=tuple(items), problems=tuple(problems))


def _same(old: str, new: str) -> bool:
    return old.strip().replace("\r\n", "\n") == new.strip().replace("\r\n", "\n")


def _skills_note(skills: Sequence[str], known: set[str]) -> str:
    unknown = [s for s in skills if s not in known]
    linked = [s for s in skills if s in known]
    note = ""
    if linked:
        note = _("Linked to the skills %(skills)s: findings and practice on them point here.") % {
            "skills": ", ".join(linked)
        }
    if unknown:
        note += (" " if note else "") + ngettext(
            "%(names)s is not a known skill and is left out.",
            "%(names)s are not known skills and are left out.",
            len(unknown),
        ) % {"names": ", ".join(unknown)}
    return note


@dataclass(frozen=True)
class SopImported:
    name: str
    sop: SOP
    kind: Kind
    version: SOPVersion | None  # None when unchanged


@dataclass(frozen=True)
class SopImportOutcome:
    action: Action
    saved: tuple[SopImported, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> int:
        return sum(1 for s in self.saved if s.version is not None)


def sop_import(
    *, user: User | None, files: Sequence[SopFile], action: Action, requires_reack: bool | None
) -> SopImportOutcome:
    """Save ``files`` as drafts, or publish them, all in one transaction (see the module).

    A file whose text equals its SOP's current version changes nothing. Re-acknowledgement:
    the file's front matter, else ``requires_reack``, else no. ``ValidationFailed`` for an
    unknown action or no files; ``Conflict`` if another import created the same slug first.
    """
    if action not in ACTIONS:
        raise ValidationFailed(
            _("Choose “draft” or “publish”."),
            field_errors={"action": [_("Choose “draft” or “publish”.")]},
        )
    if not files:
        raise ValidationFailed(
            _("There is no SOP to import."),
            field_errors={"file": [_("There is no SOP to import.")]},
        )
    try:
        with transaction.atomic():
            return SopImportOutcome(
                action=action,
                saved=tuple(
                    _import_one(user=user, file=f, action=action, requires_reack=requires_reack)
                    for f in files
                ),
            )
    except IntegrityError:
        raise Conflict(
            _("Another import created one of these SOPs at the same time. Upload the file again.")
        ) from None


def _import_one(
    *, user: User | None, file: SopFile, action: Action, requires_reack: bool | None
) -> SopImported:
    sop = SOP.objects.select_for_update().filter(slug=file.slug).first()
    created = sop is None
    if sop is None:
        sop = SOP.objects.create(slug=file.slug, title=file.title)
    current = (
        None
        if created
        else sop.versions.filter(status=SOPVersion.Status.PUBLISHED).order_by("-number").first()
    )
    skills = list(Skill.objects.filter(slug__in=file.skills)) if file.skills else None
    if current is not None and _same(current.body, file.body):
        if skills is not None:  # the skills describe the SOP, not its text
            current.skills.set(skills)
        return SopImported(name=file.name, sop=sop, kind="unchanged", version=None)
    reack = file.requires_reack if file.requires_reack is not None else bool(requires_reack)
    summary = file.change_summary or _("Imported from %(name)s.") % {"name": file.name}
    draft = services.sop_draft_save(
        sop=sop,
        body=file.body,
        change_summary=summary[:300],
        requires_reack=reack and not created,
        by=user,
        skills=skills if skills is not None else (list(current.skills.all()) if current else None),
    )
    version = draft
    if action == "publish":
        version = services.sop_version_publish(version=draft)
        if sop.title != file.title:
            sop.title = file.title
            sop.save(update_fields=["title"])
    return SopImported(
        name=file.name, sop=sop, kind="new" if created else "version", version=version
    )


# --- the upload kept between preview and confirmation ----------------------------------------


def sop_upload_stash(*, user: User, name: str, data: bytes) -> str:
    """Keep the uploaded bytes for ``user``'s confirmation (an hour); returns the token."""
    return upload_stash(
        namespace=STASH_NAMESPACE,
        user_id=user.pk,
        payload={"name": name, "data": data},
        size=len(data),
        limit=MAX_UPLOAD_BYTES,
    )


def sop_upload_unstash(*, user: User, token: str) -> tuple[str, bytes]:
    """The kept upload's name and bytes, or ``NotFound`` when it expired or is not ``user``'s."""
    payload = upload_unstash(namespace=STASH_NAMESPACE, user_id=user.pk, token=token)
    return str(payload["name"]), bytes(payload["data"])


def sop_upload_drop(*, user: User, token: str) -> None:
    upload_stash_drop(namespace=STASH_NAMESPACE, user_id=user.pk, token=token)
