"""The practice nudge: "today's practice is ready", once per person and day, at the hour they
picked in their own time zone. A rule of the hourly reminder sweep
(``notifications.reminders``): one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` whatever the
number of people, keyed by the day's set, so a second sweep (or the next hour's) adds nothing.

Who is nudged: people who chose it (``PracticePreference.nudge``), and, while they have not
chosen, members of a team (learners) at ``PRACTICE_NUDGE_HOUR``. Everyone else (candidates,
admins without a team) is not nudged unless they turn it on. Only sets with questions and
without an answer yet are announced. Learners drawn into the randomized hold-out
(``PracticeNudgeGroup``, ``PRACTICE_NUDGE_HOLDOUT_PERCENT``) are not nudged unless they turn
the reminder on themselves (then they leave the comparison).
"""

from __future__ import annotations

import operator
from collections import defaultdict
from datetime import date
from functools import reduce

from django.conf import settings
from django.db.models import Case, CharField, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, JSONObject
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Membership
from notifications.hooks import ReminderSweep, already
from practice.models import PracticeAnswer, PracticeNudgeGroup, PracticeSet
from practice.selectors import zone_of

KIND = "practice_ready"
SUBJECT = "practice_set"


def _titles() -> Case:
    whens = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            whens.append(
                When(user__language=code, then=Value(gettext("Your practice for today is ready")))
            )
    with translation.override(settings.LANGUAGE_CODE):
        default = gettext("Your practice for today is ready")
    return Case(*whens, default=Value(default), output_field=CharField())


def practice_nudge_rule(sweep: ReminderSweep) -> None:
    """Add the nudge rule to the sweep."""
    groups: dict[tuple[date, int], list[str]] = defaultdict(list)
    for names in sweep.zones_by_day.values():
        for name in names:
            local = sweep.now.astimezone(zone_of(name))
            groups[(local.date(), local.hour)].append(name)
    if not groups:
        return
    hour = Coalesce(
        F("user__practice_preference__nudge_hour"),
        Value(settings.PRACTICE_NUDGE_HOUR),
        output_field=IntegerField(),
    )
    when = reduce(
        operator.or_,
        [
            Q(user__time_zone__in=names, day=day, r_hour__lte=local_hour)
            for (day, local_hour), names in sorted(groups.items())
        ],
    )
    learner = Exists(
        Membership.objects.filter(user_id=OuterRef("user_id"), role=Membership.Role.MEMBER)
    )
    wanted = Q(user__practice_preference__nudge=True) | (
        Q(user__practice_preference__isnull=True) & Q(learner)
    )
    rows = (
        PracticeSet.objects.annotate(r_hour=hour)
        .filter(when, wanted, user__is_active=True)
        .exclude(question_ids=[])
        .exclude(Exists(PracticeAnswer.objects.filter(set_id=OuterRef("pk"))))
        .exclude(  # the randomized hold-out (comparison group of "Is practice working?"),
            # unless they turned the reminder on themselves: their choice wins
            Q(user__practice_preference__isnull=True)
            & Q(
                Exists(
                    PracticeNudgeGroup.objects.filter(user_id=OuterRef("user_id"), held_out=True)
                )
            )
        )
        .exclude(already(SUBJECT, KIND))
        .annotate(
            r_user=F("user_id"),
            r_kind=Value(KIND),
            r_title=_titles(),
            r_body=Value(""),
            r_url=Value(reverse("practice:today")),
            r_key=Concat(Value(f"{KIND}:"), Cast("pk", CharField()), output_field=CharField()),
            r_created_at=Value(sweep.now),
            r_email_wanted=F("user__email_notifications"),
            r_subject_type=Value(SUBJECT),
            r_subject_id=F("pk"),
            r_params=JSONObject(kind=Value(KIND)),
        )
    )
    sweep.rules["practice_ready"] = rows
