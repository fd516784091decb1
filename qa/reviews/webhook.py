"""The signed webhook: a QA tool pushes reviews as JSON rows, signed with HMAC-SHA256 over the
timestamp and the raw body; they are imported like a file, with the same mapping."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import limits as input_limits
from core.errors import DomainError, ValidationFailed
from core.sql import insert_rows
from qa.models import QAFinding, ReviewSource, WebhookDelivery
from qa.reviews.files import Table
from qa.reviews.importer import reviews_import
from qa.reviews.lines import ReviewReport
from qa.reviews.sources import webhook_secret

WEBHOOK_TOLERANCE = timedelta(minutes=5)
WEBHOOK_MAX_BYTES = input_limits.WEBHOOK.bytes or 0
WEBHOOK_MAX_ROWS = input_limits.WEBHOOK.rows or 0
WEBHOOK_MAX_COLUMNS = input_limits.WEBHOOK.columns or 0


class WebhookRefused(DomainError):
    """A webhook call that is refused before its content is read (signature, time, replay)."""

    def __init__(self, message: str, *, status: int, code: str) -> None:
        super().__init__(message, code=code)
        self.status_code = status


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``"<timestamp>." + body`` with the secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _webhook_verify(
    *, source: ReviewSource, body: bytes, timestamp: str, signature: str, now: datetime
) -> str:
    if not timestamp or not signature:
        raise WebhookRefused(
            _("Sign the request: send X-Readiness-Timestamp and X-Readiness-Signature."),
            status=401,
            code="signature_missing",
        )
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise WebhookRefused(
            _("X-Readiness-Timestamp must be Unix time in seconds."),
            status=401,
            code="timestamp_invalid",
        )
    sent = int(timestamp)
    if abs(now.timestamp() - sent) > WEBHOOK_TOLERANCE.total_seconds():
        raise WebhookRefused(
            _("The timestamp is more than 5 minutes away from now: the request is stale."),
            status=401,
            code="stale",
        )
    expected = webhook_signature(webhook_secret(source), timestamp, body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise WebhookRefused(
            _("The signature does not match this source's secret."),
            status=401,
            code="signature_invalid",
        )
    return expected.removeprefix("sha256=")


def _webhook_table(source: ReviewSource, body: bytes) -> Table:
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationFailed(
            _("The body is not JSON."), field_errors={"rows": [_("Send JSON.")]}
        ) from None
    rows = payload.get("rows") if isinstance(payload, dict) else None
    if not isinstance(rows, list) or not rows:
        raise ValidationFailed(
            _('Send the reviews as {"rows": [{column: value, …}, …]}.'),
            field_errors={"rows": [_("A non-empty list of rows.")]},
        )
    if len(rows) > WEBHOOK_MAX_ROWS:
        raise ValidationFailed(
            ngettext(
                "At most %(n)d row per request.",
                "At most %(n)d rows per request.",
                WEBHOOK_MAX_ROWS,
            )
            % {"n": WEBHOOK_MAX_ROWS},
            field_errors={"rows": [_("Too many rows.")]},
        )
    header: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValidationFailed(
                _("Each row is an object of column names and values."),
                field_errors={f"rows[{number}]": [_("An object.")]},
            )
        for key in row:
            if key not in seen:
                seen.add(key)
                header.append(key)
        # Every row is built as wide as all keys together: bounded before a row is built.
        if len(header) > WEBHOOK_MAX_COLUMNS:
            raise ValidationFailed(
                ngettext(
                    "At most %(n)d column (keys of all rows together).",
                    "At most %(n)d columns (keys of all rows together).",
                    WEBHOOK_MAX_COLUMNS,
                )
                % {"n": WEBHOOK_MAX_COLUMNS},
                field_errors={"rows": [_("Too many columns.")]},
            )

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, (dict, list)):
            return ""
        return str(value).strip().replace("\x00", "")

    return Table(
        header=[h.replace("\x00", "").strip() for h in header],
        rows=[[text(row.get(h)) for h in header] for row in rows],
        lines=list(range(1, len(rows) + 1)),
        kind="json",
    )


def _delivery_record(*, source: ReviewSource, signature: str, now: datetime) -> bool:
    """Remember an accepted request; ``False`` when its signature was already seen."""
    if connection.vendor == "postgresql":  # one INSERT … ON CONFLICT DO NOTHING
        fields = ("source_id", "signature", "received_at")
        return insert_rows(WebhookDelivery, fields, [(source.pk, signature, now)]) == 1
    try:
        with transaction.atomic():
            WebhookDelivery.objects.create(source=source, signature=signature, received_at=now)
    except IntegrityError:
        return False
    return True


def webhook_receive(
    *,
    source: ReviewSource,
    body: bytes,
    timestamp: str,
    signature: str,
    now: datetime | None = None,
) -> ReviewReport:
    """Verify a pushed request (signature over the timestamp and the raw body, a timestamp
    within five minutes, never the same signature twice) and import its rows like a file,
    with the same mapping and idempotency. Refusals raise ``WebhookRefused`` (401/409) or
    ``ValidationFailed`` (400) and change nothing."""
    now = now or timezone.now()
    if len(body) > WEBHOOK_MAX_BYTES:
        raise WebhookRefused(_("The body is larger than 2 MB."), status=413, code="too_large")
    digest = _webhook_verify(
        source=source, body=body, timestamp=timestamp, signature=signature, now=now
    )
    table = _webhook_table(source, body)
    with transaction.atomic():
        if secrets.randbelow(50) == 0:  # now and then, forget deliveries too old to replay
            WebhookDelivery.objects.filter(received_at__lt=now - 2 * WEBHOOK_TOLERANCE).delete()
        if not _delivery_record(source=source, signature=digest, now=now):
            raise WebhookRefused(
                _("This request was already received (a replay)."), status=409, code="replayed"
            )
        report = reviews_import(
            source=source, table=table, importer=None, commit=True, via=QAFinding.Source.WEBHOOK
        )
        if report.problems:
            raise ValidationFailed(report.problems[0], field_errors={"rows": report.problems})
        last = source.last_received_at
        if last is None or now - last > timedelta(minutes=1):  # "last received", to the minute
            ReviewSource.objects.filter(pk=source.pk).update(last_received_at=now)
    return report
