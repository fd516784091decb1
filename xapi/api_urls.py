from django.urls import path

from xapi import api

urlpatterns = [
    path("xapi/statements/", api.StatementListApi.as_view(), name="xapi-statement-list"),
    path(
        "xapi/statements/retry-failed/",
        api.StatementRetryFailedApi.as_view(),
        name="xapi-statement-retry-failed",
    ),
]
