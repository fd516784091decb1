from django.urls import path

from assessments import views, views_authoring

app_name = "assessments"

# The attempt pages exist twice: for learners (logged in) and for candidates (signed link).
attempt_pages = [
    ("", views.attempt_take, "take"),
    ("answers/<id:question_id>/", views.answer_autosave, "answer"),
    ("review/", views.attempt_review_before_submit, "review"),
    ("submit/", views.attempt_submit, "submit"),
    ("result/", views.attempt_result, "result"),
]

urlpatterns = [
    path("quizzes/", views.quiz_list, name="quizzes"),
    path("question-bank/import/", views.question_import, name="question_import"),
    path("quizzes/<slug:slug>/", views.quiz_intro, name="quiz"),
    path("c/<str:token>/", views.candidate_intro, name="candidate_intro"),
    path("teams/<id:team_id>/candidates/", views.team_candidates, name="team_candidates"),
    path("teams/<id:team_id>/results/", views.team_results, name="team_results"),
    path("teams/<id:team_id>/results.csv", views.team_results_csv, name="team_results_csv"),
    path("candidates/<uuid:invitation_id>/", views.candidate_detail, name="candidate"),
    path(
        "candidates/<uuid:invitation_id>/revoke/", views.candidate_revoke, name="candidate_revoke"
    ),
    # the one-page question editor (views_authoring.py)
    path(
        "authoring/quizzes/versions/<id:version_id>/questions/",
        views_authoring.version_questions,
        name="authoring_questions",
    ),
    path(
        "authoring/quizzes/versions/<id:version_id>/questions/add/",
        views_authoring.question_add,
        name="authoring_question_add",
    ),
    path(
        "authoring/questions/<id:question_id>/",
        views_authoring.question_save,
        name="authoring_question_save",
    ),
    path(
        "authoring/questions/<id:question_id>/move/",
        views_authoring.question_move,
        name="authoring_question_move",
    ),
    path(
        "authoring/questions/<id:question_id>/duplicate/",
        views_authoring.question_duplicate,
        name="authoring_question_duplicate",
    ),
    path(
        "authoring/questions/<id:question_id>/delete/",
        views_authoring.question_delete,
        name="authoring_question_delete",
    ),
]
for suffix, view, name in attempt_pages:
    urlpatterns += [
        path(f"attempts/<str:attempt_id>/{suffix}", view, name=f"attempt_{name}"),
        path(f"c/<str:token>/attempts/<str:attempt_id>/{suffix}", view, name=f"candidate_{name}"),
    ]
