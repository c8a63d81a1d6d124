"""The account list's filters (the account pages have no API)."""

import django_filters
from django import forms
from django.db.models import Q
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from common.forms import FilterForm
from org.models import Township

from .models import Role, User


class AccountFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索（用户名、姓名）"), method="filter_search")
    role = django_filters.ChoiceFilter(label=_("角色"), choices=Role.choices, empty_label=_("全部角色"))
    township = django_filters.ModelChoiceFilter(label=_("乡镇(街道)"), queryset=None, empty_label=_("全部乡镇"))
    is_active = django_filters.BooleanFilter(
        label=_("状态"), widget=forms.Select(choices=[("", _("全部")), ("true", _("启用")), ("false", _("已停用"))])
    )

    class Meta:
        model = User
        fields = ["q", "role", "township", "is_active"]
        form = FilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["township"].queryset = Township.objects.visible_to(self.request.user)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.annotate(search_name=Concat("last_name", "first_name")).filter(
            Q(username__icontains=value) | Q(search_name__icontains=value)
        )
