"""What assessments adds to ``/healthz/ready``: the scoring backlog (core.health)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Min

from assessments.models import Attempt
from core.health import Backlog, BacklogProbe


def scoring_backlog(probe: BacklogProbe) -> None:
    """Submitted attempts not yet scored, and when the oldest was submitted (one query, on the
    ``(status, submitted_at)`` index). Scoring runs within seconds of a submission and the
    minute sweep re-queues lost ones, so an old one means scoring has stopped."""
    found = Attempt.objects.filter(status=Attempt.Status.SUBMITTED).aggregate(
        count=Count("pk"), oldest=Min("submitted_at")
    )
    probe.add(
        Backlog(
            name="scoring",
            count=found["count"],
            oldest_at=found["oldest"],
            max_age=settings.HEALTH_SCORING_BACKLOG_MAX_AGE,
        )
    )
