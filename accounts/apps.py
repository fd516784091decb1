from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and teams")

    def ready(self) -> None:
        # oidc registers the single sign-on settings check; schema the token scheme (OpenAPI).
        from accounts import oidc, schema  # noqa: F401
