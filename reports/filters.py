import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common.forms import FilterForm
from org.selectors import township_list

from .forms import MonthField
from .models import ReportKind, ReportRun


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class ReportRunFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("报表类型"), choices=ReportKind.choices, empty_label=_("全部类型"))
    month = MonthFilter(label=_("月份"), field_name="month")
    township = django_filters.ModelChoiceFilter(label=_("乡镇(街道)"), queryset=None, empty_label=_("全部范围"))
    current = django_filters.BooleanFilter(
        label=_("版本"), field_name="is_current", method="filter_current",
        widget=forms.Select(choices=[("", _("全部")), ("true", _("仅当前版本"))]),
    )  # fmt: skip

    class Meta:
        model = ReportRun
        fields = ["kind", "month", "township", "current"]
        form = FilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        if user.scope.is_township:
            del self.filters["township"]
        else:
            self.filters["township"].queryset = township_list(user=user).order_by("name")

    def filter_current(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        return queryset.filter(is_current=True) if value else queryset
