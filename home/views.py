"""The landing page for each role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import selectors as account_selectors
from accounts.http import request_user
from courses import selectors as training_selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page for the user's role: admin, lead or learner."""
    user = request_user(request)
    if account_selectors.user_is_admin(user):
        return render(
            request,
            "home/home_admin.html",
            {
                "counts": account_selectors.user_counts(),
                "teams": account_selectors.teams_visible_to(user),
            },
        )
    if account_selectors.user_is_lead(user):
        return render(
            request,
            "home/home_lead.html",
            {"teams": account_selectors.teams_led_by_with_counts(user)},
        )
    return render(
        request,
        "home/home_learner.html",
        {
            "teams": account_selectors.user_teams(user=user),
            "training": training_selectors.my_training(user=user, done_limit=0),
        },
    )
