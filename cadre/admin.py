from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Cadre, RosterImport


@admin.register(Cadre)
class CadreAdmin(SimpleHistoryAdmin):
    list_display = ("name", "gender", "village", "education", "political_status", "tier", "status")
    list_filter = ("status", "tier", "education", "political_status", "source", "village__township")
    list_select_related = ("village",)
    search_fields = ("name", "id_number", "phone")
    autocomplete_fields = ("village",)
    raw_id_fields = ("seat",)


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    list_display = ("filename", "user", "state", "created_at", "applied_at")
    list_filter = ("state",)
    list_select_related = ("user",)
    readonly_fields = ("id", "user", "filename", "sha256", "digest", "state", "counts", "applied_at", "file")
