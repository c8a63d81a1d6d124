from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cadre.models import Status
from cadre.search import cadre_label
from cadre.selectors import cadre_list
from common.forms import BootstrapFormMixin, DateInput
from common.widgets import RemoteSelect

from .models import Assignment, Deed
from .selectors import kind_list


class AssignmentForm(BootstrapFormMixin, forms.ModelForm):
    # Searched on the server among the reserves still in the pool: never all rendered.
    cadre = forms.ModelChoiceField(
        label=_("后备干部"), queryset=None, empty_label=_("请选择后备干部（输入姓名搜索）"),
        widget=RemoteSelect("cadre:search-cadres", params="pool=1"),
        error_messages={"invalid_choice": _("请选择本辖区内在册的后备干部（储备中或重点培养）。")},
    )  # fmt: skip

    class Meta:
        model = Assignment
        fields = ("cadre", "kind", "role", "host_unit", "started_on", "ended_on", "full_time", "hours", "evaluation",
                  "notes")  # fmt: skip
        widgets = {"started_on": DateInput(), "ended_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kind_list(user=user)
        self.fields["kind"].empty_label = _("请选择岗位类型")
        self.fields["evaluation"].choices = [("", _("尚未评价")), *Assignment._meta.get_field("evaluation").choices]
        if self.instance.pk:
            del self.fields["cadre"]  # an assignment stays with its reserve
        else:
            cadres = cadre_list(user=user).filter(status__in=(Status.RESERVE, Status.KEY_TRAINING))
            self.fields["cadre"].queryset = cadres
            self.fields["cadre"].label_from_instance = cadre_label

    def _get_validation_exclusions(self) -> set[str]:
        # Leaving the reserve out of the model's validation skips the overlap constraint
        # here: the service checks overlaps and names the post that overlaps.
        return {*super()._get_validation_exclusions(), "cadre"}


class DeedForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Deed
        fields = ("title", "date", "text")
        widgets = {"date": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}
