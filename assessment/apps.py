from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("一线历练与年度考核")

    def ready(self) -> None:
        from cadre.sections import CadreSection, register_section
        from imports.engine import register_importer

        from .importing import ASSESSMENT_IMPORTER
        from .selectors import cadre_assignments

        register_importer(ASSESSMENT_IMPORTER)
        register_section(
            CadreSection(
                key="assignments", template="assessment/cadre_section.html", context=cadre_assignments, order=20
            )
        )
