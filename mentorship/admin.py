from django.contrib import admin

from common.admin import ScopedAdmin, ScopedHistoryAdmin, ScopedInline, ServiceAdminMixin, ViewOnlyAdminMixin

from .models import CountyPolicy, FormRequirement, Mentor, MentoringLog, Pairing
from .services import MENTOR_FIELDS, mentor_create, mentor_update


@admin.register(Mentor)
class MentorAdmin(ServiceAdminMixin, ScopedHistoryAdmin):
    list_display = ("name", "kind", "township", "unit", "post", "phone", "max_mentees", "is_active")
    list_filter = ("kind", "is_active", "township")
    list_select_related = ("township",)
    search_fields = ("name", "unit", "specialties")
    fields = MENTOR_FIELDS

    def save_through_service(self, request, obj, data):
        if obj._state.adding:
            return mentor_create(user=request.user, data=data)
        return mentor_update(user=request.user, mentor=obj, data=data)


# The rest have their own pages, which hold the rules: the policy page, the pairing
# page, the log form. The admin only shows them.


class FormRequirementInline(ViewOnlyAdminMixin, ScopedInline):
    model = FormRequirement
    extra = 0


@admin.register(CountyPolicy)
class CountyPolicyAdmin(ViewOnlyAdminMixin, ScopedAdmin):
    list_display = ("county", "mentee_limit")
    list_select_related = ("county",)
    search_fields = ("county__name",)
    inlines = [FormRequirementInline]


@admin.register(Pairing)
class PairingAdmin(ViewOnlyAdminMixin, ScopedHistoryAdmin):
    list_display = ("cadre", "mentor", "started_on", "planned_end_on", "ended_on")
    list_filter = ("ended_on",)
    list_select_related = ("cadre", "mentor")
    search_fields = ("cadre__name", "mentor__name")


@admin.register(MentoringLog)
class MentoringLogAdmin(ViewOnlyAdminMixin, ScopedHistoryAdmin):
    list_display = ("date", "form", "pairing", "hours", "entered_by", "withdrawn_at")
    list_filter = ("form", "entered_by")
    list_select_related = ("pairing__cadre", "pairing__mentor")
    search_fields = ("pairing__cadre__name", "pairing__mentor__name", "content")
    date_hierarchy = "date"

    def get_queryset(self, request):
        # withdrawn entries too (the default manager leaves them out), in the same scope
        queryset = MentoringLog.with_withdrawn.visible_to(request.user)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset
