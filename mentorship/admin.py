from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CountyPolicy, FormRequirement, Mentor, MentoringLog, Pairing


@admin.register(Mentor)
class MentorAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "township", "unit", "post", "max_mentees", "is_active")
    list_filter = ("kind", "is_active", "township")
    list_select_related = ("township",)
    search_fields = ("name", "unit", "specialties")


class FormRequirementInline(admin.TabularInline):
    model = FormRequirement
    extra = 0


@admin.register(CountyPolicy)
class CountyPolicyAdmin(admin.ModelAdmin):
    list_display = ("county", "mentee_limit")
    inlines = [FormRequirementInline]


@admin.register(Pairing)
class PairingAdmin(SimpleHistoryAdmin):
    list_display = ("cadre", "mentor", "started_on", "planned_end_on", "ended_on")
    list_filter = ("ended_on",)
    list_select_related = ("cadre", "mentor")
    search_fields = ("cadre__name", "mentor__name")
    raw_id_fields = ("cadre", "mentor", "created_by")


@admin.register(MentoringLog)
class MentoringLogAdmin(SimpleHistoryAdmin):
    list_display = ("date", "form", "pairing", "hours", "entered_by")
    list_filter = ("form", "entered_by")
    list_select_related = ("pairing__cadre", "pairing__mentor")
    search_fields = ("pairing__cadre__name", "pairing__mentor__name", "content")
    raw_id_fields = ("pairing", "created_by")
    date_hierarchy = "date"
