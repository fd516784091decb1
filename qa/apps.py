from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QAConfig(AppConfig):
    name = "qa"
    verbose_name = _("QA findings")

    def ready(self) -> None:
        from qa.views import team_skills_sections
        from skills.hooks import team_skills_page_drawing

        team_skills_page_drawing.connect(team_skills_sections)
