from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from accounts.mixins import WriteRequiredMixin
from accounts.scoping import can_manage_county, can_write
from common.forms import add_service_errors
from common.views import ServiceFormMixin

from . import selectors, services
from .filters import AssignmentFilter
from .forms import AssignmentForm, DeedForm


class AssignmentListView(FilterView):
    template_name = "assessment/assignment_list.html"
    filterset_class = AssignmentFilter
    context_object_name = "assignments"
    paginate_by = 30

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user).order_by("-started_on", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        return {**context, "query_string": query.urlencode(), "can_write": can_write(self.request.user)}


class AssignmentFormView(WriteRequiredMixin, ServiceFormMixin, FormView):
    template_name = "assessment/assignment_form.html"
    form_class = AssignmentForm

    def get_assignment(self):
        if "pk" not in self.kwargs:
            return None
        return selectors.assignment_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.get_assignment()}

    def get_initial(self):
        return {"cadre": self.request.GET.get("cadre")}

    def perform(self, form):
        data = form.cleaned_data
        assignment = self.get_assignment()
        if assignment is None:
            return services.assignment_create(user=self.request.user, cadre=data["cadre"], data=data)
        return services.assignment_update(user=self.request.user, assignment=form.instance, data=data)

    def success_message(self, assignment):
        return _("已保存%(name)s的一线历练。") % {"name": assignment.cadre.name}


class AssignmentDetailView(TemplateView):
    """An assignment with its typical deeds; deeds are added here, and the county marks
    them for publicity."""

    template_name = "assessment/assignment_detail.html"

    def get_context_data(self, **kwargs):
        assignment = kwargs.get("assignment") or selectors.assignment_get(user=self.request.user, pk=self.kwargs["pk"])
        writable = can_write(self.request.user)
        return {
            **super().get_context_data(**kwargs),
            "assignment": assignment,
            "deeds": selectors.deed_list(assignment=assignment),
            "deed_form": kwargs.get("deed_form") or (DeedForm() if writable else None),
            "can_write": writable,
            "can_publicize": can_manage_county(self.request.user),
        }

    def post(self, request, pk):
        if not can_write(request.user):
            raise PermissionDenied(_("您的角色只能查看。"))
        assignment = selectors.assignment_get(user=request.user, pk=pk)
        if "publicize" in request.POST:
            deed = assignment.deeds.filter(pk=request.POST["publicize"]).first()
            if deed is not None:
                services.deed_set_publicized(user=request.user, deed=deed, publicized=request.POST.get("on") == "1")
            return redirect(assignment)
        form = DeedForm(request.POST)
        if form.is_valid():
            try:
                services.deed_create(user=request.user, assignment=assignment, data=form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已添加典型事迹。"))
                return redirect(assignment)
        return self.render_to_response(self.get_context_data(assignment=assignment, deed_form=form))
