"""The onboarding plan as a next step on a quiz result page (subscribed in
``OnboardingConfig.ready`` to ``assessments.attempt_next_steps_collecting``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from assessments.hooks import AttemptNextSteps, NextStep
from onboarding.models import OnboardingPlan


def attempt_next_steps_plan(event: AttemptNextSteps) -> None:
    """Offer "My onboarding plan" when the learner has a plan that is not completed (one
    query)."""
    user_id = event.attempt.user_id
    if user_id is None:
        return
    has_plan = OnboardingPlan.objects.filter(user_id=user_id, completed_at__isnull=True).exists()
    if has_plan:
        event.steps.append(
            NextStep(label=_("My onboarding plan"), url=reverse("onboarding:my_onboarding"))
        )
