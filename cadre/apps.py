from django.apps import AppConfig


class CadreConfig(AppConfig):
    name = "cadre"
    verbose_name = "后备干部"

    def ready(self) -> None:
        from imports.engine import register_importer

        from .roster.service import ROSTER_IMPORTER

        register_importer(ROSTER_IMPORTER)
