from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from cadre.models import Tier
from common.forms import BootstrapFormMixin, DateInput
from org.selectors import township_list

from .models import Kind, Level, TrainingSession


class SessionForm(BootstrapFormMixin, forms.ModelForm):
    """A session's form; the choices of townships are the user's (a township secretary's own)."""

    wide_fields = ("target_townships", "notes")

    target_tiers = forms.MultipleChoiceField(
        label=_("参训层级"), choices=Tier.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("不选为全部层级"),
    )  # fmt: skip

    class Meta:
        model = TrainingSession
        fields = ("title", "level", "kind", "organizer", "date", "hours", "place", "lecturer", "target_townships",
                  "target_tiers", "has_exam", "needs_deadline", "notes")  # fmt: skip
        widgets = {
            "date": DateInput(),
            "needs_deadline": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "target_townships": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        townships = township_list(user=user)
        self.fields["organizer"].queryset = townships
        self.fields["target_townships"].queryset = townships
        if user.role == Role.TOWNSHIP:
            self.fields["level"].choices = [(Level.TOWNSHIP, Level.TOWNSHIP.label)]
            self.fields["organizer"].empty_label = None
            if not self.instance.pk:  # a township's own session is not the county's monthly one
                self.fields["kind"].initial = Kind.OTHER
            self.fields["target_townships"].help_text = _("乡镇举办的培训面向本乡镇")

    def _get_validation_exclusions(self) -> set[str]:
        # The level/organizer rule is the service's, with its own message.
        return {*super()._get_validation_exclusions(), "organizer", "level"}
