"""Labels shared by the mentor search endpoint and the selects that show its results (the
select itself is common.widgets.RemoteSelect)."""

from typing import Any

from django.utils.translation import gettext as _


def mentor_label(mentor: Any) -> str:
    """A mentor from ``selectors.mentor_list`` (it annotates ``active_count``)."""
    return _("%(township)s %(name)s（%(kind)s，已带%(count)s人）") % {
        "township": mentor.township.name,
        "name": mentor.name,
        "kind": mentor.get_kind_display(),
        "count": mentor.active_count,
    }
