import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapFormMixin
from org.selectors import township_list

from .models import ReportKind


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (an <input type="month">); cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month"})
    default_error_messages = {"invalid": _("请按“年-月”填写月份，如 2026-05。")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return dt.datetime.strptime(value.strip()[:7], "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        return f"{value:%Y-%m}" if isinstance(value, dt.date) else value


class ReportRequestForm(BootstrapFormMixin, forms.Form):
    """What to generate. A township secretary's reports are always of their own township
    (no choice shown); county staff choose the whole county or one township."""

    kind = forms.ChoiceField(label=_("报表类型"), choices=ReportKind.choices)
    month = MonthField(label=_("月份"))
    township = forms.ModelChoiceField(label=_("范围"), queryset=None, required=False, empty_label=_("全县(区)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.scope.is_township:
            del self.fields["township"]
        else:
            self.fields["township"].queryset = township_list(user=user).order_by("name")
