from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from assessments.health import scoring_backlog
        from core.health import backlog_probing

        backlog_probing.connect(scoring_backlog)
