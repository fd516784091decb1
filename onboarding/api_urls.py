from django.urls import path

from onboarding import api

urlpatterns = [
    path("onboarding-plans/", api.OnboardingPlanListApi.as_view(), name="plan-list"),
    path(
        "onboarding-plans/<id:plan_id>/", api.OnboardingPlanDetailApi.as_view(), name="plan-detail"
    ),
    path(
        "onboarding-plans/<id:plan_id>/items/<id:item_id>/complete/",
        api.PlanItemCompleteApi.as_view(),
        name="plan-item-complete",
    ),
    path(
        "onboarding-plans/<id:plan_id>/items/<id:item_id>/sign-off/",
        api.PlanItemSignOffApi.as_view(),
        name="plan-item-sign-off",
    ),
]
