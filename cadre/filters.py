import datetime as dt

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.filters import StableOrderingFilter
from common.forms import FilterForm
from common.idcard import years_before
from common.widgets import RemoteSelect
from org.selectors import township_list, village_list

from .models import Cadre, Education, PoliticalStatus, Source, Status, Tier

AGE_BANDS = {
    # band: (youngest age included, oldest age included)
    "under35": (0, 34),
    "35to44": (35, 44),
    "45to54": (45, 54),
    "55plus": (55, 200),
}
AGE_BAND_CHOICES = [
    ("under35", _("35岁以下")),
    ("35to44", _("35-44岁")),
    ("45to54", _("45-54岁")),
    ("55plus", _("55岁及以上")),
]


def birth_date_range(youngest: int, oldest: int, *, today: dt.date) -> Q:
    """People aged youngest..oldest on ``today``: born after the day they would have
    turned oldest+1 and on or before the day they turned ``youngest``."""
    return Q(
        birth_date__gt=years_before(today, oldest + 1),
        birth_date__lte=years_before(today, youngest),
    )


class CadreFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="filter_search")
    township = django_filters.ModelChoiceFilter(
        label=_("乡镇(街道)"), field_name="village__township", queryset=None, empty_label=_("全部乡镇")
    )
    # Searched on the server (RemoteSelect): the page renders only the chosen village, not
    # the thousands of a city or province deployment.
    village = django_filters.ModelChoiceFilter(
        label=_("村(社区)"), queryset=None, empty_label=_("全部村"), widget=RemoteSelect("cadre:search-villages")
    )
    tier = django_filters.ChoiceFilter(label=_("层级"), choices=Tier.choices, empty_label=_("全部层级"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices, empty_label=_("全部状态"))
    political_status = django_filters.ChoiceFilter(
        label=_("政治面貌"), choices=PoliticalStatus.choices, empty_label=_("全部政治面貌")
    )
    education = django_filters.ChoiceFilter(label=_("学历"), choices=Education.choices, empty_label=_("全部学历"))
    source = django_filters.ChoiceFilter(label=_("来源"), choices=Source.choices, empty_label=_("全部来源"))
    age_band = django_filters.ChoiceFilter(
        label=_("年龄段"), choices=AGE_BAND_CHOICES, method="filter_age_band", empty_label=_("全部年龄")
    )
    ordering = StableOrderingFilter(
        label=_("排序"),
        fields=(
            ("name", "name"),
            ("birth_date", "birth_date"),
            ("village__township__name", "township"),
            ("village__name", "village"),
            ("updated_at", "updated_at"),
        ),
        field_labels={
            "name": _("姓名"),
            "birth_date": _("出生日期"),
            "township": _("乡镇"),
            "village": _("村"),
            "updated_at": _("更新时间"),
        },
    )

    class Meta:
        model = Cadre
        form = FilterForm
        fields = [
            "q",
            "township",
            "village",
            "tier",
            "status",
            "political_status",
            "education",
            "source",
            "age_band",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices offered are only the units the user may see.
        user = self.request.user
        self.filters["township"].queryset = township_list(user=user)
        self.filters["village"].queryset = village_list(user=user)

    def filter_search(self, queryset, name, value):
        value = "".join(value.split())
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(id_number__icontains=value.upper()) | Q(phone__icontains=value)
        )

    def filter_age_band(self, queryset, name, value):
        youngest, oldest = AGE_BANDS[value]
        return queryset.filter(birth_date_range(youngest, oldest, today=timezone.localdate()))
