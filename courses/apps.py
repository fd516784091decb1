from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Training")

    def ready(self) -> None:
        from assessments.hooks import (
            attempt_next_steps_collecting,
            attempts_scored,
            quiz_list_annotating,
        )
        from courses import reminders, selectors, services
        from notifications.hooks import reminder_rules
        from skills.hooks import skill_reading_collecting

        attempts_scored.connect(services.quiz_follow_up)
        quiz_list_annotating.connect(selectors.quiz_list_completes_module)
        attempt_next_steps_collecting.connect(selectors.attempt_next_steps_module)
        reminder_rules.connect(reminders.assignment_reminder_rules)
        skill_reading_collecting.connect(selectors.skill_reading)
