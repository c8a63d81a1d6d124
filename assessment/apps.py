from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("一线历练与年度考核")

    def ready(self) -> None:
        from cadre.sections import CadreSection, register_section

        from .selectors import cadre_assignments

        register_section(
            CadreSection(
                key="assignments", template="assessment/cadre_section.html", context=cadre_assignments, order=20
            )
        )
