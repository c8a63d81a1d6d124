"""报表中心: the runs a user may see, asking for a report, watching it progress, and the
authorised download (reports are never under a public media URL)."""

from django.http import FileResponse, Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from accounts.mixins import WriteRequiredMixin
from accounts.scoping import can_write
from common.views import LastPageMixin, ServiceFormMixin

from . import selectors, services
from .filters import ReportRunFilter
from .forms import ReportRequestForm
from .models import ReportRun, RunStatus


def run_status(run: ReportRun) -> dict:
    """What the page's poll (static/js/report_poll.js) and the API show of a run."""
    done = run.status == RunStatus.DONE
    return {
        "id": run.pk,
        "status": run.status,
        "status_display": run.get_status_display(),
        "progress": run.progress,
        "error": run.error,
        "notes": run.notes,
        "is_current": run.is_current,
        "superseded": run.superseded_at is not None,
        "finished": run.status in (RunStatus.DONE, RunStatus.FAILED),
        "xlsx_url": reverse("reports:download", args=[run.pk, "xlsx"]) if done and run.file else None,
        "pdf_url": reverse("reports:download", args=[run.pk, "pdf"]) if done and run.pdf else None,
    }


class ReportListView(LastPageMixin, FilterView):
    template_name = "reports/list.html"
    filterset_class = ReportRunFilter
    context_object_name = "runs"
    paginate_by = 30

    def get_queryset(self):
        return selectors.report_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = None
        if can_write(self.request.user):  # leaders read the reports, others ask for them
            form = ReportRequestForm(user=self.request.user, initial={"month": services.last_month()})
        return {**context, "request_form": form}


class ReportRequestView(WriteRequiredMixin, ServiceFormMixin, FormView):
    """The request form posts here; errors are shown on the list page with the input kept."""

    form_class = ReportRequestForm
    template_name = "reports/request.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"month": services.last_month()}  # as on the list page

    def perform(self, form):
        user = self.request.user
        data = form.cleaned_data
        township = data.get("township")  # a township secretary's form has no choice: their own
        township_id = township.pk if township else (user.township_id if user.scope.is_township else None)
        return services.report_request(kind=data["kind"], month=data["month"], township_id=township_id, user=user)

    def success_message(self, run):
        return _("已提交：%(report)s，生成后可在此下载。") % {"report": run}

    def success_url_for(self, run):
        return reverse("reports:list")


class ReportDetailView(TemplateView):
    template_name = "reports/detail.html"

    def get_context_data(self, **kwargs):
        run = selectors.report_get(user=self.request.user, pk=self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "run": run,
            "state": run_status(run),
            "can_request": can_write(self.request.user),
        }


def report_status(request, pk):
    """The run's status as JSON, for the page's poll."""
    return JsonResponse(run_status(selectors.report_get(user=request.user, pk=pk)))


def report_download(request, pk, fmt):
    """The file, to a user whose scope holds the run (404 otherwise), as an attachment
    with a Chinese name."""
    return run_file_response(selectors.report_get(user=request.user, pk=pk), fmt)


def run_file_response(run: ReportRun, fmt: str) -> FileResponse:
    """A done run's xlsx or pdf as an attachment named in Chinese; 404 when there is none.
    The page and the API both serve files through this."""
    field = {"xlsx": run.file, "pdf": run.pdf}.get(fmt)
    if run.status != RunStatus.DONE or not field:
        raise Http404(_("该报表没有此文件。"))
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404(_("报表文件已不存在，请重新生成。")) from None
    return FileResponse(handle, as_attachment=True, filename=selectors.report_filename(run, fmt))
