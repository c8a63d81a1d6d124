from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Cadre


@admin.register(Cadre)
class CadreAdmin(SimpleHistoryAdmin):
    list_display = ("name", "gender", "village", "education", "political_status", "tier", "status")
    list_filter = ("status", "tier", "education", "political_status", "source", "village__township")
    list_select_related = ("village",)
    search_fields = ("name", "id_number", "phone")
    autocomplete_fields = ("village",)
    raw_id_fields = ("seat",)
