from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XapiConfig(AppConfig):
    name = "xapi"
    verbose_name = _("xAPI")

    def ready(self) -> None:
        from assessments.hooks import attempt_scored, candidate_attempt_scored
        from courses.hooks import lesson_completed, module_completed, sop_acknowledged
        from qa.hooks import qa_assignment_made
        from xapi import services

        sop_acknowledged.connect(services.on_sop_acknowledged)
        lesson_completed.connect(services.on_lesson_completed)
        module_completed.connect(services.on_module_completed)
        attempt_scored.connect(services.on_attempt_scored)
        candidate_attempt_scored.connect(services.on_candidate_attempt_scored)
        qa_assignment_made.connect(services.on_qa_assignment_made)
