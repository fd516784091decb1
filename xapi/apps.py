from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XapiConfig(AppConfig):
    name = "xapi"
    verbose_name = _("xAPI")

    def ready(self) -> None:
        from assessments.hooks import attempts_scored, candidate_attempts_scored
        from courses.hooks import lesson_completed, module_completed, sop_acknowledged
        from qa.hooks import qa_assignment_made
        from readiness.hooks import readiness_decided
        from xapi import services

        sop_acknowledged.connect(services.on_sop_acknowledged)
        lesson_completed.connect(services.on_lesson_completed)
        module_completed.connect(services.on_module_completed)
        attempts_scored.connect(services.on_attempts_scored)
        candidate_attempts_scored.connect(services.on_candidate_attempts_scored)
        qa_assignment_made.connect(services.on_qa_assignment_made)
        readiness_decided.connect(services.on_readiness_decided)
