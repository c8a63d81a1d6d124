import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import FilterForm

from .models import Attendance, AttendanceStatus, Kind, Level, TrainingSession

MONTHS = [(m, f"{m}月") for m in range(1, 13)]


class SessionFilter(django_filters.FilterSet):
    """The session list's and the API's filters: year and month of the date, level, kind;
    the API also takes ``month=YYYY-MM``."""

    year = django_filters.NumberFilter(label=_("年份"), field_name="date", lookup_expr="year")
    month = django_filters.CharFilter(
        label=_("月份"), method="filter_month", widget=forms.Select(choices=[("", _("全部月份")), *MONTHS])
    )
    level = django_filters.ChoiceFilter(label=_("培训层级"), choices=Level.choices, empty_label=_("全部层级"))
    kind = django_filters.ChoiceFilter(label=_("培训类型"), choices=Kind.choices, empty_label=_("全部类型"))
    needs = django_filters.ChoiceFilter(
        label=_("需求征集"), choices=[("open", _("征集中（尚未举行）"))], empty_label=_("全部"), method="filter_needs"
    )

    class Meta:
        model = TrainingSession
        fields = ["year", "month", "level", "kind", "needs"]
        form = FilterForm

    def filter_needs(self, queryset, name, value):
        return queryset.filter(date__gte=timezone.localdate()) if value == "open" else queryset

    def filter_month(self, queryset, name, value):
        value = value.strip()
        if "-" in value:  # 2026-05
            year, _sep, month = value.partition("-")
            if year.isdigit() and month.isdigit():
                return queryset.filter(date__year=int(year), date__month=int(month))
            return queryset.none()
        if value.isdigit():
            return queryset.filter(date__month=int(value))
        return queryset.none() if value else queryset


class AttendanceFilter(django_filters.FilterSet):
    session = django_filters.NumberFilter(label=_("培训班次ID"), field_name="session_id")
    cadre = django_filters.NumberFilter(label=_("后备干部ID"), field_name="cadre_id")
    status = django_filters.ChoiceFilter(label=_("出勤情况"), choices=AttendanceStatus.choices)

    class Meta:
        model = Attendance
        fields = ["session", "cadre", "status"]
