from django.urls import path

from skills import views

app_name = "skills"

urlpatterns = [
    path("skills/", views.skills_home, name="skills"),
    path("teams/<id:team_id>/skills/", views.team_skills, name="team_skills"),
    path("skills/people/<id:user_id>/", views.skill_profile, name="skill_profile"),
    path("reports/skills/", views.org_report, name="org_report"),
]
