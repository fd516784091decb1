from django.urls import path

from qa import views
from qa.reviews import views as review_views

app_name = "qa"

urlpatterns = [
    path("teams/<id:team_id>/findings/", views.team_findings, name="team_findings"),
    path(
        "teams/<id:team_id>/findings/import/",
        views.team_findings_import,
        name="team_findings_import",
    ),
    path("teams/<id:team_id>/findings.csv", views.team_findings_csv, name="team_findings_csv"),
    path("teams/<id:team_id>/qa-sources/", review_views.review_sources, name="review_sources"),
    path(
        "teams/<id:team_id>/qa-sources/<id:source_id>/",
        review_views.review_source,
        name="review_source",
    ),
    path(
        "teams/<id:team_id>/qa-sources/<id:source_id>/import/",
        review_views.review_import,
        name="review_import",
    ),
    path(
        "suggestions/<id:suggestion_id>/accept/",
        views.suggestion_decide,
        {"decision": "accept"},
        name="suggestion_accept",
    ),
    path(
        "suggestions/<id:suggestion_id>/dismiss/",
        views.suggestion_decide,
        {"decision": "dismiss"},
        name="suggestion_dismiss",
    ),
    path(
        "suggestions/<id:suggestion_id>/undo-dismiss/",
        views.suggestion_undo_dismiss,
        name="suggestion_undo_dismiss",
    ),
]
