from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Practice"

    def ready(self) -> None:
        from notifications.reminders import reminder_rules
        from practice.nudges import practice_nudge_rule

        reminder_rules.connect(practice_nudge_rule)
