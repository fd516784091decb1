from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from accounts.hooks import account_changed
        from audit import services

        account_changed.connect(services.on_account_changed)
