from django.urls import path

from courses import api
from courses.sop_import import api as api_import

urlpatterns = [
    path("sops/", api.SOPListApi.as_view(), name="sop-list"),
    path("sops/import/", api_import.SopImportApi.as_view(), name="sop-import"),
    path("sops/<id:sop_id>/", api.SOPDetailApi.as_view(), name="sop-detail"),
    path("sops/<id:sop_id>/acknowledge/", api.SOPAcknowledgeApi.as_view(), name="sop-acknowledge"),
    path("modules/", api.ModuleListApi.as_view(), name="module-list"),
    path("modules/<id:module_id>/", api.ModuleDetailApi.as_view(), name="module-detail"),
    path(
        "modules/<id:module_id>/lessons/<id:lesson_id>/complete/",
        api.LessonCompleteApi.as_view(),
        name="lesson-complete",
    ),
    path(
        "modules/<id:module_id>/complete/", api.ModuleCompleteApi.as_view(), name="module-complete"
    ),
    path("assignments/", api.AssignmentListApi.as_view(), name="assignment-list"),
    path(
        "assignments/<id:assignment_id>/",
        api.AssignmentDetailApi.as_view(),
        name="assignment-detail",
    ),
    path(
        "assignments/<id:assignment_id>/complete/",
        api.AssignmentCompleteApi.as_view(),
        name="assignment-complete",
    ),
]
