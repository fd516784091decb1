from django.urls import path

from readiness import views

app_name = "readiness"

urlpatterns = [
    path("readiness/criteria/", views.criteria_list, name="criteria_list"),
    path("readiness/criteria/<id:criteria_id>/", views.criteria_edit, name="criteria"),
    path("readiness/people/<id:user_id>/", views.person, name="person"),
    path(
        "readiness/people/<id:user_id>/roles/<id:criteria_id>/decide/",
        views.decide,
        name="decide",
    ),
    path(
        "readiness/people/<id:user_id>/roles/<id:criteria_id>/sign-off/",
        views.signoff,
        name="signoff",
    ),
    path("readiness/people/<id:user_id>/report.pdf", views.report, name="report"),
    path("readiness/decisions/<id:decision_id>/", views.decision, name="decision"),
    path("readiness/teams/<id:team_id>/", views.board, name="board"),
]
