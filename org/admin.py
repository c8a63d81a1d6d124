from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import ScopedAdmin, ScopedInline

from .models import County, Seat, Township, Village


@admin.register(County)
class CountyAdmin(ScopedAdmin):
    search_fields = ("name",)

    # Counties are set up by the deployment's superuser (import_units), not by county staff.
    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)


@admin.register(Township)
class TownshipAdmin(ScopedAdmin):
    list_display = ("name", "county")
    list_filter = ("county",)
    list_select_related = ("county",)
    search_fields = ("name",)


class SeatInline(ScopedInline):
    model = Seat
    extra = 0


@admin.register(Village)
class VillageAdmin(ScopedAdmin):
    list_display = ("name", "township")
    list_filter = ("township__county", "township")
    list_select_related = ("township",)
    search_fields = ("name", "township__name")
    inlines = [SeatInline]


@admin.register(Seat)
class SeatAdmin(ScopedAdmin):
    """A seat's holder is a seated reserve (set on the cadre page) or an incumbent outside
    the registry (``holder_name`` here); the list shows whichever it is."""

    list_display = ("village", "post", "number", "holder", "since")
    list_filter = ("post", "village__township")
    list_select_related = ("village",)
    search_fields = ("village__name", "holder_name", "cadres__name")

    def get_queryset(self, request):
        return super().get_queryset(request).with_holder()

    @admin.display(description=_("现任"), ordering="current_holder")
    def holder(self, seat):
        return seat.holder or _("空缺")

    @admin.display(description=_("任职时间"), ordering="current_since")
    def since(self, seat):
        return seat.since
