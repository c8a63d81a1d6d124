from django.contrib import admin

from .models import County, Seat, Township, Village


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
class VillageAdmin(admin.ModelAdmin):
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
