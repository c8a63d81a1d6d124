from django.contrib import admin

from common.admin import ScopedAdmin, ScopedHistoryAdmin, ServiceAdminMixin, ViewOnlyAdminMixin

from .models import Assignment, AssignmentKind, Deed
from .services import assignment_kind_save


@admin.register(AssignmentKind)
class AssignmentKindAdmin(ServiceAdminMixin, ScopedAdmin):
    """County staff add their county's kinds of post; the built-in kinds are read-only for them."""

    list_display = ("name", "county", "min_days", "order")
    list_select_related = ("county",)
    fields = ("name", "min_days", "order")
    search_fields = ("name",)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.county_id is None and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def save_through_service(self, request, obj, data):
        return assignment_kind_save(user=request.user, kind=obj, data=data)


@admin.register(Assignment)
class AssignmentAdmin(ViewOnlyAdminMixin, ScopedHistoryAdmin):
    list_display = ("cadre", "kind", "host_unit", "started_on", "ended_on", "full_time", "evaluation")
    list_filter = ("kind", "full_time", "evaluation")
    list_select_related = ("cadre", "kind")
    search_fields = ("cadre__name", "host_unit")


@admin.register(Deed)
class DeedAdmin(ViewOnlyAdminMixin, ScopedHistoryAdmin):
    list_display = ("title", "assignment", "date", "publicized")
    list_filter = ("publicized",)
    list_select_related = ("assignment__cadre", "assignment__kind")
    search_fields = ("title", "assignment__cadre__name")
