from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipConfig(AppConfig):
    name = "mentorship"
    verbose_name = _("导师帮带")

    def ready(self) -> None:
        from cadre.models import ImportKind
        from cadre.roster.uploads import Importer, register_importer
        from cadre.sections import CadreSection, register_section

        from . import receivers  # noqa: F401  (connects the cadre event receivers)
        from .importing import mentor_import
        from .selectors import cadre_mentorship

        register_section(
            CadreSection(key="mentorship", template="mentorship/cadre_section.html", context=cadre_mentorship, order=10)
        )
        register_importer(
            ImportKind.MENTORS,
            Importer(run=mentor_import, upload_url="mentorship:mentor-import", done_url="mentorship:mentor-list"),
        )
