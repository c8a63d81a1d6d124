"""Filters for the mentorship API. Choices of units, mentors, cadres and pairings are
narrowed to the caller's scope, so an id outside it is a 400, never a leak."""

import django_filters
from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from cadre.search import village_label
from cadre.selectors import cadre_list
from common.filters import StableOrderingFilter
from common.forms import FilterForm
from common.widgets import RemoteSelect
from org.selectors import township_list, village_list

from . import selectors
from .models import ActivityForm, Mentor, MentoringLog, MentorKind, Pairing
from .widgets import mentor_label


class _ScopedFilterSet(django_filters.FilterSet):
    """Sets the queryset of each scoped choice filter from the request's user."""

    scoped: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        for name, selector in self.scoped.items():
            self.filters[name].queryset = selector(user=user)


class MentorFilter(_ScopedFilterSet):
    q = django_filters.CharFilter(label=_("搜索（姓名、单位、专长）"), method="filter_search")
    township = django_filters.ModelChoiceFilter(label=_("乡镇(街道)"), queryset=None, empty_label=_("全部乡镇"))
    kind = django_filters.ChoiceFilter(label=_("导师类别"), choices=MentorKind.choices, empty_label=_("全部类别"))
    is_active = django_filters.BooleanFilter(
        label=_("在库"), widget=forms.Select(choices=[("", _("全部")), ("true", _("在库")), ("false", _("已出库"))])
    )
    ordering = StableOrderingFilter(
        label=_("排序"),
        fields=(
            ("name", "name"),
            ("township__name", "township"),
            ("kind", "kind"),
            ("active_count", "active_count"),
            ("updated_at", "updated_at"),
        ),
        field_labels={
            "name": _("姓名"),
            "township": _("乡镇"),
            "kind": _("导师类别"),
            "active_count": _("在帮人数"),
            "updated_at": _("更新时间"),
        },
    )

    scoped = {"township": township_list}

    class Meta:
        model = Mentor
        fields = ["q", "township", "kind", "is_active"]
        form = FilterForm

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(unit__icontains=value) | Q(specialties__icontains=value))


class PairingFilter(_ScopedFilterSet):
    active = django_filters.BooleanFilter(label=_("在帮（未结束）"), field_name="ended_on", lookup_expr="isnull")
    township = django_filters.ModelChoiceFilter(
        label=_("乡镇(街道)"), field_name="cadre__village__township", queryset=None
    )
    mentor = django_filters.ModelChoiceFilter(label=_("导师"), queryset=None)
    cadre = django_filters.ModelChoiceFilter(label=_("后备干部"), queryset=None)
    ordering = StableOrderingFilter(
        label=_("排序"),
        fields=(
            ("started_on", "started_on"),
            ("ended_on", "ended_on"),
            ("cadre__name", "cadre"),
            ("mentor__name", "mentor"),
        ),
        field_labels={
            "started_on": _("结对时间"),
            "ended_on": _("结束时间"),
            "cadre": _("后备干部"),
            "mentor": _("导师"),
        },
    )

    scoped = {"township": township_list, "mentor": selectors.mentor_list, "cadre": cadre_list}

    class Meta:
        model = Pairing
        fields = ["active", "township", "mentor", "cadre"]


class PairingPageFilter(_ScopedFilterSet):
    """The pairing list page's filters. Villages and mentors are searched on the server
    (RemoteSelect), so the page renders only the chosen one, not the county's thousands."""

    SHOW_CHOICES = (("active", _("在帮")), ("ended", _("已结束")), ("all", _("全部")))

    q = django_filters.CharFilter(label=_("姓名（后备干部或导师）"), method="filter_name")
    township = django_filters.ModelChoiceFilter(
        label=_("乡镇(街道)"), field_name="cadre__village__township", queryset=None, empty_label=_("全部乡镇")
    )
    village = django_filters.ModelChoiceFilter(
        label=_("村(社区)"), field_name="cadre__village", queryset=None, empty_label=_("全部村"),
        widget=RemoteSelect("cadre:search-villages"),
    )  # fmt: skip
    mentor = django_filters.ModelChoiceFilter(
        label=_("导师"), queryset=None, empty_label=_("全部导师"), widget=RemoteSelect("mentorship:search-mentors")
    )
    show = django_filters.ChoiceFilter(
        label=_("结对状态"), choices=SHOW_CHOICES, empty_label=None, method="filter_show"
    )
    overdue = django_filters.ChoiceFilter(
        label=_("帮带逾期"), choices=(("1", _("只看逾期")),), empty_label=_("全部"), method="filter_overdue"
    )

    scoped = {"township": township_list, "village": village_list, "mentor": selectors.mentor_list}

    class Meta:
        model = Pairing
        fields = ["q", "township", "village", "mentor", "show", "overdue"]
        form = FilterForm

    def __init__(self, data=None, *args, **kwargs):
        # active pairings unless asked otherwise (a bare page load too)
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("show"):
            data["show"] = "active"
        super().__init__(data, *args, **kwargs)
        # the chosen option reads as the search results do
        self.form.fields["village"].label_from_instance = village_label
        self.form.fields["mentor"].label_from_instance = mentor_label

    def filter_name(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(cadre__name__icontains=value) | Q(mentor__name__icontains=value))

    def filter_show(self, queryset, name, value):
        if value == "active":
            return queryset.filter(ended_on__isnull=True)
        if value == "ended":
            return queryset.filter(ended_on__isnull=False)
        return queryset

    def filter_overdue(self, queryset, name, value):
        # the list view annotates ``is_overdue`` (selectors.with_overdue)
        return queryset.filter(is_overdue=True) if value == "1" else queryset


class MentoringLogFilter(_ScopedFilterSet):
    pairing = django_filters.ModelChoiceFilter(label=_("结对"), queryset=None)
    form = django_filters.ChoiceFilter(label=_("帮带形式"), choices=ActivityForm.choices)
    date = django_filters.DateFromToRangeFilter(label=_("日期"))
    township = django_filters.ModelChoiceFilter(
        label=_("乡镇(街道)"), field_name="pairing__cadre__village__township", queryset=None
    )
    ordering = StableOrderingFilter(
        label=_("排序"),
        fields=(("date", "date"), ("hours", "hours"), ("created_at", "created_at")),
        field_labels={"date": _("日期"), "hours": _("时长"), "created_at": _("录入时间")},
    )

    scoped = {"township": township_list, "pairing": selectors.pairing_list}

    class Meta:
        model = MentoringLog
        fields = ["pairing", "form", "date", "township"]
