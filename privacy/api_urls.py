from django.urls import path

from privacy import api

urlpatterns = [
    path(
        "privacy/people/<id:user_id>/export/",
        api.PersonExportApi.as_view(),
        name="privacy-person-export",
    ),
    path(
        "privacy/people/<id:user_id>/erase/",
        api.PersonEraseApi.as_view(),
        name="privacy-person-erase",
    ),
    path(
        "privacy/candidates/<uuid:invitation_id>/export/",
        api.CandidateExportApi.as_view(),
        name="privacy-candidate-export",
    ),
    path(
        "privacy/candidates/<uuid:invitation_id>/erase/",
        api.CandidateEraseApi.as_view(),
        name="privacy-candidate-erase",
    ),
]
