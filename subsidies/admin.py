from django.contrib import admin

from common.admin import ScopedAdmin, ScopedHistoryAdmin, ViewOnlyAdminMixin

from .models import SubsidyAdjustment, SubsidyLine, SubsidyPolicy, SubsidySheet

# Every change has its own page (补贴政策, 月度补贴表) and its rules in subsidies.services: the
# admin only shows, within the user's scope.


@admin.register(SubsidyPolicy)
class SubsidyPolicyAdmin(ViewOnlyAdminMixin, ScopedHistoryAdmin):
    list_display = ("county", "effective_from", "monthly_amount", "bonus_excellent", "bonus_competent", "bonus_month")
    list_select_related = ("county",)
    search_fields = ("county__name", "notes")


@admin.register(SubsidySheet)
class SubsidySheetAdmin(ViewOnlyAdminMixin, ScopedAdmin):
    list_display = ("__str__", "state", "computed_at", "reviewed_at", "locked_at")
    list_filter = ("state",)
    list_select_related = ("county",)
    search_fields = ("county__name",)


@admin.register(SubsidyLine)
class SubsidyLineAdmin(ViewOnlyAdminMixin, ScopedAdmin):
    list_display = ("cadre", "sheet", "township", "village", "days", "base", "bonus", "total")
    list_select_related = ("cadre", "sheet__county", "township", "village")
    search_fields = ("cadre__name",)
    raw_id_fields = ("cadre", "sheet", "township", "village")


@admin.register(SubsidyAdjustment)
class SubsidyAdjustmentAdmin(ViewOnlyAdminMixin, ScopedAdmin):
    list_display = ("cadre", "sheet", "township", "amount", "reason", "created_by", "created_at")
    list_select_related = ("cadre", "sheet__county", "township", "created_by")
    search_fields = ("cadre__name", "reason")
    raw_id_fields = ("cadre", "sheet", "township")
