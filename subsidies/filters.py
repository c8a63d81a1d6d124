import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common.forms import FilterForm
from org.selectors import township_list, village_list

from .models import SubsidyLine


class LineFilter(django_filters.FilterSet):
    """A sheet's lines by township, village and name; the choices are the caller's, in the
    sheet's county."""

    q = django_filters.CharFilter(label=_("姓名"), method="filter_name")
    township = django_filters.ModelChoiceFilter(label=_("乡镇(街道)"), queryset=None, empty_label=_("全部乡镇"))
    village = django_filters.ModelChoiceFilter(label=_("村(社区)"), queryset=None, empty_label=_("全部村"))

    class Meta:
        model = SubsidyLine
        fields = ["q", "township", "village"]
        form = FilterForm

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        self.filters["township"].queryset = township_list(user=user).filter(county_id=sheet.county_id)
        villages = village_list(user=user).filter(township__county_id=sheet.county_id).select_related("township")
        township = (self.data or {}).get("township")
        if township and str(township).isdigit():
            villages = villages.filter(township_id=township)
        self.filters["village"].queryset = villages.order_by("township__name", "name")
        self.form.fields["village"].label_from_instance = lambda v: f"{v.township.name} {v.name}"

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(cadre__name__icontains=value) if value else queryset
