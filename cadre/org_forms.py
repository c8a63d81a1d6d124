"""Forms of the village's two-committee section (see org_views)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapFormMixin, DateInput


class SeatAssignForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("现任姓名"), max_length=50, help_text=_("不在后备干部花名册中的现任"))
    since = forms.DateField(label=_("任职时间"), widget=DateInput())


class SeatEndForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label=_("离任时间"), widget=DateInput())
    reason = forms.CharField(label=_("离任原因"), max_length=200, help_text=_("如：换届离任、辞职、调任、去世"))


class SeatPromoteForm(BootstrapFormMixin, forms.Form):
    cadre = forms.ModelChoiceField(label=_("选任的后备干部"), queryset=None, empty_label=_("请选择…"))
    on = forms.DateField(label=_("任职时间"), widget=DateInput())

    def __init__(self, *args, reserves, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = reserves
        self.fields["cadre"].label_from_instance = lambda c: f"{c.name}（{c.get_status_display()}）"
        self.fields["on"].initial = timezone.localdate()
