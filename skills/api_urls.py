from django.urls import path

from skills import api

urlpatterns = [
    path("skills/", api.SkillListApi.as_view(), name="skill-list"),
    path("teams/<id:team_id>/skill-gaps/", api.TeamSkillGapsApi.as_view(), name="team-skill-gaps"),
    path("users/<id:user_id>/skill-profile/", api.SkillProfileApi.as_view(), name="skill-profile"),
    path("skill-gaps/", api.OrgSkillReportApi.as_view(), name="org-skill-gaps"),
]
