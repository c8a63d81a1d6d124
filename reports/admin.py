from django.contrib import admin

from common.admin import ScopedAdmin, ViewOnlyAdminMixin

from .models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(ViewOnlyAdminMixin, ScopedAdmin):
    """Reports are asked for and downloaded in 报表中心; the admin only shows the runs."""

    list_display = ("__str__", "status", "progress", "is_current", "requested_by", "requested_at", "finished_at")
    list_filter = ("kind", "status", "is_current")
    list_select_related = ("county", "township", "requested_by")
    search_fields = ("county__name", "township__name")
    exclude = ("file", "pdf")
