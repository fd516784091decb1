"""Writes for training: SOP drafts and publishing, acknowledgements, lesson and module progress,
and assignments. Completing work closes the matching open assignments here, in one place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.calendar import local_today
from accounts.models import User
from assessments import selectors as assessments_selectors
from assessments.hooks import AttemptScored, AttemptsScored
from assessments.models import Quiz, QuizVersionTranslation
from audit import services as audit_services
from core.errors import Conflict, NotFound, ValidationFailed
from core.formats import percent_against, percent_format
from core.markdown import render_markdown
from core.tasks import enqueue_on_commit
from courses import hooks
from courses.models import (
    SOP,
    Assignment,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
    SOPAcknowledgement,
    SOPVersion,
)
from courses.selectors import AssignmentTarget
from notifications.services import NotificationDraft, notify, notify_many
from skills import selectors as skills_selectors
from skills import services as skills_services
from skills.models import Skill, SkillEvidence

# --- SOPs -------------------------------------------------------------------------------------


def sop_draft_save(
    *,
    sop: SOP,
    body: str,
    change_summary: str,
    requires_reack: bool = False,
    by: User | None = None,
    skills: Sequence[Skill] | None = None,
    reack_scope: str = SOPVersion.ReackScope.EVERYONE,
) -> SOPVersion:
    """Create or update the SOP's one draft; its HTML is rendered now, once. ``skills``: the
    skills it teaches (None: a draft's stay, a new draft takes the current version's);
    ``reack_scope``: who must re-read it."""
    errors: dict[str, list[str]] = {}
    if not body.strip():
        errors["body"] = [_("Write the SOP text.")]
    if not change_summary.strip():
        errors["change_summary"] = [_("Say in one line what changed.")]
    if reack_scope not in SOPVersion.ReackScope.values:
        errors["reack_scope"] = [_("Choose who must re-read it.")]
    if errors:
        raise ValidationFailed(_("Some fields need attention."), field_errors=errors)
    draft = sop.versions.filter(status=SOPVersion.Status.DRAFT).first()
    if draft is None:
        draft = SOPVersion(sop=sop, created_by=by)
        if skills is None:  # a new version teaches what the last one taught, unless told
            current = sop.versions.filter(status=SOPVersion.Status.PUBLISHED).order_by("-number")
            skills = list(Skill.objects.filter(sop_versions__in=current[:1]))
    draft.body = body
    draft.body_html = render_markdown(body)
    draft.change_summary = change_summary.strip()
    draft.requires_reack = requires_reack
    draft.reack_scope = reack_scope
    draft.save()
    if skills is not None:
        draft.skills.set(skills)
    return draft


@transaction.atomic
def sop_version_publish(*, version: SOPVersion) -> SOPVersion:
    """Publish a draft as the SOP's next number. If it requires re-acknowledgement, a task
    (after commit) assigns it to everyone who read an older version."""
    SOP.objects.select_for_update().get(pk=version.sop_id)  # serialise numbering per SOP
    version = SOPVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_published:
        return version
    last = version.sop.versions.aggregate(n=Max("number"))["n"] or 0
    version.number = last + 1
    version.status = SOPVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.body_html = render_markdown(version.body)
    version.save(update_fields=["number", "status", "published_at", "body_html"])
    audit_services.record(
        actor=None,
        action="sop.published",
        obj=version,
        changes={"number": [None, version.number], "requires_reack": version.requires_reack},
    )
    if version.requires_reack and version.number > 1:
        enqueue_on_commit("courses.sop_reack_assign", version.pk)
    return version


def sop_acknowledge(*, user: User, version: SOPVersion) -> tuple[SOPAcknowledgement, bool]:
    """Record that ``user`` read ``version`` (any published version, also a superseded one).

    Closes the user's open assignments for this SOP that this version satisfies (same or later
    than the version they ask for). Returns ``(acknowledgement, created)``; repeating is harmless.
    """
    if not version.is_published:
        raise NotFound(_("SOP version not found."))
    with transaction.atomic():
        ack, created = SOPAcknowledgement.objects.get_or_create(user=user, sop_version=version)
        at = ack.acknowledged_at if created else timezone.now()  # read again: now
        Assignment.objects.filter(
            user=user, sop_id=version.sop_id, status=Assignment.Status.OPEN
        ).filter(Q(sop_version__isnull=True) | Q(sop_version__number__lte=version.number)).update(
            status=Assignment.Status.COMPLETED, completed_at=at
        )
        hooks.sop_acknowledged.send(hooks.SopAcknowledged(user=user, version=version, at=at))
    return ack, created


def sop_reack_assign(*, version_id: int) -> int:
    """Give a re-acknowledgement assignment for ``version`` to everyone who acknowledged an
    older version of its SOP, or completed a module pinned to one, unless they already read
    this version or later. Idempotent: a second run creates nothing. Returns how many were new.
    """
    version = (
        SOPVersion.objects.select_related("sop")
        .filter(pk=version_id, status=SOPVersion.Status.PUBLISHED, requires_reack=True)
        .first()
    )
    if version is None or version.number is None:
        return 0
    older = SOPVersion.objects.filter(sop_id=version.sop_id, number__lt=version.number)
    readers = SOPAcknowledgement.objects.filter(sop_version__in=older).values("user_id")
    learners = ModuleCompletion.objects.filter(module__sop_versions__in=older).values("user_id")
    up_to_date = SOPAcknowledgement.objects.filter(
        sop_version__sop_id=version.sop_id, sop_version__number__gte=version.number
    ).values("user_id")
    user_ids = list(
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=readers) | Q(pk__in=learners))
        .exclude(pk__in=up_to_date)
        .values_list("pk", flat=True)
    )
    if version.reack_scope == SOPVersion.ReackScope.BELOW_TARGET and user_ids:
        skill_ids = list(version.skills.values_list("pk", flat=True))
        if skill_ids:  # without skills, nobody can be shown at target: everyone re-reads
            at_target = skills_selectors.users_at_target(user_ids=user_ids, skill_ids=skill_ids)
            user_ids = [pk for pk in user_ids if pk not in at_target]
    if not user_ids:
        SOPVersion.objects.filter(pk=version.pk).update(reack_assigned_at=timezone.now())
        return 0
    reason = _("“%(title)s” changed (version %(number)s): %(summary)s") % {
        "title": version.sop.title,
        "number": version.number,
        "summary": version.change_summary,
    }
    # Set by the system, not by a person: a day on the calendar of settings.TIME_ZONE.
    due_on = local_today(None) + timedelta(days=settings.SOP_REACK_DUE_DAYS)
    with transaction.atomic():
        # An open assignment for an older version now asks for this one.
        Assignment.objects.filter(
            user_id__in=user_ids, sop_id=version.sop_id, status=Assignment.Status.OPEN
        ).filter(Q(sop_version__isnull=True) | Q(sop_version__number__lt=version.number)).update(
            sop_version=version, reason=reason[:300]
        )
        created = _assignments_bulk_ensure(
            user_ids=user_ids,
            kind=Assignment.Kind.SOP,
            sop=version.sop,
            sop_version=version,
            source=Assignment.Source.SOP_CHANGE,
            reason=reason,
            due_on=due_on,
            assigned_by=None,
        )
        # Someone who acknowledged this version while we were assigning is already done.
        Assignment.objects.filter(
            sop_id=version.sop_id, sop_version=version, status=Assignment.Status.OPEN
        ).filter(
            user_id__in=SOPAcknowledgement.objects.filter(
                sop_version__sop_id=version.sop_id, sop_version__number__gte=version.number
            ).values("user_id")
        ).update(status=Assignment.Status.COMPLETED, completed_at=timezone.now())
        SOPVersion.objects.filter(pk=version.pk).update(reack_assigned_at=timezone.now())
        enqueue_on_commit("courses.sop_reack_notify", version.pk)
    return len(created)


def sop_reack_notify(*, version_id: int) -> int:
    """Put a bell notification (and an email for those who want one) in front of everyone
    whose open assignment asks them to re-read ``version``. One notification per person and
    version (its key), so a second run creates nothing. Returns how many were new."""
    version = SOPVersion.objects.select_related("sop").filter(pk=version_id).first()
    if version is None or version.number is None:
        return 0
    people = User.objects.filter(
        is_active=True,
        assignments__sop_version=version,
        assignments__status=Assignment.Status.OPEN,
    ).distinct()
    url = reverse("courses:sop", args=[version.sop.slug])
    new = 0
    for person in people:
        _notification, created = notify(
            user=person,
            key=f"sop-reread:{version.pk}:{person.pk}",
            kind="sop_reread",
            title=_("Please re-read “%(title)s” (version %(number)s)")
            % {"title": version.sop.title, "number": version.number},
            body=version.change_summary,
            url=url,
            email=person.email_notifications,
        )
        new += created
    return new


def sop_reack_sweep(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Enqueue re-acknowledgement for published versions whose task never ran (the broker was
    down at publish time, or the worker died). Returns how many were enqueued."""

    pending = list(
        SOPVersion.objects.filter(
            status=SOPVersion.Status.PUBLISHED,
            requires_reack=True,
            number__gt=1,
            reack_assigned_at__isnull=True,
            published_at__lt=timezone.now() - older_than,
        ).values_list("pk", flat=True)[:100]
    )
    for version_id in pending:
        enqueue_on_commit("courses.sop_reack_assign", version_id)
    return len(pending)


# --- modules ----------------------------------------------------------------------------------


def lesson_save(*, lesson: Lesson) -> Lesson:
    """Save a lesson with its Markdown rendered once, in each language it is written in (a
    language without a text shows the English one)."""
    for code, _name in settings.LANGUAGES:
        body = getattr(lesson, f"body_{code}", None)
        setattr(lesson, f"body_html_{code}", render_markdown(body) if body else "")
    lesson.save()
    return lesson


def lesson_complete(*, user: User, lesson: Lesson) -> LessonProgress:
    if not lesson.module.is_published:
        raise NotFound(_("Lesson not found."))
    with transaction.atomic():
        progress, created = LessonProgress.objects.get_or_create(user=user, lesson=lesson)
        if created:
            hooks.lesson_completed.send(
                hooks.LessonCompleted(user=user, lesson=lesson, at=progress.completed_at)
            )
    return progress


def module_complete(*, user: User, module: Module, via_quiz: bool = False) -> ModuleCompletion:
    """Mark ``module`` done for ``user`` and close their open assignments for it.

    Needs every lesson read; a module with a completion quiz is completed only by passing it
    (``via_quiz=True``, called by the assessments app). Repeating is harmless.
    """
    if not module.is_published:
        raise NotFound(_("Module not found."))
    if not via_quiz:
        if module.completion_quiz is not None and module.completion_quiz.is_published:
            raise Conflict(_("Pass the module quiz to complete this module."))
        total = module.lessons.count()
        done = LessonProgress.objects.filter(user=user, lesson__module=module).count()
        if done < total:
            raise Conflict(
                _("Finish the lessons first: %(done)s of %(total)s done.")
                % {"done": done, "total": total}
            )
    with transaction.atomic():
        completion, created = ModuleCompletion.objects.get_or_create(user=user, module=module)
        # Done again (a module assigned again after the first completion): this completion
        # happened now, not when the module was first done, so its assignments say now.
        at = completion.completed_at if created else timezone.now()
        Assignment.objects.filter(user=user, module=module, status=Assignment.Status.OPEN).update(
            status=Assignment.Status.COMPLETED, completed_at=at
        )
        if created:
            _module_evidence(user=user, module=module, at=at)
        hooks.module_completed.send(hooks.ModuleCompleted(user=user, module=module, at=at))
    return completion


# --- assignments ------------------------------------------------------------------------------


def _target_filter(
    *, module: Module | None, sop: SOP | None, quiz_id: int | None = None
) -> dict[str, Module | SOP | int | None]:
    if module is not None:
        return {"module": module}
    if sop is not None:
        return {"sop": sop}
    return {"quiz_id": quiz_id}


def _assignments_bulk_ensure(
    *,
    user_ids: Sequence[int],
    kind: str,
    module: Module | None = None,
    sop: SOP | None = None,
    quiz_id: int | None = None,
    sop_version: SOPVersion | None = None,
    source: str,
    reason: str,
    due_on: date | None,
    assigned_by: User | None,
) -> list[Assignment]:
    """Create the missing open assignments for ``user_ids``; return only the new ones.

    The partial unique constraints (one open assignment per user and target) make a race or a
    second run create nothing.
    """
    target = _target_filter(module=module, sop=sop, quiz_id=quiz_id)
    existing = set(
        Assignment.objects.filter(
            user_id__in=user_ids, status=Assignment.Status.OPEN, **target
        ).values_list("user_id", flat=True)
    )
    new = [
        Assignment(
            user_id=user_id,
            kind=kind,
            sop_version=sop_version,
            source=source,
            reason=reason[:300],
            due_on=due_on,
            assigned_by=assigned_by,
            **target,
        )
        for user_id in user_ids
        if user_id not in existing
    ]
    if not new:
        return []
    Assignment.objects.bulk_create(new, ignore_conflicts=True)
    created = list(
        Assignment.objects.filter(
            user_id__in=[a.user_id for a in new],
            status=Assignment.Status.OPEN,
            source=source,
            **target,
        ).exclude(user_id__in=existing)
    )
    return created


def assignment_ensure(
    *,
    user: User,
    module: Module | None = None,
    sop: SOP | None = None,
    quiz_id: int | None = None,
    source: str,
    reason: str = "",
    due_on: date | None = None,
    assigned_by: User | None = None,
) -> tuple[Assignment, bool]:
    """The user's open assignment for this module, SOP or quiz, created if missing (no
    permission check: for the system's own rules: onboarding, QA rules, quiz results)."""
    if sum(target is not None for target in (module, sop, quiz_id)) != 1:
        raise ValidationFailed(_("Choose a module, an SOP or a quiz."))
    kind = (
        Assignment.Kind.MODULE
        if module is not None
        else Assignment.Kind.SOP
        if sop is not None
        else Assignment.Kind.QUIZ
    )
    sop_version = _sop_current_version(sop) if sop is not None else None
    target = _target_filter(module=module, sop=sop, quiz_id=quiz_id)
    with transaction.atomic():
        created = _assignments_bulk_ensure(
            user_ids=[user.pk],
            kind=kind,
            module=module,
            sop=sop,
            quiz_id=quiz_id,
            sop_version=sop_version,
            source=source,
            reason=reason,
            due_on=due_on,
            assigned_by=assigned_by,
        )
    if created:
        return created[0], True
    return Assignment.objects.get(user=user, status=Assignment.Status.OPEN, **target), False


def _sop_current_version(sop: SOP) -> SOPVersion | None:
    return sop.versions.filter(status=SOPVersion.Status.PUBLISHED).order_by("-number").first()


def assignments_assign(
    *,
    assigned_by: User,
    users: Sequence[User],
    target: AssignmentTarget,
    due_on: date | None,
    reason: str = "",
) -> list[tuple[Assignment, bool]]:
    """A lead (or admin) assigns a module, an SOP or a quiz to people in the teams they lead.

    ``users`` come from ``selectors.assignees_get`` (people the lead manages) and ``target``
    from ``selectors.assignment_target_get``. ``due_on`` is a calendar day, the same for
    everyone; a day already past on the assigner's own calendar is ``ValidationFailed`` (today
    is allowed).
    Someone who already has the same open assignment keeps it: it is returned with
    ``created=False``, not duplicated, and is not notified again. Each new assignment is
    notified to its person (``assignments_notify``), in a number of statements that does not
    depend on how many people there are.
    """
    if due_on is not None and due_on < local_today(assigned_by):
        raise ValidationFailed(
            _("The due date is in the past."),
            field_errors={"due_on": [_("The due date is in the past.")]},
        )
    if not users:
        raise ValidationFailed(
            _("Choose at least one person."),
            field_errors={"users": [_("Choose at least one person.")]},
        )
    user_ids = sorted({user.pk for user in users})
    quiz_id = target.quiz.pk if target.quiz is not None else None
    with transaction.atomic():
        created = _assignments_bulk_ensure(
            user_ids=user_ids,
            kind=target.kind,
            module=target.module,
            sop=target.sop,
            quiz_id=quiz_id,
            sop_version=target.sop_version,
            source=Assignment.Source.MANUAL,
            reason=reason.strip() or _("Assigned by your lead"),
            due_on=due_on,
            assigned_by=assigned_by,
        )
        _assignments_audit(assigned_by=assigned_by, users=users, target=target, created=created)
        target_obj = target.module or target.sop or target.quiz
        assignments_notify(
            assignments=created,
            people=users,
            assigned_by=assigned_by,
            target=target_obj,
            body=reason.strip(),
        )
    created_ids = {a.pk for a in created}
    everyone = Assignment.objects.filter(
        user_id__in=user_ids,
        status=Assignment.Status.OPEN,
        **_target_filter(module=target.module, sop=target.sop, quiz_id=quiz_id),
    ).select_related("user", "module", "sop", "quiz")
    return [(a, a.pk in created_ids) for a in sorted(everyone, key=lambda a: a.user_id)]


ASSIGNED_KIND = "training_assigned"
"""The notification of an assignment a person (a lead) gave; its title is rendered in the
reader's language from its ``params`` (``notifications.selectors.notification_title``)."""


def assignments_notify(
    *,
    assignments: Sequence[Assignment],
    people: Sequence[User],
    assigned_by: User,
    target: Module | SOP | Quiz | None,
    body: str = "",
) -> None:
    """Tell each person of ``assignments`` (new ones, all for the one ``target``) that
    ``assigned_by`` gave it to them: one notification per assignment (its key), written in one
    ``INSERT`` in the caller's transaction, so a repeat or a retry creates nothing twice and a
    rolled-back assignment leaves no notification. The emails of those who want them are sent
    by ``notifications.notifications_send_emails``, enqueued once the assignments commit (and
    swept every few minutes if the broker was down). ``people`` holds the assignees (no query
    for them)."""
    by_id = {person.pk: person for person in people}
    url = reverse("courses:my_training")
    titles = _titles_in(target, {by_id[a.user_id].language for a in assignments})
    drafts = []
    for assignment in assignments:
        person = by_id[assignment.user_id]
        params = {
            "title": titles.get(person.language, titles.get("", "")),
            "person": assigned_by.name or assigned_by.email,
            "due": assignment.due_on.isoformat() if assignment.due_on else "",
        }
        drafts.append(
            NotificationDraft(
                user_id=person.pk,
                key=f"assignment-new:{assignment.pk}",
                kind=ASSIGNED_KIND,
                # stored as a fallback; pages and emails render it in the reader's language
                title=_("New training: “%(title)s” (assigned by %(person)s)") % params,
                body=body,
                url=url,
                email=person.email_notifications,
                params=params,
            )
        )
    notify_many(drafts)
    if any(draft.email for draft in drafts):
        enqueue_on_commit("notifications.notifications_send_emails")


def _titles_in(target: Module | SOP | Quiz | None, languages: set[str]) -> dict[str, str]:
    """The target's title in each of ``languages`` (a module's translation, a quiz's current
    version's; an SOP is written in one language), and under ``""`` in the active one. At
    most one query per language, for a quiz."""
    titles: dict[str, str] = {}
    for language in {*languages, ""}:
        if isinstance(target, Quiz):
            titles[language] = (
                Quiz.objects.filter(pk=target.pk)
                .annotate(shown=assessments_selectors.quiz_title_shown(language=language or None))
                .values_list("shown", flat=True)
                .first()
                or target.title
            )
        elif target is not None:
            with translation.override(language or translation.get_language()):
                titles[language] = str(target.title)
    return titles


def _assignments_audit(
    *,
    assigned_by: User,
    users: Sequence[User],
    target: AssignmentTarget,
    created: list[Assignment],
) -> None:
    """One audit event per new assignment, all in one INSERT."""
    target_obj = target.module or target.sop or target.quiz
    title = str(getattr(target_obj, "title", "") or "")
    emails = {user.pk: user.email for user in users}
    audit_services.record_many(
        actor=assigned_by,
        entries=[
            audit_services.Entry(
                action="assignment.created",
                obj=assignment,
                label=f"{title} → {emails.get(assignment.user_id, assignment.user_id)}",
                changes={
                    "user_id": assignment.user_id,
                    "kind": assignment.kind,
                    "target_id": target_obj.pk if target_obj is not None else None,
                    "due_on": assignment.due_on,
                },
            )
            for assignment in created
        ],
    )


def _assignment_label(assignment: Assignment) -> str:
    """The label "title → person", from what is loaded already (the audit trail reads nothing)."""
    title = next(
        (
            str(getattr(assignment, name).title)
            for name in ("module", "sop", "quiz")
            if getattr(assignment, f"{name}_id") and getattr(Assignment, name).is_cached(assignment)
        ),
        f"#{assignment.pk}",
    )
    person = assignment.user.email if Assignment.user.is_cached(assignment) else assignment.user_id
    return f"{title} → {person}"


def assignment_cancel(*, assignment: Assignment) -> Assignment:
    """Cancel an open assignment (idempotent; finished ones stay as they are)."""
    with transaction.atomic(savepoint=False):
        cancelled = Assignment.objects.filter(
            pk=assignment.pk, status=Assignment.Status.OPEN
        ).update(status=Assignment.Status.CANCELLED, cancelled_at=timezone.now())
        if cancelled:
            audit_services.record(
                actor=None,
                action="assignment.cancelled",
                obj=assignment,
                label=_assignment_label(assignment),
                changes={"status": [Assignment.Status.OPEN, Assignment.Status.CANCELLED]},
            )
    assignment.refresh_from_db()
    return assignment


def assignment_complete(*, assignment: Assignment, user: User) -> Assignment:
    """The assignee completes their assignment by doing the work it names.

    A module needs its lessons read (or its quiz passed); an SOP is acknowledged in its current
    version. ``Conflict`` when the work is not done or the assignment is not open.
    """
    if assignment.user_id != user.pk:
        raise NotFound(_("Assignment not found."))
    if assignment.status != Assignment.Status.OPEN:
        raise Conflict(
            _("This assignment is %(status)s.")
            % {"status": assignment.get_status_display().lower()}
        )
    if assignment.quiz_id:
        raise Conflict(_("A quiz assignment is completed by passing the quiz."))
    if assignment.module_id:
        module_complete(user=user, module=assignment.module)  # type: ignore[arg-type]
    elif assignment.sop_id:
        version = _sop_current_version(assignment.sop)  # type: ignore[arg-type]
        if version is None:
            raise Conflict(_("This SOP has no published version yet."))
        sop_acknowledge(user=user, version=version)
    assignment.refresh_from_db()
    return assignment


# --- after a quiz ------------------------------------------------------------------------------

FOLLOW_UP_DUE = timedelta(days=7)
WEAK_SKILL = 0.5


def quiz_follow_up(event: AttemptsScored) -> None:
    """What training follows scored quizzes (subscribed to ``assessments.attempts_scored``),
    for a whole scoring batch with a few statements, not a few per attempt.

    Passed: the user's open assignments for the quiz close, and a module's completion quiz
    completes the module. Failed: the module is assigned again, or for a quiz of its own, the
    modules teaching the skills where the attempt earned under half the credit (at most 3).
    """
    items = [item for item in event.items if item.attempt.user is not None]
    if not items:  # candidates get no assignments
        return
    module_of = {
        module.completion_quiz_id: module
        for module in Module.objects.filter(
            completion_quiz_id__in={item.attempt.quiz_id for item in items}, is_published=True
        )
    }
    closing: dict[tuple[int, datetime], list[int]] = defaultdict(list)
    for item in items:
        if item.attempt.passed:
            closing[(item.attempt.quiz_id, item.at)].append(item.attempt.user_id)  # type: ignore[arg-type]
    for (quiz_id, at), user_ids in closing.items():
        Assignment.objects.filter(
            user_id__in=user_ids, quiz_id=quiz_id, status=Assignment.Status.OPEN
        ).update(status=Assignment.Status.COMPLETED, completed_at=at)
    for item in items:
        module = module_of.get(item.attempt.quiz_id)
        if item.attempt.passed and module is not None:  # a module's own quiz: rarer, per attempt
            module_complete(user=item.attempt.user, module=module, via_quiz=True)  # type: ignore[arg-type]
    failed = [item for item in items if not item.attempt.passed]
    teaching = _modules_teaching(
        {
            skill_id
            for item in failed
            if item.attempt.quiz_id not in module_of
            for skill_id in _weak_skills(item.skill_credits)
        }
    )
    # the reason is written in each learner's language, naming the quiz as they took it (one
    # query, only when an attempt was taken in a translation)
    translated = {
        item.attempt.quiz_version_id
        for item in failed
        if item.attempt.language != item.attempt.quiz_version.language
    }
    titles = (
        {
            (version_id, language): title
            for version_id, language, title in QuizVersionTranslation.objects.filter(
                version_id__in=translated
            ).values_list("version_id", "language", "title")
        }
        if translated
        else {}
    )
    assign: dict[tuple[Module, str, date], list[int]] = defaultdict(list)
    for item in failed:
        attempt = item.attempt
        module = module_of.get(attempt.quiz_id)
        if module is not None:
            modules = [module]
        else:
            weak = _weak_skills(item.skill_credits)
            modules = [m for m, skill_ids in teaching if skill_ids & weak]
        title = titles.get((attempt.quiz_version_id, attempt.language)) or attempt.quiz.title
        with translation.override(attempt.user.language or None):  # type: ignore[union-attr]
            reason = _follow_up_reason(item, title)
        due_on = local_today(attempt.user) + FOLLOW_UP_DUE
        for follow_up in modules[:3]:
            assign[(follow_up, reason, due_on)].append(attempt.user_id)  # type: ignore[arg-type]
    for (module, reason, due_on), user_ids in assign.items():
        _assignments_bulk_ensure(
            user_ids=user_ids,
            kind=Assignment.Kind.MODULE,
            module=module,
            source=Assignment.Source.QUIZ_RESULT,
            reason=reason,
            due_on=due_on,
            assigned_by=None,
        )


def _follow_up_reason(item: AttemptScored, title: str) -> str:
    """Why a failed quiz assigns training, in the active language; ``title`` names the quiz."""
    attempt = item.attempt
    if item.score_visible:
        mark = attempt.quiz_version.pass_percent
        return _("Your score on “%(quiz)s” was %(percent)s; the pass mark is %(pass)s.") % {
            "quiz": title,
            # never shown on the other side of the mark: 79.69 against 80 is "79.7%"
            "percent": percent_against(attempt.percent or 0, mark),
            "pass": percent_format(mark),
        }
    # the policy hides the score: say only what to do next
    return _("Review this before trying “%(quiz)s” again.") % {"quiz": title}


def _weak_skills(skill_credits: dict[int, list[float]]) -> set[int]:
    """The skills where the attempt earned under half the credit."""
    return {pk for pk, credits in skill_credits.items() if sum(credits) / len(credits) < WEAK_SKILL}


def _modules_teaching(skill_ids: set[int]) -> list[tuple[Module, set[int]]]:
    """Published modules teaching any of ``skill_ids``, in catalogue order, each with the
    skills of ``skill_ids`` it teaches (two queries, whatever the number of attempts)."""
    if not skill_ids:
        return []
    links = Module.skills.through.objects.filter(
        skill_id__in=skill_ids, module__is_published=True
    ).values_list("module_id", "skill_id")
    taught: dict[int, set[int]] = defaultdict(set)
    for module_id, skill_id in links:
        taught[module_id].add(skill_id)
    # the same order whatever the language the scoring runs in (a title would be translated)
    modules = Module.objects.filter(pk__in=taught).order_by("position", "slug")
    return [(module, taught[module.pk]) for module in modules]


# --- skill evidence ---------------------------------------------------------------------------


def _module_evidence(*, user: User, module: Module, at: datetime) -> None:
    """A completed module is evidence for each of its skills."""
    skills_services.evidence_add(
        [
            skills_services.evidence_row(
                user_id=user.pk,
                skill_id=skill_id,
                outcome=1.0,
                weight=settings.MODULE_EVIDENCE_WEIGHT,
                at=at,
                source=SkillEvidence.Source.MODULE,
                source_id=module.pk,
                params={"module": module.title},
            )
            for skill_id in module.skills.values_list("pk", flat=True)
        ]
    )
