from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("教育培训")

    def ready(self) -> None:
        from cadre.sections import CadreSection, register_section
        from imports.engine import register_importer

        from .importing import NEEDS_IMPORTER
        from .selectors import cadre_training

        register_importer(NEEDS_IMPORTER)
        register_section(
            CadreSection(key="training", template="training/cadre_section.html", context=cadre_training, order=30)
        )
