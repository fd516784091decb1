from django.urls import path

from qa import api

urlpatterns = [
    path("qa-findings/", api.FindingListApi.as_view(), name="finding-list"),
    path("qa-findings/import/", api.FindingImportApi.as_view(), name="finding-import"),
    path("training-suggestions/", api.SuggestionListApi.as_view(), name="suggestion-list"),
    path(
        "training-suggestions/<int:suggestion_id>/accept/",
        api.SuggestionDecisionApi.as_view(decision="accept"),
        name="suggestion-accept",
    ),
    path(
        "training-suggestions/<int:suggestion_id>/dismiss/",
        api.SuggestionDecisionApi.as_view(decision="dismiss"),
        name="suggestion-dismiss",
    ),
]
