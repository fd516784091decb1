from django.urls import path

from assessments import api

urlpatterns = [
    path("quizzes/", api.QuizListApi.as_view(), name="quiz-list"),
    path("quizzes/import/", api.QuestionImportApi.as_view(), name="quiz-import"),
    path("quizzes/<id:quiz_id>/", api.QuizDetailApi.as_view(), name="quiz-detail"),
    path("quizzes/<id:quiz_id>/export/", api.QuizExportApi.as_view(), name="quiz-export"),
    path("quizzes/<id:quiz_id>/attempts/", api.QuizAttemptsApi.as_view(), name="quiz-attempts"),
    path("attempts/", api.AttemptListApi.as_view(), name="attempt-list"),
    path("attempts/<str:attempt_id>/", api.AttemptDetailApi.as_view(), name="attempt-detail"),
    path(
        "attempts/<str:attempt_id>/answers/<id:question_id>/",
        api.AnswerApi.as_view(),
        name="attempt-answer",
    ),
    path("attempts/<str:attempt_id>/submit/", api.SubmitApi.as_view(), name="attempt-submit"),
    path("invitations/", api.InvitationListApi.as_view(), name="invitation-list"),
    path(
        "invitations/<str:invitation_id>/",
        api.InvitationDetailApi.as_view(),
        name="invitation-detail",
    ),
]
