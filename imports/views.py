"""Pages of the import engine: the upload form each app subclasses, the record page
(progress while the worker runs, then the preview with its mapping and sheet panels, then
the result), confirmation, and the remembered column mappings."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView

from accounts.mixins import WriteRequiredMixin, write_required
from accounts.scoping import can_write
from common.forms import BootstrapFormMixin
from common.views import LastPageMixin

from . import selectors, services
from .engine import importer_for
from .filters import ImportRecordFilter
from .models import HeaderMapping, ImportRecord
from .reading import ACCEPTED, ACCEPTED_EXTENSIONS, MAX_FILE_BYTES, ImportFileError, check_spreadsheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IGNORE = "__ignore__"


def attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


SNIFF_BYTES = 64 * 1024  # enough of the file to tell a spreadsheet from a renamed document


class UploadForm(BootstrapFormMixin, forms.Form):
    """The file of an import. The form refuses a file that is no spreadsheet (by its name
    and by its first bytes) so that nothing is stored for it. Shown again with an error, it
    says to choose the file again (common.forms.BootstrapFormMixin, as every form does)."""

    file = forms.FileField(
        label=_("文件"),
        help_text=_("支持 %(formats)s，不超过%(limit)sMB")
        % {"formats": ACCEPTED, "limit": MAX_FILE_BYTES // 1024 // 1024},
        error_messages={"required": _("请选择要上传的文件。"), "empty": _("文件是空的。")},
        widget=forms.FileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )

    def __init__(self, *args, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["file"].label = label

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                _("文件过大，单个文件不能超过%(limit)sMB，请分批导入。") % {"limit": MAX_FILE_BYTES // 1024 // 1024}
            )
        upload.seek(0)
        head = upload.read(SNIFF_BYTES)
        upload.seek(0)
        try:
            check_spreadsheet(head, upload.name)
        except ImportFileError as exc:
            raise ValidationError(str(exc)) from None
        return upload


class ImportUploadView(WriteRequiredMixin, View):
    """Upload → the record page. Subclasses set ``kind``, ``template_name`` and ``file_label``."""

    kind = ""
    template_name = ""
    file_label = ""

    def get_import_context(self) -> dict:
        """What the upload is for, kept with the record (see Importer.columns_for)."""
        return {}

    def get_page_context(self) -> dict:
        """What the upload page shows besides the form."""
        return {}

    def get(self, request: HttpRequest, **kwargs: object) -> HttpResponse:
        return render(
            request, self.template_name, {"form": UploadForm(label=self.file_label), **self.get_page_context()}
        )

    def post(self, request: HttpRequest, **kwargs: object) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES, label=self.file_label)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, **self.get_page_context()})
        upload = form.cleaned_data["file"]
        record = services.import_upload(
            user=request.user, kind=self.kind, filename=upload.name, data=upload.read(),
            context=self.get_import_context(),
        )  # fmt: skip
        return redirect("imports:record", record.pk)


def _record(request: HttpRequest, pk) -> ImportRecord:
    return get_object_or_404(ImportRecord, pk=pk, user=request.user)


class ImportRecordView(WriteRequiredMixin, TemplateView):
    """The record page. Whoever may write within the record's scope reads it (the county
    follows a township's import); only the person who uploaded the file maps, re-checks
    or confirms it."""

    template_name = "imports/record.html"

    def get_context_data(self, **kwargs):
        record = selectors.import_record_get(user=self.request.user, pk=self.kwargs["pk"])
        importer = importer_for(record.kind)
        result = record.result
        columns = importer.columns_in(record.options.get("context"))  # may cost a query: once
        labels = {c.key: c.header for c in columns}
        missing = set(result.get("missing", []))
        headers = []
        for h in result.get("headers", []):
            suggested = [k for k in h["suggestions"] if k in labels]
            # A required field without a column is offered, pre-selected, for the closest
            # header: the user confirms it (or picks another) rather than hunting for it.
            selected = h["key"] or next((k for k in suggested if k in missing), "")
            headers.append(
                {
                    **h,
                    "selected": selected,
                    "suggested": [(k, labels[k]) for k in suggested],
                    "others": [(c.key, c.header, c.required) for c in columns if c.key not in suggested],
                }
            )
        return {
            **super().get_context_data(**kwargs),
            "record": record,
            "importer": importer,
            "result": result,
            "headers": headers,
            "missing": [labels[k] for k in result.get("missing", []) if k in labels],
            "progress": services.import_progress(record.pk) if record.is_running else {},
            "ignore": IGNORE,
            "is_owner": record.user_id == self.request.user.pk,
        }


class ImportMappingView(WriteRequiredMixin, View):
    """The mapping panel's form: a field (or 忽略) per header, and the sheets to read."""

    def post(self, request: HttpRequest, pk) -> HttpResponse:
        record = _record(request, pk)
        choices = {}
        for index in range(int(request.POST.get("headers", 0))):
            header, key = request.POST.get(f"header-{index}", ""), request.POST.get(f"map-{index}", "")
            if header and key:
                choices[header] = "" if key == IGNORE else key
        skip = []
        if request.POST.get("sheet-panel"):  # shown only for a workbook of several sheets
            ticked = set(request.POST.getlist("sheet"))
            skip = [s["name"] for s in record.result.get("sheets", []) if not s["skipped"] and s["name"] not in ticked]
        try:
            services.import_remap(user=request.user, record=record, choices=choices, skip_sheets=skip)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("imports:record", record.pk)


class ImportConfirmView(WriteRequiredMixin, View):
    def post(self, request: HttpRequest, pk) -> HttpResponse:
        try:
            record = services.import_confirm(user=request.user, record_id=pk)
        except ValidationError as exc:
            for message in exc.messages[:20]:
                messages.error(request, message)
        else:
            return redirect("imports:record", record.pk)
        return redirect("imports:record", pk)


class HeaderMappingListView(WriteRequiredMixin, TemplateView):
    """The column mappings remembered for the user's unit, each one removable."""

    template_name = "imports/mappings.html"

    def get_context_data(self, **kwargs):
        mappings = HeaderMapping.objects.visible_to(self.request.user).select_related("township", "county", "chosen_by")
        rows = []
        for mapping in mappings[:500]:
            try:
                importer = importer_for(mapping.kind)
            except KeyError:
                continue
            labels = {c.key: c.header for c in importer.columns}
            rows.append({"mapping": mapping, "kind": importer.label, "field": labels.get(mapping.field, "")})
        return {**super().get_context_data(**kwargs), "rows": rows}

    def post(self, request: HttpRequest) -> HttpResponse:
        services.mapping_forget(user=request.user, pk=request.POST.get("pk"))
        messages.success(request, _("已删除这条表头对应关系，下次导入时将重新识别该列。"))
        return redirect("imports:mappings")


def kind_label(kind: str) -> str:
    try:
        return importer_for(kind).label
    except KeyError:  # an importer since removed
        return kind


class ImportHistoryView(LastPageMixin, FilterView):
    """导入记录: every import and preview under the user's scope, newest first. Leaders read
    the list; the record pages and the files (full personal data) are for those who write."""

    template_name = "imports/history.html"
    filterset_class = ImportRecordFilter
    context_object_name = "records"
    paginate_by = 30

    def get_queryset(self):
        return selectors.import_record_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for record in context["records"]:
            record.kind_label = kind_label(record.kind)
            record.rows = sum(record.counts.values()) if record.counts else None
        return {**context, "can_write": can_write(self.request.user)}


@write_required
def import_file_download(request: HttpRequest, pk) -> FileResponse:
    """The uploaded file as it was uploaded, while it is kept (until it is imported, refused
    or expires); 404 outside the user's scope or once it is deleted. Never a media URL."""
    record, handle = selectors.import_record_file(user=request.user, pk=pk)
    response = FileResponse(handle, as_attachment=True, filename=record.filename)
    response["Cache-Control"] = "private, no-store"  # personal data: no copy in a shared cache
    return response
