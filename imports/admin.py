from django.contrib import admin

from common.admin import ScopedAdmin, ViewOnlyAdminMixin

from .models import HeaderMapping, ImportRecord


@admin.register(ImportRecord)
class ImportRecordAdmin(ViewOnlyAdminMixin, ScopedAdmin):
    list_display = ("filename", "kind", "user", "state", "created_at", "applied_at")
    list_filter = ("kind", "state")
    list_select_related = ("user",)
    search_fields = ("filename",)


@admin.register(HeaderMapping)
class HeaderMappingAdmin(ViewOnlyAdminMixin, ScopedAdmin):
    list_display = ("header", "field", "kind", "township", "county", "chosen_by", "updated_at")
    list_filter = ("kind",)
    list_select_related = ("township", "county", "chosen_by")
    search_fields = ("header",)
