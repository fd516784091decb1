from django.urls import path

from assessments import api

urlpatterns = [
    path("quizzes/", api.QuizListApi.as_view(), name="quiz-list"),
    path("quizzes/<int:quiz_id>/", api.QuizDetailApi.as_view(), name="quiz-detail"),
    path("quizzes/<int:quiz_id>/attempts/", api.QuizAttemptsApi.as_view(), name="quiz-attempts"),
    path("attempts/", api.AttemptListApi.as_view(), name="attempt-list"),
    path("attempts/<str:attempt_id>/", api.AttemptDetailApi.as_view(), name="attempt-detail"),
    path(
        "attempts/<str:attempt_id>/answers/<int:question_id>/",
        api.AnswerApi.as_view(),
        name="attempt-answer",
    ),
    path("attempts/<str:attempt_id>/submit/", api.SubmitApi.as_view(), name="attempt-submit"),
    path("qa-findings/", api.FindingListApi.as_view(), name="finding-list"),
    path("qa-findings/import/", api.FindingImportApi.as_view(), name="finding-import"),
    path("teams/<int:team_id>/skill-gaps/", api.TeamSkillGapsApi.as_view(), name="team-skill-gaps"),
    path("users/<int:user_id>/skill-profile/", api.SkillProfileApi.as_view(), name="skill-profile"),
    path("skill-gaps/", api.OrgSkillReportApi.as_view(), name="org-skill-gaps"),
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
    path("invitations/", api.InvitationListApi.as_view(), name="invitation-list"),
    path(
        "invitations/<str:invitation_id>/",
        api.InvitationDetailApi.as_view(),
        name="invitation-detail",
    ),
]
