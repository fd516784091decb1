from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from privacy import checks  # noqa: F401 (registers the system check)

        # each app's personal_data.py declares what it stores (core/privacy.py)
        autodiscover_modules("personal_data")
