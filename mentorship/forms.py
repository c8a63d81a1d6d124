from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cadre.search import cadre_label
from common.forms import BootstrapFormMixin, DateInput
from common.widgets import RemoteSelect
from org.selectors import township_list

from .models import ActivityForm, EnteredBy, Mentor, MentoringLog, Pairing
from .selectors import mentor_list, reserves_without_mentor
from .services import ATTACHMENT_TYPES
from .widgets import mentor_label


class MentorForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Mentor
        fields = ("township", "name", "kind", "unit", "post", "phone", "specialties", "max_mentees", "is_active")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = township_list(user=user)


class PairingForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Pairing
        fields = ("cadre", "mentor", "started_on", "planned_end_on", "goals")
        widgets = {
            # searched on the server: the county's reserves and mentors are never all rendered
            "cadre": RemoteSelect("mentorship:search-free-cadres"),
            "mentor": RemoteSelect("mentorship:search-mentors", params="active=1"),
            "started_on": DateInput(),
            "planned_end_on": DateInput(),
            "goals": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = reserves_without_mentor(user=user)
        self.fields["cadre"].label_from_instance = cadre_label
        self.fields["cadre"].empty_label = _("请选择…（输入姓名搜索）")
        self.fields["mentor"].empty_label = _("请选择…（输入姓名搜索）")
        self.fields["mentor"].queryset = mentor_list(user=user).filter(is_active=True)
        self.fields["mentor"].label_from_instance = self.mentor_label
        self.fields["started_on"].initial = timezone.localdate()

    mentor_label = staticmethod(mentor_label)


class PairingEndForm(BootstrapFormMixin, forms.Form):
    ended_on = forms.DateField(label=_("结束时间"), widget=DateInput())
    end_reason = forms.CharField(label=_("结束原因"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()


class PairingUpdateForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Pairing
        fields = ("started_on", "planned_end_on", "goals")
        widgets = {
            "started_on": DateInput(),
            "planned_end_on": DateInput(),
            "goals": forms.Textarea(attrs={"rows": 6}),  # the goals being corrected, shown whole
        }


class WithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"), max_length=200, help_text=_("例如：日期填错、重复录入、记到了别的结对")
    )


class MentoringLogForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = MentoringLog
        fields = ("date", "form", "place", "hours", "entered_by", "content", "attachment")
        widgets = {"date": DateInput(), "content": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["date"].initial = timezone.localdate()
        self.fields["attachment"].help_text = gettext("可选，支持 %(types)s，不超过10MB") % {
            "types": "、".join(sorted(ATTACHMENT_TYPES))
        }
        self.fields["form"].choices = ActivityForm.choices
        self.fields["entered_by"].required = False
        self.fields["entered_by"].choices = [("", _("按录入人身份")), *EnteredBy.choices]


class PolicyForm(BootstrapFormMixin, forms.Form):
    mentee_limit = forms.IntegerField(
        label=_("每名导师最多结对人数"), min_value=1, max_value=20, help_text=_("1 为严格一对一")
    )

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentee_limit"].initial = policy.mentee_limit
        current = {r.form: r.every_months for r in policy.requirements.all()} if policy.pk else {}
        for form in ActivityForm:
            label = gettext("%(form)s：每几个月至少一次") % {"form": form.label}
            self.fields[f"every_{form.value}"] = forms.IntegerField(
                label=label, min_value=1, max_value=24, required=False,
                initial=current.get(form.value), help_text=_("留空表示不作要求"),
            )  # fmt: skip

    def requirements(self) -> dict[str, int | None]:
        return {form.value: self.cleaned_data.get(f"every_{form.value}") for form in ActivityForm}
