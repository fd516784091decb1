from django.urls import path

from practice import views

app_name = "practice"

urlpatterns = [
    path("practice/", views.today, name="today"),
    path("practice/answer/", views.answer, name="answer"),
    path("practice/settings/", views.preference, name="preference"),
    path("practice/teams/<id:team_id>/", views.team, name="team"),
    path("practice/teams/<id:team_id>/members/<id:user_id>/", views.member, name="member"),
]
