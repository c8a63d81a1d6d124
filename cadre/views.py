from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from accounts.mixins import WriteRequiredMixin
from accounts.scoping import can_write, user_county_id
from common.views import ConfirmStepMixin, LastPageMixin, ServiceFormMixin
from org.models import County
from org.selectors import village_list
from org.services import county_settings_update, may_manage_county

from . import selectors, services
from .filters import CadreFilter
from .forms import CadreForm, CountySettingsForm, StatusChangeForm
from .org_selectors import IN_POOL
from .rules import party_joined_on_missing
from .search import cadre_label, cadres_matching, search_response, search_term, village_label, villages_matching
from .sections import cadre_sections
from .status_effects import describe_status_change


class CadreListView(LastPageMixin, FilterView):
    template_name = "cadre/cadre_list.html"
    filterset_class = CadreFilter
    paginate_by = 20
    context_object_name = "cadres"

    def get_queryset(self):
        return selectors.cadre_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_write": can_write(self.request.user)}


class CadreObjectMixin:
    def get_object(self, queryset=None):
        return selectors.cadre_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_cadre(self):
        if not hasattr(self, "_cadre"):
            self._cadre = self.get_object()
        return self._cadre


class CadreDetailView(CadreObjectMixin, DetailView):
    template_name = "cadre/cadre_detail.html"
    context_object_name = "cadre"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        writable = can_write(self.request.user)
        context["can_write"] = writable
        # Full ID and phone numbers only for those who may edit the record.
        context["show_full_numbers"] = writable
        if writable and self.object.allowed_transitions():
            context["status_form"] = StatusChangeForm(user=self.request.user, cadre=self.object)
        context["sections"] = cadre_sections(cadre=self.object, user=self.request.user)
        context["party_date_missing"] = party_joined_on_missing(
            political_status=self.object.political_status, party_joined_on=self.object.party_joined_on
        )
        return context


class CadreCreateView(WriteRequiredMixin, ServiceFormMixin, FormView):
    template_name = "cadre/cadre_form.html"
    form_class = CadreForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return services.cadre_create(user=self.request.user, data=form.cleaned_data)

    def success_message(self, cadre):
        return _("已新增后备干部 %(name)s。") % {"name": cadre.name}


class CadreUpdateView(WriteRequiredMixin, ServiceFormMixin, CadreObjectMixin, FormView):
    template_name = "cadre/cadre_form.html"
    form_class = CadreForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.get_cadre()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cadre": self.get_cadre()}

    def perform(self, form):
        # The form already applied its values to the instance; the service validates,
        # checks scope and records who changed it.
        return services.cadre_update(user=self.request.user, cadre=form.instance, data=form.cleaned_data)

    def success_message(self, cadre):
        return _("已保存 %(name)s 的信息。") % {"name": cadre.name}


class CadreStatusView(WriteRequiredMixin, ConfirmStepMixin, CadreObjectMixin, FormView):
    """A status change in two steps (ConfirmStepMixin): the confirmation page lists what
    will happen, and the service's refusals (a seat date before the reserve was listed,
    say) are shown on the form before that."""

    template_name = "cadre/cadre_status.html"
    form_class = StatusChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "cadre": self.get_cadre()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cadre": self.get_cadre()}

    def confirmation_context(self, form):
        self._cadre = self.get_object()  # the dry run changed the instance; its rows were rolled back
        data = form.cleaned_data
        effects = describe_status_change(
            cadre=self._cadre, to=data["to"], on=data["on"], seat=data["seat"], reason=data["reason"]
        )
        return {"effects": effects}

    def perform(self, form):
        data = form.cleaned_data
        return services.cadre_change_status(
            user=self.request.user, cadre=self.get_cadre(), to=data["to"], on=data["on"], seat=data["seat"],
            reason=data["reason"],
        )  # fmt: skip

    def success_message(self, cadre):
        return _("%(name)s 的状态已变更为“%(get_status_display)s”。") % {
            "name": cadre.name,
            "get_status_display": cadre.get_status_display(),
        }


class CadreHistoryView(CadreObjectMixin, TemplateView):
    template_name = "cadre/cadre_history.html"

    def get_context_data(self, **kwargs):
        cadre = self.get_cadre()
        return {
            **super().get_context_data(**kwargs),
            "cadre": cadre,
            "entries": selectors.cadre_history(cadre=cadre),
        }


class CountySettingsView(ServiceFormMixin, FormView):
    """县级设置: the county's own rules for its registry, for its staff only. A superuser
    of several counties picks one with ``?county=``; a county outside the user's scope is
    a 404."""

    template_name = "cadre/county_settings.html"
    form_class = CountySettingsForm
    HISTORY_SHOWN = 10

    def dispatch(self, request, *args, **kwargs):
        if not may_manage_county(request.user):
            raise PermissionDenied(_("只有县委组织部工作人员可以修改县级设置。"))
        counties = County.objects.visible_to(request.user)
        pk = request.GET.get("county") or user_county_id(request.user)
        if pk is None:
            self.county = counties.order_by("pk").first()
            if self.county is None:
                raise Http404(_("还没有县(区)。"))
        else:
            self.county = get_object_or_404(counties, pk=pk if str(pk).isdigit() else None)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.county}

    def get_context_data(self, **kwargs):
        history = County.history.filter(id=self.county.pk).select_related("history_user")
        return {
            **super().get_context_data(**kwargs),
            "county": self.county,
            "counties": County.objects.visible_to(self.request.user) if self.request.user.county_id is None else [],
            "history": history.order_by("-history_date")[: self.HISTORY_SHOWN],
        }

    def perform(self, form):
        data = form.cleaned_data
        return county_settings_update(
            user=self.request.user, county=self.county, min_reserves_per_village=data["min_reserves_per_village"],
            party_joined_on_required=data["party_joined_on_required"],
        )  # fmt: skip

    def success_message(self, county):
        return _("%(county)s的县级设置已保存。") % {"county": county.name}

    def success_url_for(self, county):
        return f"{reverse('cadre:county-settings')}?county={county.pk}"


def cadre_photo(request, pk):
    """Photos are personal data: served only to users who may see the cadre."""
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    if not cadre.photo:
        raise Http404(_("没有照片"))
    return FileResponse(cadre.photo.open("rb"))


# Searchable selects (common.widgets.RemoteSelect): at most 20 rows of the user's scope.


def search_cadres(request):
    """Up to 20 cadres in the user's scope whose name (or village) matches ``q``;
    ``pool=1``: only those still in the reserve pool (储备中, 重点培养)."""
    cadres = selectors.cadre_list(user=request.user)
    if request.GET.get("pool") == "1":
        cadres = cadres.filter(status__in=IN_POOL)
    return search_response((c.pk, cadre_label(c)) for c in cadres_matching(cadres, search_term(request)))


def search_villages(request):
    """Up to 20 villages in the user's scope matching ``q`` by village or township name."""
    villages = villages_matching(village_list(user=request.user), search_term(request))
    return search_response((v.pk, village_label(v)) for v in villages)
