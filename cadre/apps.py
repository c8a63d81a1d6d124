from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CadreConfig(AppConfig):
    name = "cadre"
    verbose_name = _("后备干部")

    def ready(self) -> None:
        from imports.engine import register_importer

        from .roster.service import ROSTER_IMPORTER

        register_importer(ROSTER_IMPORTER)
