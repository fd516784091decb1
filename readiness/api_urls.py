from django.urls import path

from readiness import api

urlpatterns = [
    path("readiness/criteria/", api.CriteriaListApi.as_view(), name="readiness-criteria"),
    path(
        "readiness/people/<id:user_id>/", api.PersonReadinessApi.as_view(), name="readiness-person"
    ),
    path("readiness/teams/<id:team_id>/board/", api.TeamBoardApi.as_view(), name="readiness-board"),
    path("readiness/decisions/", api.DecisionListApi.as_view(), name="readiness-decisions"),
    path(
        "readiness/decisions/<id:decision_id>/",
        api.DecisionDetailApi.as_view(),
        name="readiness-decision",
    ),
    path(
        "readiness/decisions/<id:decision_id>/revoke/",
        api.DecisionRevokeApi.as_view(),
        name="readiness-decision-revoke",
    ),
]
