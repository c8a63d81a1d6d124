import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from common.filters import StableOrderingFilter
from common.forms import FilterForm
from org.selectors import township_list

from .models import Assignment
from .selectors import kind_list


class AssignmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索（姓名、单位）"), method="filter_search")
    township = django_filters.ModelChoiceFilter(
        label=_("乡镇(街道)"), field_name="cadre__village__township", queryset=None, empty_label=_("全部乡镇")
    )
    kind = django_filters.ModelChoiceFilter(label=_("岗位类型"), queryset=None, empty_label=_("全部类型"))
    full_time = django_filters.BooleanFilter(
        label=_("脱产"), widget=forms.Select(choices=[("", _("全部")), ("true", _("全脱产")), ("false", _("兼职"))])
    )
    ongoing = django_filters.BooleanFilter(
        label=_("进行中"),
        field_name="ended_on",
        lookup_expr="isnull",
        widget=forms.Select(choices=[("", _("全部")), ("true", _("进行中")), ("false", _("已结束"))]),
    )
    ordering = StableOrderingFilter(
        label=_("排序"),
        fields=(("started_on", "started_on"), ("cadre__name", "cadre"), ("cadre__village__township__name", "township")),
        field_labels={"started_on": _("开始日期"), "cadre": _("姓名"), "township": _("乡镇")},
    )

    class Meta:
        model = Assignment
        fields = ["q", "township", "kind", "full_time", "ongoing"]
        form = FilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        self.filters["township"].queryset = township_list(user=user)
        self.filters["kind"].queryset = kind_list(user=user)

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(cadre__name__icontains=value) | Q(host_unit__icontains=value))
