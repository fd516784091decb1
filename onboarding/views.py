"""Onboarding pages: the new hire's plan, the lead's team overview and sign-offs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import request_user
from core.errors import Conflict, NotFound
from core.shortcuts import or_404
from core.undo import success_with_undo
from onboarding import selectors, services
from onboarding.models import ItemKind, PlanItem


@login_required
def my_onboarding(request: HttpRequest) -> HttpResponse:
    """The new hire's plan week by week, with the next step highlighted."""
    user = request_user(request)
    plans = list(selectors.onboarding_plans_of(user=user))
    views = [selectors.plan_view(plan) for plan in plans[:3]]
    return render(request, "onboarding/my_onboarding.html", {"views": views})


@login_required
@require_POST
def plan_item_tick(request: HttpRequest, item_id: int) -> HttpResponse:
    user = request_user(request)
    item = or_404(selectors.plan_item_get, item_id=item_id)
    try:
        services.plan_item_tick(item=item, user=user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        success_with_undo(
            request,
            _("“%(title)s” is done.") % {"title": item.title},
            undo_url=reverse("onboarding:plan_item_untick", args=[item.pk]),
            label=_("Undo"),
        )
    return redirect("onboarding:my_onboarding")


@login_required
@require_POST
def plan_item_untick(request: HttpRequest, item_id: int) -> HttpResponse:
    """The "Undo" of "Mark as done": the task is open again (a few minutes, the same person)."""
    user = request_user(request)
    item = or_404(selectors.plan_item_get, item_id=item_id)
    try:
        services.plan_item_untick(item=item, user=user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("“%(title)s” is open again.") % {"title": item.title})
    return redirect("onboarding:my_onboarding")


@login_required
def team_onboarding(request: HttpRequest) -> HttpResponse:
    """Every new hire in the lead's teams: progress, overdue steps, sign-offs waiting."""
    lead = request_user(request)
    plans = selectors.team_onboarding(lead=lead)
    has_own_plan = selectors.onboarding_plans_of(user=lead).exists()
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    signoffs, later = selectors.signoffs_actionable(lead=lead)
    return render(
        request,
        "onboarding/team_onboarding.html",
        {
            "page": page,
            "signoffs": signoffs,
            "later_signoffs": later,
            "has_own_plan": has_own_plan,
        },
    )


@login_required
def onboarding_plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A lead's (or admin's) view of one new hire's plan, with sign-off forms."""
    user = request_user(request)
    plan = or_404(selectors.onboarding_plan_get_visible, user=user, plan_id=plan_id)
    if plan.user_id == user.pk:
        return redirect("onboarding:my_onboarding")
    return render(
        request,
        "onboarding/plan_detail.html",
        {"view": selectors.plan_view(plan), "person": plan.user},
    )


@login_required
@require_POST
def plan_item_sign_off(request: HttpRequest, item_id: int) -> HttpResponse:
    """Sign off a step. While other steps of the plan are still open, the lead first sees
    what is open and must tick a confirmation box (checked here, not only in the browser)."""
    lead = request_user(request)
    item = or_404(selectors.plan_item_get, item_id=item_id)
    if (
        item.kind == ItemKind.LEAD_SIGNOFF
        and item.status == PlanItem.Status.OPEN
        and request.POST.get("confirm") != "yes"
    ):
        still_open = selectors.plan_open_steps_besides(item=item, viewer=lead)
        if still_open.count:
            if not selectors.plan_item_sign_off_allowed(item=item, lead=lead):
                raise Http404(_("Item not found."))
            return render(
                request,
                "onboarding/sign_off_confirm.html",
                {
                    "item": item,
                    "person": item.plan.user,
                    "still_open": still_open,
                    "comment": request.POST.get("comment", "")[:2000],
                    "back": request.POST.get("back", ""),
                    "asked_before": "confirm_asked" in request.POST,
                },
            )
    try:
        services.plan_item_sign_off(
            item=item, lead=lead, comment=request.POST.get("comment", "")[:2000]
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Signed off “%(title)s” for %(name)s.")
            % {"title": item.title, "name": item.plan.user.name},
        )
    back = request.POST.get("back", "")
    if back == "plan":
        return redirect("onboarding:plan", plan_id=item.plan_id)
    return redirect("onboarding:team_onboarding")
