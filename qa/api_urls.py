from django.urls import path

from qa import api
from qa.reviews import api as review_api

urlpatterns = [
    path("qa-findings/", api.FindingListApi.as_view(), name="finding-list"),
    path("qa-findings/import/", api.FindingImportApi.as_view(), name="finding-import"),
    path("training-suggestions/", api.SuggestionListApi.as_view(), name="suggestion-list"),
    path("qa-review-sources/", review_api.ReviewSourceListApi.as_view(), name="review-source-list"),
    path(
        "qa-review-sources/<id:source_id>/",
        review_api.ReviewSourceDetailApi.as_view(),
        name="review-source-detail",
    ),
    path(
        "qa-review-sources/<id:source_id>/secret/",
        review_api.ReviewSourceSecretApi.as_view(),
        name="review-source-secret",
    ),
    path(
        "qa-review-sources/<id:source_id>/categories/",
        review_api.ReviewCategoriesApi.as_view(),
        name="review-source-categories",
    ),
    path(
        "qa-review-sources/<id:source_id>/import/",
        review_api.ReviewImportApi.as_view(),
        name="review-source-import",
    ),
    path(
        "qa-review-sources/<id:source_id>/webhook/",
        review_api.ReviewWebhookApi.as_view(),
        name="review-source-webhook",
    ),
    path(
        "training-suggestions/<id:suggestion_id>/accept/",
        api.SuggestionAcceptApi.as_view(),
        name="suggestion-accept",
    ),
    path(
        "training-suggestions/<id:suggestion_id>/dismiss/",
        api.SuggestionDismissApi.as_view(),
        name="suggestion-dismiss",
    ),
]
