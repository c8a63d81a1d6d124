from django.contrib import admin
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import XLSX

from .models import County, Seat, Township, Village
from .resources import VillageResource


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ("name", "county")
    list_filter = ("county",)
    list_select_related = ("county",)
    search_fields = ("name",)


class SeatInline(admin.TabularInline):
    model = Seat
    extra = 0


@admin.register(Village)
class VillageAdmin(ImportExportMixin, admin.ModelAdmin):
    resource_classes = [VillageResource]
    import_formats = [XLSX]
    export_formats = [XLSX]
    list_display = ("name", "township")
    list_filter = ("township__county", "township")
    list_select_related = ("township",)
    search_fields = ("name", "township__name")
    inlines = [SeatInline]


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ("village", "post", "number", "holder_name", "holder_since")
    list_filter = ("post", "village__township")
    list_select_related = ("village",)
    search_fields = ("village__name", "holder_name")
