from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.urls import register_converter

        from core import production  # noqa: F401 (registers the deploy check)
        from core.ids import IdConverter

        register_converter(IdConverter, "id")  # <id:…>: ids that fit a bigint (core/ids.py)
