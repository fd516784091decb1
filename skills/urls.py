from django.urls import path

from skills import views

app_name = "skills"

urlpatterns = [
    path("skills/people/<int:user_id>/", views.skill_profile, name="skill_profile"),
    path("reports/skills/", views.org_report, name="org_report"),
]
