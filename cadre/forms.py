from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapFormMixin, DateInput
from common.widgets import RemoteSelect
from org.models import County
from org.selectors import seat_list_vacant, village_list

from .models import Cadre, Status
from .rules import check_party_joined_on
from .search import village_label
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
            # searched on the server: a county's villages are never all rendered
            "village": RemoteSelect("cadre:search-villages"),
        }
        error_messages = {"village": {"invalid_choice": _("请选择本辖区内的村(社区)。")}}
        help_texts = {
            "birth_date": _("可不填，按身份证号自动生成"),
            "gender": _("可不填，按身份证号自动生成"),
            "party_joined_on": _("中共党员、预备党员填写"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = village_list(user=user)
        self.fields["village"].label_from_instance = village_label
        self.fields["village"].empty_label = _("请选择…（输入村或乡镇名称搜索）")

    def clean(self):
        data = super().clean()
        # The county's rule, shown with the form's other errors (the service checks it again).
        village = data.get("village")
        if "party_joined_on" in self.errors:
            return data
        try:
            check_party_joined_on(
                political_status=data.get("political_status"), party_joined_on=data.get("party_joined_on"),
                village_id=village.pk if village else None,
            )  # fmt: skip
        except forms.ValidationError as exc:
            self.add_error(None, exc)
        return data


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


class CountySettingsForm(BootstrapFormMixin, forms.ModelForm):
    """县级设置: read by the service (org.services.county_settings_update), which saves."""

    class Meta:
        model = County
        fields = ("min_reserves_per_village", "party_joined_on_required")
