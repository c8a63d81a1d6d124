from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapFormMixin, DateInput
from org.selectors import seat_list_vacant, village_list

from .models import Cadre, Status
from .services import EDITABLE_FIELDS


class CadreForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Cadre
        fields = EDITABLE_FIELDS
        widgets = {
            "birth_date": DateInput(),
            "party_joined_on": DateInput(),
            "entered_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "birth_date": _("可不填，按身份证号自动生成"),
            "gender": _("可不填，按身份证号自动生成"),
            "party_joined_on": _("中共党员、预备党员填写"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = village_list(user=user)
        self.fields["village"].label_from_instance = lambda v: f"{v.township.name} / {v.name}"


class StatusChangeForm(BootstrapFormMixin, forms.Form):
    to = forms.ChoiceField(label=_("变更为"))
    on = forms.DateField(label=_("日期"), widget=DateInput())
    seat = forms.ModelChoiceField(
        label=_("两委职位（进入两委时选择）"), queryset=None, required=False, empty_label=_("请选择空缺职位")
    )
    reason = forms.CharField(label=_("退出原因（退出时填写）"), max_length=200, required=False)

    def __init__(self, *args, user, cadre: Cadre, **kwargs):
        super().__init__(*args, **kwargs)
        # Never pre-filled with a next state: the user picks one on purpose.
        allowed = [(s.value, s.label) for s in Status if s in cadre.allowed_transitions()]
        self.fields["to"].choices = [("", _("请选择…")), *allowed]
        self.fields["on"].initial = timezone.localdate()
        self.fields["seat"].queryset = seat_list_vacant(user=user).filter(
            village__township_id=cadre.village.township_id
        )
        self.fields["seat"].label_from_instance = str

    def clean(self):
        data = super().clean()
        # Asked before the confirmation step, so that step can say what will happen
        # (the service checks the same again).
        if data.get("to") == Status.SEATED and not data.get("seat"):
            self.add_error("seat", _("请选择所任两委职位。"))
        if data.get("to") == Status.LEFT and not (data.get("reason") or "").strip():
            self.add_error("reason", _("请填写退出原因。"))
        return data
