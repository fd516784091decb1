from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from assessments.health import scoring_backlog
        from core.health import backlog_probing

        backlog_probing.connect(scoring_backlog)
