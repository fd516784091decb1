from django.urls import path

from onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("onboarding/", views.my_onboarding, name="my_onboarding"),
    path("onboarding/team/", views.team_onboarding, name="team_onboarding"),
    path("onboarding/plans/<id:plan_id>/", views.onboarding_plan_detail, name="plan"),
    path("onboarding/items/<id:item_id>/tick/", views.plan_item_tick, name="plan_item_tick"),
    path("onboarding/items/<id:item_id>/untick/", views.plan_item_untick, name="plan_item_untick"),
    path(
        "onboarding/items/<id:item_id>/sign-off/",
        views.plan_item_sign_off,
        name="plan_item_sign_off",
    ),
]
