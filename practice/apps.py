from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = _("Practice")

    def ready(self) -> None:
        from notifications.hooks import reminder_rules
        from practice.nudges import practice_nudge_rule
        from practice.panels import add_effect_panel
        from qa.hooks import effect_panels_collecting

        reminder_rules.connect(practice_nudge_rule)
        effect_panels_collecting.connect(add_effect_panel)
