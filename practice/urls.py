from django.urls import path

from practice import views

app_name = "practice"

urlpatterns = [
    path("practice/", views.today, name="today"),
    path("practice/answer/", views.answer, name="answer"),
    path("practice/settings/", views.preference, name="preference"),
    path("practice/teams/<int:team_id>/", views.team, name="team"),
    path("practice/teams/<int:team_id>/members/<int:user_id>/", views.member, name="member"),
]
