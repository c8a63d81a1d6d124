"""The subsidy pages: the county's policies, the monthly sheets, and a sheet with its
per-township totals, lines and adjustments. Every change goes through subsidies.services;
only county staff change anything, township secretaries see their own township's lines."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView
from django_filters.views import FilterView

from accounts.mixins import OwnTownshipFilterMixin, WriteRequiredMixin
from accounts.scoping import can_manage_county, can_write
from cadre.selectors import cadre_list
from common.forms import add_service_errors
from common.idcard import normalize_id_number
from common.views import LastPageMixin, ServiceFormMixin

from . import selectors, services
from .filters import LineFilter
from .forms import AdjustmentForm, MonthForm, PolicyForm
from .models import SHEET_TRANSITIONS, SheetState


def may_manage(user) -> bool:
    """County staff who may write: they compute, review, lock, adjust and set policies."""
    return can_manage_county(user) and can_write(user)


class PolicyListView(LastPageMixin, ListView):
    template_name = "subsidies/policy_list.html"
    context_object_name = "policies"
    paginate_by = 30

    def get_queryset(self):
        return selectors.policy_list(self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_manage": may_manage(self.request.user)}


class PolicyFormView(WriteRequiredMixin, ServiceFormMixin, FormView):
    template_name = "subsidies/policy_form.html"
    form_class = PolicyForm

    def test_func(self):
        return may_manage(self.request.user)

    def get_policy(self):
        if "pk" not in self.kwargs:
            return None
        if not hasattr(self, "_policy"):
            self._policy = selectors.policy_get(self.request.user, self.kwargs["pk"])
        return self._policy

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.get_policy()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "policy": self.get_policy()}

    def perform(self, form):
        policy = self.get_policy()
        data = form.cleaned_data
        if policy is not None:
            county_id = policy.county_id
        else:
            county_id = data["county"].pk if data.get("county") else self.request.user.county_id
        return services.policy_save(user=self.request.user, county_id=county_id, data=data, instance=policy)

    def success_message(self, policy):
        return _("已保存补贴政策：%(policy)s。") % {"policy": policy}

    def success_url_for(self, policy):
        return reverse("subsidies:policy-list")


class SheetListView(LastPageMixin, ListView):
    """The months computed so far, with their state and totals (a township: its own);
    county staff compute a month here."""

    template_name = "subsidies/sheet_list.html"
    context_object_name = "sheets"
    paginate_by = 24

    def get_queryset(self):
        return selectors.sheet_list(self.request.user)

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = kwargs.pop("form", None) or (MonthForm(user=user) if may_manage(user) else None)
        return {**super().get_context_data(**kwargs), "form": form, "is_township": user.scope.is_township}

    def post(self, request):
        if not may_manage(request.user):
            raise PermissionDenied(_("只有县委组织部可以计算补贴。"))
        form = MonthForm(request.POST, user=request.user)
        if form.is_valid():
            county = form.cleaned_data.get("county")
            month = form.cleaned_data["month"]
            try:
                sheet = services.sheet_compute(
                    county_id=county.pk if county else request.user.county_id, month=month, user=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                county = selectors.sheet_totals(request.user, sheet).county
                message = _("已计算%(month)s补贴表：%(count)s人，合计%(total)s元。") % {
                    "month": f"{month:%Y年%m月}", "count": county.count, "total": f"{county.total:,.2f}"
                }  # fmt: skip
                messages.success(request, message)
                return redirect(sheet)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form))


ACTIONS = {
    "review": (services.sheet_review, _("已审核%(month)s补贴表。")),
    "lock": (services.sheet_lock, _("已锁定%(month)s补贴表：此后只能通过调整更正。")),
    "reopen": (services.sheet_reopen, _("已退回%(month)s补贴表，可重新计算。")),
}


class SheetDetailView(OwnTownshipFilterMixin, LastPageMixin, FilterView):
    """A month's sheet: state and who/when, totals per township, the lines (50 a page, by
    township, village and name) and the adjustments; county staff review, lock, send back,
    recompute and add adjustments here."""

    template_name = "subsidies/sheet_detail.html"
    filterset_class = LineFilter
    context_object_name = "lines"
    paginate_by = 50
    query_string_drop = ("adjust", "apage")  # the adjustment form and its own pages

    def dispatch(self, request, *args, **kwargs):
        self.sheet = selectors.sheet_get(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.sheet_lines(self.request.user, self.sheet)

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "sheet": self.sheet}

    def _adjust_cadre(self):
        """The reserve whose line's 调整 link was followed (?adjust=<cadre id>)."""
        wanted = self.request.POST.get("cadre") or self.request.GET.get("adjust")
        if not wanted or not str(wanted).isdigit():
            return None
        return (
            cadre_list(user=self.request.user)
            .filter(pk=wanted, village__township__county_id=self.sheet.county_id)
            .select_related("village__township")
            .first()
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        manage = may_manage(user)
        adjust_cadre = self._adjust_cadre() if manage else None
        form = kwargs.pop("adjustment_form", None)
        if form is None and manage:
            form = AdjustmentForm(initial={"cadre": adjust_cadre.pk if adjust_cadre else None})
        state = SheetState(self.sheet.state)
        return {
            **super().get_context_data(**kwargs),
            "sheet": self.sheet,
            "totals": selectors.sheet_totals(user, self.sheet),
            "adjustments": Paginator(selectors.sheet_adjustments(user, self.sheet), 20).get_page(
                self.request.GET.get("apage")
            ),
            "can_manage": manage,
            "adjustment_form": form,
            "adjust_cadre": adjust_cadre,
            "actions": {action for (from_state, action) in SHEET_TRANSITIONS if from_state == state} if manage else (),
            "is_township": user.scope.is_township,
        }

    def post(self, request, pk):
        if not may_manage(request.user):
            raise PermissionDenied(_("只有县委组织部可以审核、锁定、重新计算和调整补贴表。"))
        action = request.POST.get("action", "")
        if action == "adjust":
            return self._adjust(request)
        month = f"{self.sheet.month:%Y年%m月}"
        try:
            if action == "recompute":
                services.sheet_compute(county_id=self.sheet.county_id, month=self.sheet.month, user=request.user)
                messages.success(request, _("已重新计算%(month)s补贴表。") % {"month": month})
            elif action in ACTIONS:
                service, message = ACTIONS[action]
                service(user=request.user, sheet=self.sheet)
                messages.success(request, message % {"month": month})
            else:
                messages.error(request, _("未知的操作。"))
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        return redirect(self.sheet)

    def _adjust(self, request):
        form = AdjustmentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            cadre = self._adjust_cadre() if data.get("cadre") else None
            if cadre is None:
                number = normalize_id_number(data.get("id_number"))
                cadre = (
                    cadre_list(user=request.user)
                    .filter(id_number=number, village__township__county_id=self.sheet.county_id)
                    .first()
                )
            if cadre is None:
                form.add_error("id_number", _("本县没有该身份证号的后备干部。"))
            else:
                try:
                    services.adjustment_add(
                        user=request.user, sheet=self.sheet, cadre=cadre, amount=data["amount"], reason=data["reason"]
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("已为%(name)s添加调整%(amount)s元。") % {"name": cadre.name, "amount": f"{data['amount']:+}"},
                    )
                    return redirect(self.sheet)
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.object_list = self.filterset.qs
        return self.render_to_response(self.get_context_data(adjustment_form=form))
