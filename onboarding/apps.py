from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self) -> None:
        from assessments.hooks import attempt_next_steps_collecting, attempts_scored
        from courses.hooks import module_completed, sop_acknowledged
        from notifications.hooks import reminder_rules
        from onboarding import next_steps, reminders, services

        sop_acknowledged.connect(services.on_sop_acknowledged)
        module_completed.connect(services.on_module_completed)
        attempts_scored.connect(services.on_attempts_scored)
        attempt_next_steps_collecting.connect(next_steps.attempt_next_steps_plan)
        reminder_rules.connect(reminders.plan_item_reminder_rules)
