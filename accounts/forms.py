from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapFormMixin
from org.models import County, Township

from .models import Role, User
from .services import manageable_roles, password_validate

PASSWORD_MISMATCH = _("两次输入的密码不一致。")


class ChinesePasswordsMixin:
    """Django's password checks with the Chinese messages of accounts.services."""

    error_messages = {"password_mismatch": PASSWORD_MISMATCH}

    def validate_password_for_user(self, user, password_field_name="password2"):
        password = self.cleaned_data.get(password_field_name)
        if password:
            try:
                password_validate(password, user)
            except ValidationError as error:
                self.add_error(password_field_name, error)


class PasswordChangeForm(ChinesePasswordsMixin, BootstrapFormMixin, DjangoPasswordChangeForm):
    error_messages = {
        **DjangoPasswordChangeForm.error_messages,
        "password_mismatch": PASSWORD_MISMATCH,
        "password_incorrect": _("原密码不正确，请重新输入。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("原密码")
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password1"].help_text = _("至少8个字符，不能全是数字，不能与用户名或姓名相似。")
        self.fields["new_password2"].label = _("再次输入新密码")

    def clean(self):
        cleaned = super().clean()
        old, new = cleaned.get("old_password"), cleaned.get("new_password1")
        if old and new and old == new:
            self.add_error("new_password1", _("新密码不能与原密码相同。"))
        return cleaned


class PasswordFieldsMixin(forms.Form):
    """A password typed twice by the person who sets it for someone else."""

    password1 = forms.CharField(
        label=_("初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("该用户首次登录时须修改此密码。"),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", PASSWORD_MISMATCH)
        return cleaned


class AccountForm(BootstrapFormMixin, forms.Form):
    """Name, role and unit of an account. The county is asked only of users who see more
    than one county; for the others it is their own."""

    full_name = forms.CharField(label=_("姓名"), max_length=60)
    role = forms.ChoiceField(label=_("角色"))
    township = forms.ModelChoiceField(
        label=_("所属乡镇(街道)"),
        queryset=Township.objects.none(),
        required=False,
        empty_label=_("请选择…"),
        help_text=_("乡镇党委账号必填；县领导不填。"),
    )
    county = forms.ModelChoiceField(label=_("所属县(区)"), queryset=County.objects.none(), required=False,
                                    empty_label=_("请选择…"))  # fmt: skip

    def __init__(self, *args, actor: User, account: User | None = None, **kwargs):
        if account is not None:  # FormView always passes an (empty) initial: the account's values go under it
            kwargs["initial"] = {
                "full_name": account.get_full_name(), "role": account.role, "township": account.township_id,
                "county": account.county_id, **(kwargs.get("initial") or {}),
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["role"].choices = [(role, Role(role).label) for role in manageable_roles(actor)]
        self.fields["township"].queryset = Township.objects.visible_to(actor).select_related("county")
        if actor.is_superuser and not actor.county_id:
            self.fields["township"].label_from_instance = lambda t: f"{t.county.name} {t.name}"
        counties = County.objects.visible_to(actor)
        self.fields["county"].queryset = counties
        if actor.county_id and not actor.is_superuser:
            del self.fields["county"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.TOWNSHIP:
            cleaned["county"] = None
        else:
            cleaned["township"] = None
            if "county" not in self.fields:
                cleaned["county"] = self.actor.county
        return cleaned


class AccountCreateForm(PasswordFieldsMixin, AccountForm):
    username = forms.CharField(label=_("用户名（登录名）"), max_length=150, help_text=_("字母、数字或 @ . + - _"))
    field_order = ["username", "full_name", "role", "township", "county", "password1", "password2"]


class PasswordResetForm(BootstrapFormMixin, PasswordFieldsMixin):
    pass
