"""The account pages of county staff, and every user's own password change."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from common.forms import add_service_errors
from common.views import LastPageMixin, ServiceFormMixin

from . import selectors, services
from .filters import AccountFilter
from .forms import AccountCreateForm, AccountForm, PasswordChangeForm, PasswordResetForm
from .scoping import can_manage_county


class AccountManagerRequiredMixin(UserPassesTestMixin):
    """County staff and superusers only: township secretaries and leaders get 403."""

    def test_func(self):
        return can_manage_county(self.request.user)

    def get_account(self):
        if not hasattr(self, "_account"):
            self._account = selectors.account_get(user=self.request.user, pk=self.kwargs["pk"])
        return self._account


def account_url(account) -> str:
    return reverse("accounts:user-detail", args=[account.pk])


class AccountListView(LastPageMixin, AccountManagerRequiredMixin, FilterView):
    template_name = "accounts/user_list.html"
    filterset_class = AccountFilter
    context_object_name = "accounts"
    paginate_by = 30

    def get_queryset(self):
        return selectors.account_list(user=self.request.user).order_by("-is_active", "role", "username", "pk")


class AccountDetailView(AccountManagerRequiredMixin, TemplateView):
    template_name = "accounts/user_detail.html"

    def get_context_data(self, **kwargs):
        account = self.get_account()
        return {
            **super().get_context_data(**kwargs),
            "account": account,
            "events": selectors.account_event_list(user=self.request.user, account=account)[:100],
            "is_self": account.pk == self.request.user.pk,
        }


class AccountCreateView(AccountManagerRequiredMixin, ServiceFormMixin, FormView):
    template_name = "accounts/user_form.html"
    form_class = AccountCreateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user}

    def perform(self, form):
        data = form.cleaned_data
        return services.account_create(
            actor=self.request.user, username=data["username"], full_name=data["full_name"], role=data["role"],
            county=data["county"], township=data["township"], password=data["password1"],
        )  # fmt: skip

    def success_message(self, account):
        return _("已创建账号 %(username)s，请将初始密码告知本人，首次登录时须修改密码。") % {
            "username": account.username
        }

    def success_url_for(self, account):
        return account_url(account)


class AccountUpdateView(AccountManagerRequiredMixin, ServiceFormMixin, FormView):
    template_name = "accounts/user_form.html"
    form_class = AccountForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user, "account": self.get_account()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "account": self.get_account()}

    def perform(self, form):
        data = form.cleaned_data
        return services.account_update(
            actor=self.request.user, account=self.get_account(), full_name=data["full_name"], role=data["role"],
            county=data["county"], township=data["township"],
        )  # fmt: skip

    def success_message(self, account):
        return _("已保存账号 %(username)s。") % {"username": account.username}

    def success_url_for(self, account):
        return account_url(account)


class AccountActionView(AccountManagerRequiredMixin, TemplateView):
    """A confirmation page (GET) that says what will happen, and the action (POST)."""

    template_name = "accounts/user_confirm.html"
    action = ""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "account": self.get_account(), "action": self.action}

    def perform(self, account):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        account = self.get_account()
        try:
            message = self.perform(account)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, message)
        return redirect(account_url(account))


class AccountDeactivateView(AccountActionView):
    action = "deactivate"

    def perform(self, account):
        services.account_deactivate(actor=self.request.user, account=account)
        return _("已停用账号 %(username)s，其登录会话和接口令牌已失效。") % {"username": account.username}


class AccountReactivateView(AccountActionView):
    action = "reactivate"

    def perform(self, account):
        services.account_reactivate(actor=self.request.user, account=account)
        return _("已启用账号 %(username)s。") % {"username": account.username}


class AccountPasswordResetView(AccountManagerRequiredMixin, FormView):
    template_name = "accounts/user_password_reset.html"
    form_class = PasswordResetForm

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "account": self.get_account()}

    def form_valid(self, form):
        account = self.get_account()
        try:
            services.account_password_reset(actor=self.request.user, account=account,
                                            password=form.cleaned_data["password1"])  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("已重置 %(username)s 的密码，该用户下次登录时须修改密码。") % {"username": account.username}
        )
        return redirect(account_url(account))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every user's own password; the one page a user with a password set by someone
    else can reach (see accounts.middleware)."""

    template_name = "registration/password_change_form.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "forced": self.request.user.must_change_password}

    def form_valid(self, form):
        user = services.password_change(user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("密码已修改。"))
        return redirect(self.get_success_url())
