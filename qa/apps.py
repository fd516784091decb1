from django.apps import AppConfig


class QAConfig(AppConfig):
    name = "qa"
    verbose_name = "QA findings"
