from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = "导师帮带"

    def ready(self) -> None:
        from cadre.sections import CadreSection, register_section
        from imports.engine import register_importer

        from . import receivers  # noqa: F401  (connects the cadre event receivers)
        from .importing import MENTOR_IMPORTER
        from .selectors import cadre_mentorship

        register_section(
            CadreSection(key="mentorship", template="mentorship/cadre_section.html", context=cadre_mentorship, order=10)
        )
        register_importer(MENTOR_IMPORTER)
