from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacy/my-data.zip", views.my_data, name="my_data"),
    path("privacy/exports/<str:token>/", views.export_download, name="export_download"),
    path("privacy/people/<id:user_id>/export.zip", views.person_export, name="person_export"),
    path("privacy/people/<id:user_id>/erase/", views.person_erase, name="person_erase"),
    path(
        "privacy/candidates/<uuid:invitation_id>/export.zip",
        views.candidate_export,
        name="candidate_export",
    ),
    path(
        "privacy/candidates/<uuid:invitation_id>/send-data-link/",
        views.candidate_data_link,
        name="candidate_data_link",
    ),
    path("privacy/c/<str:token>/data.zip", views.candidate_data, name="candidate_data"),
    path(
        "privacy/candidates/<uuid:invitation_id>/erase/",
        views.candidate_erase,
        name="candidate_erase",
    ),
]
