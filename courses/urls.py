from django.urls import path

from courses import views
from courses.sop_import import views as views_import

app_name = "courses"

urlpatterns = [
    path("training/", views.my_training, name="my_training"),
    path("training/modules/", views.module_list, name="modules"),
    path("training/modules/<slug:slug>/", views.module_detail, name="module"),
    path(
        "training/modules/<slug:slug>/lessons/<id:number>/",
        views.lesson_detail,
        name="lesson",
    ),
    path("training/modules/<slug:slug>/complete/", views.module_complete, name="module_complete"),
    path("sops/", views.sop_list, name="sops"),
    path("import/sops/", views_import.sop_import_page, name="sop_import"),
    path("sops/<slug:slug>/", views.sop_detail, name="sop"),
    path("sops/<slug:slug>/v<id:number>/", views.sop_detail, name="sop_version"),
    path(
        "sops/<slug:slug>/v<id:number>/acknowledge/",
        views.sop_acknowledge,
        name="sop_acknowledge",
    ),
    path("sops/<slug:slug>/compare/", views.sop_compare, name="sop_compare"),
    path("teams/<id:team_id>/training/", views.team_training, name="team_training"),
    path(
        "assignments/<id:assignment_id>/cancel/",
        views.assignment_cancel,
        name="assignment_cancel",
    ),
]
