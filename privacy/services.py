"""Erasure and retention of personal data, driven by the register (``core/privacy.py``).

**Erasing a member** (``person_erase``): every declared row of the person is deleted or
anonymised as its declaration says (``on_erase``), in one transaction, then:

- the account stays as an anonymous row ("Erased person", an ``@erased.invalid`` address, no
  password, inactive), so rows that figures rest on (quiz attempts: item analysis) keep their
  counts and values without any link to the person;
- their name and email are replaced by "[erased]" wherever a declared free-text column of
  *anyone's* row mentions them (``mentions``: a lead's notification, a reason, the audit
  trail's labels and changes);
- the audit trail loses the person (actor, label, address) and gains one event that says an
  erasure happened, by whom and when, without the erased data;
- sessions, single sign-on links, API tokens, login-attempt records (django-axes) and xAPI
  statements naming them go, and nothing more is sent to the LRS for them.

**Erasing a candidate** (``candidate_erase``) does the same for an invitation: its name and
email go, the link is withdrawn, the attempt stays anonymous.

Refused (``Conflict``, nothing changed): erasing someone already erased, a member or a
candidate with a quiz in progress or being scored (wait until it is scored), and erasing
yourself.

**Retention** (``privacy_retention_sweep``, daily): candidates' invitations
``CANDIDATE_RETENTION_DAYS`` after they expired are erased as above; QA notes and comments
older than ``QA_COMMENT_RETENTION_DAYS`` are cleared; delivered xAPI statements older than
``XAPI_DELIVERED_RETENTION_DAYS`` are deleted. Each step works in batches of a fixed number of
statements (``candidates_erase`` redacts every mention of a whole batch in one statement per
column), commits per batch, and a second run finds nothing to do.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import models, transaction
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Cast, Replace
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from assessments.models import Attempt, CandidateInvitation
from audit import services as audit_services
from core.email import email_send
from core.errors import Conflict, NotFound
from core.privacy import PersonalData, register
from core.tasks import enqueue_on_commit
from notifications.services import notify
from privacy import selectors as privacy_selectors
from qa.models import QAFinding, ReviewRating
from xapi.models import Statement

ERASED_NAME = "Erased person"
# Attempts that still change: erasing waits for them (a scored attempt stays, anonymous).
UNFINISHED = (Attempt.Status.IN_PROGRESS, Attempt.Status.SUBMITTED)
REDACTED = "[erased]"
RETENTION_BATCH = 500
# Candidates per batch: each adds two texts to the nested REPLACE of every free-text column
# (SQLite allows expressions 1,000 deep).
CANDIDATE_BATCH = 100


def erased_email(key: object) -> str:
    return f"erased-{key}@erased.invalid"


@dataclass
class Erasure:
    """What an erasure did (or would do): rows per declaration, by model label."""

    deleted: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)
    redacted: dict[str, int] = field(default_factory=dict)

    def add(self, kind: dict[str, int], label: str, count: int) -> None:
        if count:
            kind[label] = kind.get(label, 0) + count


# --- what would go ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    declaration: PersonalData
    rows: int


def erasure_plan(user: User) -> list[PlanRow]:
    """Per declaration about members, how many of ``user``'s rows an erasure deletes or
    anonymises (the confirmation lists them). One query per declaration."""
    out = []
    for item in register():
        if item.person in ("self", "custom") or item.candidates:
            continue
        rows = item.model._default_manager.filter(**{item.person: user}).count()
        out.append(PlanRow(item, rows))
    return out


# --- erasing ------------------------------------------------------------------------------------


def person_erase(*, user: User, by: User | None) -> Erasure:
    """Erase a member (see the module's docstring)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.erased_at is not None:
            raise Conflict(_("This person's data was already erased."))
        if by is not None and by.pk == user.pk:
            raise Conflict(_("You can't erase yourself: ask another admin."))
        if Attempt.objects.filter(user=user, status__in=UNFINISHED).exists():
            raise Conflict(
                _(
                    "This person has a quiz in progress or being scored: erase them once it "
                    "is scored."
                )
            )
        texts = _texts(user.name, user.email)
        done = Erasure()
        for item in register():
            if item.person in ("self", "custom") or item.candidates:
                continue
            rows = item.model._default_manager.filter(**{item.person: user})
            if item.on_erase == "delete":
                done.add(done.deleted, item.label, rows.delete()[0])
            elif item.on_erase == "anonymise":
                done.add(done.anonymised, item.label, rows.update(**_cleared(item)))
        # attempts stay for the questions' statistics: one random taker instead of the person
        done.add(
            done.anonymised,
            "assessments.Attempt",
            Attempt.objects.filter(user=user).update(user=None, anonymous_taker=uuid.uuid4()),
        )
        _statements_delete([user.email], done)
        _login_records_delete(user.email)
        _sessions_delete(user.pk)
        audit_services.events_redact(actor=user, texts=texts)
        _mentions_redact(texts, done)
        user.name = ERASED_NAME
        user.email = erased_email(user.pk)
        user.set_unusable_password()
        user.is_active = user.is_staff = user.is_superuser = False
        user.last_login = None
        user.erased_at = timezone.now()
        user.save()
        audit_services.record(
            actor=by,
            action="person.erased",
            label=person_label(user.pk),
            changes={"deleted": done.deleted, "anonymised": done.anonymised},
        )
    return done


def candidate_erase(*, invitation: CandidateInvitation, by: User | None) -> Erasure:
    """Erase a candidate (see the module's docstring)."""
    with transaction.atomic():
        invitation = CandidateInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.erased_at is not None:
            raise Conflict(_("This candidate's data was already erased."))
        if Attempt.objects.filter(invitation=invitation, status__in=UNFINISHED).exists():
            raise Conflict(
                _(
                    "The candidate's quiz is in progress or being scored: erase them once it "
                    "is scored."
                )
            )
        return candidates_erase([invitation], by=by)


def candidates_erase(invitations: list[CandidateInvitation], *, by: User | None) -> Erasure:
    """Erase candidates (checked and locked by the caller) in a fixed number of statements,
    whatever their number: the xAPI statements naming them, the audit trail, the mentions in
    every declared free-text column, the invitations themselves, and one audit event each."""
    done = Erasure()
    if not invitations:
        return done
    texts = _texts(*[i.name for i in invitations], *[i.email for i in invitations])
    _statements_delete([i.email for i in invitations], done)
    audit_services.events_redact(actor=None, texts=texts)
    _mentions_redact(texts, done)
    now = timezone.now()
    for invitation in invitations:
        invitation.name = ""
        invitation.email = erased_email(invitation.pk)
        invitation.share_results_xapi = False
        invitation.revoked_at = invitation.revoked_at or now
        invitation.erased_at = now
    CandidateInvitation.objects.bulk_update(
        invitations, ["name", "email", "share_results_xapi", "revoked_at", "erased_at"]
    )
    audit_services.record_many(
        actor=by,
        entries=[
            audit_services.Entry(action="candidate.erased", label=f"invitation {i.pk}")
            for i in invitations
        ],
    )
    return done


def person_label(pk: int) -> str:
    return f"user #{pk}"


def _texts(*values: str) -> list[str]:
    """The strings to remove: the name and the email (too short to be safe: left alone)."""
    return sorted({v.strip() for v in values if v and len(v.strip()) >= 3}, key=len, reverse=True)


def _cleared(item: PersonalData) -> dict[str, object]:
    values: dict[str, object] = {item.person: None}
    for name in item.fields:
        model_field = item.model._meta.get_field(name)
        values[name] = None if getattr(model_field, "null", False) else ""
    return values


def _text_fields(model: type[models.Model], names: Iterable[str]) -> list[models.Field]:
    return [model._meta.get_field(name) for name in names]  # type: ignore[misc]


def _mentions_redact(texts: list[str], done: Erasure) -> None:
    """Replace ``texts`` by "[erased]" in every declared ``mentions`` column of any row, in a
    fixed number of statements whatever the number of texts: a text column in one UPDATE
    (nested REPLACE), a JSON column in one SELECT and one UPDATE of the rows that name them."""
    if not texts:
        return
    for item in register():
        if item.label == "audit.AuditEvent":
            continue  # audit.services.events_redact
        manager = item.model._default_manager
        for column in _text_fields(item.model, item.mentions):
            if isinstance(column, models.JSONField):
                as_text = manager.annotate(_as_text=Cast(column.name, TextField()))
                rows = list(as_text.filter(_any_contains("_as_text", texts)))
                for row in rows:
                    setattr(row, column.name, json_replace(getattr(row, column.name), texts))
                if rows:
                    manager.bulk_update(rows, [column.name])
                done.add(done.redacted, item.label, len(rows))
                continue
            replaced: Func | F = F(column.name)
            for text in texts:
                replaced = Replace(replaced, Value(text), Value(REDACTED))
            done.add(
                done.redacted,
                item.label,
                manager.filter(_any_contains(column.name, texts)).update(**{column.name: replaced}),
            )


def _any_contains(column: str, texts: list[str]) -> Q:
    where = Q()
    for text in texts:
        where |= Q(**{f"{column}__contains": text})
    return where


def json_replace(value: object, texts: list[str]) -> object:
    """``value`` (any JSON) with each of ``texts`` replaced by "[erased]" in its strings."""
    dumped = json.dumps(value, ensure_ascii=False)
    for text in texts:
        dumped = dumped.replace(json.dumps(text, ensure_ascii=False)[1:-1], REDACTED)
    return json.loads(dumped)


def _statements_delete(emails: list[str], done: Erasure) -> None:
    """xAPI statements naming the people (their ``mbox``): delivered or not, they go (one
    statement)."""
    wanted = [f"mailto:{email}" for email in emails if email]
    if not wanted:
        return
    rows = Statement.objects.annotate(_as_text=Cast("payload", TextField())).filter(
        _any_contains("_as_text", wanted)
    )
    done.add(done.deleted, "xapi.Statement", rows.delete()[0])


def _login_records_delete(email: str) -> None:
    """django-axes' records of sign-in attempts under the person's email."""
    for name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        model = apps.get_model("axes", name)
        model._default_manager.filter(username__iexact=email).delete()


def _sessions_delete(user_pk: int) -> None:
    """The person's sessions (signed out everywhere). Sessions are read one by one: there is
    no index from a user to their sessions in Django's session table."""
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user_pk)
    ]
    Session.objects.filter(pk__in=doomed).delete()


# --- retention ----------------------------------------------------------------------------------


def privacy_retention_sweep(
    *, now: datetime | None = None, batch: int = RETENTION_BATCH
) -> dict[str, int]:
    """Apply each retention period once: candidates past ``CANDIDATE_RETENTION_DAYS`` after
    their invitation expired are erased, QA notes and comments older than
    ``QA_COMMENT_RETENTION_DAYS`` cleared, delivered xAPI statements older than
    ``XAPI_DELIVERED_RETENTION_DAYS`` deleted. Resumable: each step commits per batch and the
    next run goes on where it stopped; a second run finds nothing."""
    now = now or timezone.now()
    counts = {"candidates": 0, "qa_comments": 0, "xapi_statements": 0}
    cutoff = now - timedelta(days=settings.CANDIDATE_RETENTION_DAYS)
    open_attempt = Attempt.objects.filter(invitation=models.OuterRef("pk"), status__in=UNFINISHED)
    while True:
        due = list(
            CandidateInvitation.objects.filter(erased_at__isnull=True, expires_at__lt=cutoff)
            .exclude(models.Exists(open_attempt))
            .order_by("expires_at", "pk")[: min(batch, CANDIDATE_BATCH)]
        )
        with transaction.atomic():
            locked = list(
                CandidateInvitation.objects.select_for_update()
                .filter(pk__in=[i.pk for i in due], erased_at__isnull=True)
                .exclude(models.Exists(open_attempt))
            )
            candidates_erase(locked, by=None)
        counts["candidates"] += len(locked)
        if len(due) < min(batch, CANDIDATE_BATCH):
            break
    old = now - timedelta(days=settings.QA_COMMENT_RETENTION_DAYS)
    counts["qa_comments"] += _batched_update(
        QAFinding.objects.filter(occurred_at__lt=old).exclude(note=""), {"note": ""}, batch
    )
    counts["qa_comments"] += _batched_update(
        ReviewRating.objects.filter(occurred_at__lt=old).exclude(
            Q(comment="") & Q(root_cause="") & Q(reviewer_name="")
        ),
        {"comment": "", "root_cause": "", "reviewer_name": ""},
        batch,
    )
    sent = now - timedelta(days=settings.XAPI_DELIVERED_RETENTION_DAYS)
    while True:
        ids = list(
            Statement.objects.filter(state=Statement.State.SENT, sent_at__lt=sent)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            break
        counts["xapi_statements"] += Statement.objects.filter(pk__in=ids).delete()[0]
    exports_clean(now=now)
    return counts


def _batched_update(rows: models.QuerySet, values: dict[str, object], batch: int) -> int:
    done = 0
    while True:
        with transaction.atomic():
            ids = list(rows.order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                return done
            done += rows.model._default_manager.filter(pk__in=ids).update(**values)


# --- a candidate's data, through a signed link ------------------------------------------------

CANDIDATE_LINK_SALT = "privacy.candidate-data"


def candidate_data_token(invitation: CandidateInvitation) -> str:
    """A signed, dated token for ``invitation``'s data link (``candidate_data_get``)."""
    return signing.TimestampSigner(salt=CANDIDATE_LINK_SALT).sign(str(invitation.pk))


def candidate_data_get(token: str) -> CandidateInvitation:
    """The invitation a data link names: ``NotFound`` for a bad, expired
    (``CANDIDATE_DATA_LINK_DAYS``) or erased one."""
    try:
        pk = signing.TimestampSigner(salt=CANDIDATE_LINK_SALT).unsign(
            token[:200], max_age=timedelta(days=settings.CANDIDATE_DATA_LINK_DAYS)
        )
    except signing.BadSignature:
        raise NotFound(
            _("This link has expired. Ask the team that invited you for a new one.")
        ) from None
    invitation = CandidateInvitation.objects.filter(pk=pk, erased_at__isnull=True).first()
    if invitation is None:
        raise NotFound(_("There is no data for this link any more: it was erased."))
    return invitation


def candidate_data_link_send(*, invitation: CandidateInvitation, by: User | None) -> None:
    """Email the candidate a link to their data (a candidate asked the team for it), valid
    ``CANDIDATE_DATA_LINK_DAYS``, after commit. ``Conflict`` for an erased candidate."""
    if invitation.erased_at is not None:
        raise Conflict(_("This candidate's data was already erased."))
    audit_services.record(actor=by, action="person.exported", label=f"invitation {invitation.pk}")
    enqueue_on_commit("privacy.candidate_data_link_send", str(invitation.pk))


def candidate_data_link_email(*, invitation_id: str) -> bool:
    """Send the email of ``candidate_data_link_send`` (the Celery task's work)."""
    invitation = CandidateInvitation.objects.filter(
        pk=invitation_id, erased_at__isnull=True
    ).first()
    if invitation is None:
        return False
    email_send(
        to=invitation.email,
        template="emails/candidate_data",
        context={
            "url": f"{settings.SITE_URL}/privacy/c/{candidate_data_token(invitation)}/data.zip",
            "days": settings.CANDIDATE_DATA_LINK_DAYS,
        },
        language=invitation.language or None,
    )
    return True


# --- large exports, built by Celery ---------------------------------------------------------------

EXPORT_LINK_SALT = "privacy.export"


def export_dir() -> Path:
    return Path(settings.PRIVACY_EXPORT_DIR)


def person_export_later(*, user: User, requester: User) -> None:
    """A large export: built by the task ``privacy.person_export_build`` after commit, then
    ``requester`` gets a notification (and an email) with a link valid
    ``PRIVACY_EXPORT_LINK_HOURS``."""
    enqueue_on_commit("privacy.person_export_build", user.pk, requester.pk)


def person_export_build(*, user_id: int, requester_id: int) -> str:
    """Write the export to ``PRIVACY_EXPORT_DIR`` and notify the requester; returns the file
    name. A retry writes another file and the notification (keyed by the file) once each."""
    user = User.objects.get(pk=user_id)
    requester = User.objects.get(pk=requester_id)
    name = f"{uuid.uuid4().hex}.zip"
    export_dir().mkdir(parents=True, exist_ok=True)
    (export_dir() / name).write_bytes(privacy_selectors.person_export(user))
    token = signing.TimestampSigner(salt=EXPORT_LINK_SALT).sign(f"{name}:{requester.pk}")
    with translation.override(requester.language or None):
        notify(
            user=requester,
            key=f"privacy_export:{name}",
            kind="privacy_export",
            title=_("Your data export is ready"),
            body=ngettext(
                "Download it within %(hours)d hour.",
                "Download it within %(hours)d hours.",
                settings.PRIVACY_EXPORT_LINK_HOURS,
            )
            % {"hours": settings.PRIVACY_EXPORT_LINK_HOURS},
            url=f"/privacy/exports/{token}/",
            email=True,
        )
    return name


def export_file_get(*, token: str, user: User) -> Path:
    """The export file a link names, for the person who asked for it: ``NotFound`` for a bad,
    expired or foreign link, or a file already cleaned up."""
    try:
        value = signing.TimestampSigner(salt=EXPORT_LINK_SALT).unsign(
            token[:300], max_age=timedelta(hours=settings.PRIVACY_EXPORT_LINK_HOURS)
        )
    except signing.BadSignature:
        raise NotFound(_("This download link has expired. Ask for your data again.")) from None
    name, _sep, owner = value.rpartition(":")
    path = export_dir() / name
    if owner != str(user.pk) or not name.endswith(".zip") or "/" in name or not path.exists():
        raise NotFound(_("This download link has expired. Ask for your data again."))
    return path


def exports_clean(*, now: datetime | None = None) -> int:
    """Delete export files older than their link (``PRIVACY_EXPORT_LINK_HOURS``)."""
    cutoff = (now or timezone.now()).timestamp() - settings.PRIVACY_EXPORT_LINK_HOURS * 3600
    removed = 0
    if export_dir().exists():
        for path in export_dir().glob("*.zip"):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    return removed
