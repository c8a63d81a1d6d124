import django_filters
from django.utils.translation import gettext_lazy as _

from common.forms import DateInput, FilterForm

from .engine import registered_kinds
from .models import ImportRecord, ImportState
from .selectors import import_users


class ImportRecordFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=(), empty_label=_("全部类型"))
    state = django_filters.ChoiceFilter(label=_("状态"), choices=ImportState.choices, empty_label=_("全部状态"))
    user = django_filters.ModelChoiceFilter(label=_("导入人"), queryset=None, empty_label=_("全部人员"))
    since = django_filters.DateFilter(
        label=_("起始日期"), field_name="created_at", lookup_expr="date__gte", widget=DateInput()
    )
    until = django_filters.DateFilter(
        label=_("截止日期"), field_name="created_at", lookup_expr="date__lte", widget=DateInput()
    )
    filename = django_filters.CharFilter(label=_("文件名"), lookup_expr="icontains")

    class Meta:
        model = ImportRecord
        fields = ["kind", "state", "user", "since", "until", "filename"]
        form = FilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = [(i.kind, i.label) for i in registered_kinds()]
        self.filters["user"].queryset = import_users(user=self.request.user)
        self.filters["user"].field.label_from_instance = _user_label


def _user_label(user) -> str:
    unit = user.township or user.county
    name = user.get_full_name() or user.username
    return f"{name}（{unit}）" if unit else name
