from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import ScopedHistoryAdmin, ServiceAdminMixin

from .models import Cadre
from .services import EDITABLE_FIELDS, cadre_create, cadre_update

# Changed only by cadre_change_status, on the cadre page's status form: it keeps the
# seat's holder and the reserve's pairing in step.
LIFECYCLE_FIELDS = ("status", "key_training_since", "seat", "seated_on", "left_on", "left_reason")


@admin.register(Cadre)
class CadreAdmin(ServiceAdminMixin, ScopedHistoryAdmin):
    list_display = (
        "name",
        "gender",
        "village",
        "id_number",
        "phone",
        "education",
        "political_status",
        "tier",
        "status",
    )
    list_filter = ("status", "tier", "education", "political_status", "source", "village__township")
    list_select_related = ("village",)
    search_fields = ("name", "id_number", "phone")
    autocomplete_fields = ("village",)
    fieldsets = (
        (None, {"fields": EDITABLE_FIELDS}),
        (_("状态（在后备干部详情页变更）"), {"fields": LIFECYCLE_FIELDS}),
    )
    readonly_fields = LIFECYCLE_FIELDS

    def save_through_service(self, request, obj, data):
        if obj._state.adding:
            return cadre_create(user=request.user, data=data)
        return cadre_update(user=request.user, cadre=obj, data=data)
