from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("导师帮带")

    def ready(self) -> None:
        from cadre.sections import CadreSection, register_section
        from cadre.status_effects import register_status_effect
        from imports.engine import register_importer

        from . import receivers  # noqa: F401  (connects the cadre event receivers)
        from .importing import MENTOR_IMPORTER
        from .selectors import cadre_mentorship

        register_section(
            CadreSection(key="mentorship", template="mentorship/cadre_section.html", context=cadre_mentorship, order=10)
        )
        register_importer(MENTOR_IMPORTER)
        register_status_effect("mentorship", receivers.describe_leaving_pool)
