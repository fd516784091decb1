"""Quizzes that allow more than one attempt (or unlimited attempts) and showed which answers
were right, or the explanations, immediately after each attempt now show them after the last
attempt: a taker with attempts left could answer the next attempt from the review.

Only the review's timing changes; scores, answers and every other setting stay. The score is
still shown after each attempt. Reversing leaves the rows as they are (which ones were
switched is not recorded); set "show the review" back in the admin if needed.
"""

from typing import Any

from django.db import migrations
from django.db.models import Q


def retake_reviews_after_last_attempt(apps: Any, schema_editor: Any) -> None:
    apps.get_model("assessments", "QuizVersion").objects.filter(
        Q(review_correctness=True) | Q(review_explanations=True), review_when="immediately"
    ).exclude(attempts_allowed=1).update(review_when="after_last")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_review_after_last_attempt"),
    ]

    operations = [
        migrations.RunPython(retake_reviews_after_last_attempt, migrations.RunPython.noop),
    ]
