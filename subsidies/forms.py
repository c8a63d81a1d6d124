import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cadre.models import Tier
from common.forms import BootstrapFormMixin, DateInput
from org.models import County

from .models import PAYABLE_STATUSES, SubsidyPolicy

MONTHS = [(m, _("%(m)s月") % {"m": m}) for m in range(1, 13)]


class CountyChoiceMixin:
    """A user who belongs to no county (a city-level superuser) chooses the county."""

    def add_county_field(self, user: User) -> None:
        if user.county_id is None:
            self.fields = {
                "county": forms.ModelChoiceField(
                    label=_("县(区)"), queryset=County.objects.visible_to(user), empty_label=_("请选择县(区)"),
                    widget=forms.Select(attrs={"class": "form-select"}),
                ),
                **self.fields,
            }  # fmt: skip


class PolicyForm(CountyChoiceMixin, BootstrapFormMixin, forms.ModelForm):
    wide_fields = ("notes",)
    eligible_tiers = forms.MultipleChoiceField(
        label=_("享受补贴的层级"), choices=Tier.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("不选为全部层级"),
    )  # fmt: skip
    eligible_statuses = forms.MultipleChoiceField(
        label=_("享受补贴的状态"), choices=PAYABLE_STATUSES, widget=forms.CheckboxSelectMultiple,
        help_text=_("进入两委的人员是否继续享受，由县里决定；已退出的人员不享受"),
    )  # fmt: skip
    bonus_month = forms.TypedChoiceField(label=_("绩效奖发放月份"), choices=MONTHS, coerce=int, initial=3)

    class Meta:
        model = SubsidyPolicy
        fields = ("effective_from", "monthly_amount", "eligible_tiers", "eligible_statuses", "bonus_excellent",
                  "bonus_competent", "bonus_basic", "bonus_month", "notes")  # fmt: skip
        widgets = {"effective_from": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.add_county_field(user)
        self.fields["bonus_month"].help_text = SubsidyPolicy._meta.get_field("bonus_month").help_text


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (the browser's month picker), cleaned to its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value: object) -> dt.date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class MonthForm(CountyChoiceMixin, BootstrapFormMixin, forms.Form):
    month = MonthField(label=_("月份"), error_messages={"invalid": _("请选择月份，如2026-03。")})

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_county_field(user)
        # Last month: the sheet the county usually computes at the start of a month.
        self.fields["month"].initial = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


class AdjustmentForm(BootstrapFormMixin, forms.Form):
    """The reserve is chosen on their line (``cadre``, hidden) or by ID number."""

    cadre = forms.IntegerField(required=False, widget=forms.HiddenInput)
    id_number = forms.CharField(
        label=_("后备干部身份证号"), required=False, max_length=18,
        help_text=_("可在明细中点“调整”选择人员，或输入身份证号"),
    )  # fmt: skip
    amount = forms.DecimalField(
        label=_("调整金额（元）"), max_digits=12, decimal_places=2, help_text=_("补发为正，扣回为负")
    )
    reason = forms.CharField(label=_("调整原因"), max_length=200)

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise ValidationError(_("调整金额不能为零。"))
        return amount.quantize(Decimal("0.01"))

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("cadre") and not (data.get("id_number") or "").strip():
            self.add_error("id_number", _("请选择或输入要调整的后备干部。"))
        return data
