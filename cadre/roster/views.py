from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from accounts.mixins import WriteRequiredMixin, write_required
from common.forms import BootstrapFormMixin

from .. import selectors
from ..filters import CadreFilter
from ..models import RosterImport
from ..resources import CadreResource
from .reading import ACCEPTED, MAX_FILE_BYTES
from .uploads import importer_for, roster_confirm, roster_preview
from .workbook import roster_export, roster_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_ROW_LIMIT = 1000


class UploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("花名册文件"),
        help_text=_("支持 %(formats)s，不超过%(limit)sMB")
        % {"formats": ACCEPTED, "limit": MAX_FILE_BYTES // 1024 // 1024},
    )


def attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class RosterUploadView(WriteRequiredMixin, View):
    """Upload → preview. Subclasses import other kinds of file (see mentorship)."""

    template_name = "cadre/roster_upload.html"
    kind = RosterImport.Kind.ROSTER

    def get(self, request):
        return render(request, self.template_name, {"form": UploadForm()})

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            form.add_error(
                "file",
                _("文件过大，单个文件不能超过%(limit)sMB，请分批导入。") % {"limit": MAX_FILE_BYTES // 1024 // 1024},
            )
            return render(request, self.template_name, {"form": form})
        record, report = roster_preview(user=request.user, filename=upload.name, data=upload.read(), kind=self.kind)
        shown = [o for o in report.outcomes if o.action != "unchanged"]
        return render(
            request,
            "cadre/roster_preview.html",
            {
                "record": record,
                "report": report,
                "rows": shown[:PREVIEW_ROW_LIMIT],
                "hidden": max(0, len(shown) - PREVIEW_ROW_LIMIT),
            },
        )


class RosterConfirmView(WriteRequiredMixin, View):
    def post(self, request, pk):
        kind = RosterImport.objects.filter(pk=pk, user=request.user).values_list("kind", flat=True).first()
        importer = importer_for(kind or RosterImport.Kind.ROSTER)
        retry, done = importer.upload_url, importer.done_url
        try:
            record, report = roster_confirm(user=request.user, upload_id=pk)
        except ValidationError as exc:
            for message in exc.messages[:20]:
                messages.error(request, message)
            return redirect(retry)
        messages.success(
            request,
            _("“%(filename)s”导入完成。%(summary)s") % {"filename": record.filename, "summary": report.summary()},
        )
        return redirect(done)


@write_required
def roster_template_download(request):
    return attachment(roster_template(), "村级后备干部花名册模板.xlsx")


@write_required
def roster_export_download(request):
    """The current filtered list, as the importer reads it back."""
    cadres = CadreFilter(request.GET, queryset=selectors.cadre_list(user=request.user), request=request).qs
    dataset = CadreResource().export(queryset=cadres)
    return attachment(roster_export(dataset), f"后备干部花名册_{timezone.localdate():%Y%m%d}.xlsx")
