from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from accounts.mixins import WriteRequiredMixin
from accounts.scoping import can_write
from common.views import LastPageMixin, ServiceFormMixin

from . import selectors, services
from .filters import CadreFilter
from .forms import CadreForm, StatusChangeForm
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
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        context["can_write"] = can_write(self.request.user)
        return context


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


class CadreStatusView(WriteRequiredMixin, ServiceFormMixin, CadreObjectMixin, FormView):
    template_name = "cadre/cadre_status.html"
    form_class = StatusChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "cadre": self.get_cadre()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cadre": self.get_cadre()}

    def form_valid(self, form):
        # Two steps: the first post shows what will happen; only the confirmed post changes.
        if self.request.POST.get("confirm") != "1":
            data = form.cleaned_data
            effects = describe_status_change(
                cadre=self.get_cadre(), to=data["to"], on=data["on"], seat=data["seat"], reason=data["reason"]
            )
            return self.render_to_response(self.get_context_data(form=form, confirming=True, effects=effects))
        return super().form_valid(form)

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


def cadre_photo(request, pk):
    """Photos are personal data: served only to users who may see the cadre."""
    cadre = selectors.cadre_get(user=request.user, pk=pk)
    if not cadre.photo:
        raise Http404(_("没有照片"))
    return FileResponse(cadre.photo.open("rb"))
