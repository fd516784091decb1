from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/token/", api.TokenApi.as_view(), name="auth-token"),
    path("auth/ping/", api.PingApi.as_view(), name="auth-ping"),
    path("me/", api.MeApi.as_view(), name="me"),
    path("teams/", api.TeamListApi.as_view(), name="team-list"),
    path("teams/<id:team_id>/members/", api.TeamMembersApi.as_view(), name="team-members"),
]
