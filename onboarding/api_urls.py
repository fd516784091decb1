from django.urls import path

from onboarding import api

urlpatterns = [
    path("onboarding-plans/", api.OnboardingPlanListApi.as_view(), name="plan-list"),
    path(
        "onboarding-plans/<int:plan_id>/", api.OnboardingPlanDetailApi.as_view(), name="plan-detail"
    ),
    path(
        "onboarding-plans/<int:plan_id>/items/<int:item_id>/complete/",
        api.PlanItemCompleteApi.as_view(),
        name="plan-item-complete",
    ),
    path(
        "onboarding-plans/<int:plan_id>/items/<int:item_id>/sign-off/",
        api.PlanItemSignOffApi.as_view(),
        name="plan-item-sign-off",
    ),
]
