from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import ScopedAdmin, ScopedHistoryAdmin, ViewOnlyAdminMixin

from .models import Attendance, Topic, TrainingNeed, TrainingSession


@admin.register(TrainingSession)
class TrainingSessionAdmin(ViewOnlyAdminMixin, ScopedHistoryAdmin):
    """Sessions are planned and edited on their pages (the rules of who may run which)."""

    list_display = ("title", "date", "level", "kind", "organizer", "hours", "has_exam")
    list_filter = ("level", "kind", "has_exam")
    list_select_related = ("organizer",)
    search_fields = ("title", "lecturer", "place")
    date_hierarchy = "date"


@admin.register(Attendance)
class AttendanceAdmin(ViewOnlyAdminMixin, ScopedAdmin):
    """Attendance is taken on the session's page, all or nothing per page."""

    list_display = ("cadre", "session", "status", "exam_score", "note", "recorded_by")
    list_filter = ("status",)
    list_select_related = ("cadre", "session", "recorded_by")
    search_fields = ("cadre__name", "session__title")


@admin.register(TrainingNeed)
class TrainingNeedAdmin(ViewOnlyAdminMixin, ScopedAdmin):
    list_display = ("cadre", "session", "topic_labels", "details", "recorded_by")
    list_select_related = ("cadre", "session", "recorded_by")
    search_fields = ("cadre__name", "session__title", "details")

    @admin.display(description=_("需求主题"))
    def topic_labels(self, obj: TrainingNeed) -> str:
        """The topics in Chinese (the column holds their codes)."""
        labels = dict(Topic.choices)
        return "、".join(str(labels.get(t, t)) for t in obj.topics)
