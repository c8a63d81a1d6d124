from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from accounts.mixins import OwnTownshipFilterMixin, WriteRequiredMixin, write_required
from accounts.models import Role
from accounts.scoping import can_manage_county, can_write, user_county_id
from common.forms import BootstrapFormMixin, DateInput, add_service_errors
from common.views import LastPageMixin, ServiceFormMixin
from imports.views import ImportUploadView, attachment
from org.models import Seat
from org.selectors import township_list

from . import selectors, services
from .filters import AssignmentFilter
from .forms import AssignmentForm, DeedForm
from .importing import ASSESSMENT_IMPORTER, assessment_sheet
from .models import Assessment, AssessmentYear, Grade, Outcome, Submission


class AssignmentListView(OwnTownshipFilterMixin, LastPageMixin, FilterView):
    template_name = "assessment/assignment_list.html"
    filterset_class = AssignmentFilter
    context_object_name = "assignments"
    paginate_by = 30

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user).order_by("-started_on", "-pk")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_write": can_write(self.request.user)}


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


# The annual assessment ---------------------------------------------------------------------


class YearForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = AssessmentYear
        fields = ("year", "deadline", "excellent_share", "democratic_required",
                  "excellent_from", "competent_from", "basic_from")  # fmt: skip
        widgets = {"deadline": DateInput()}


class YearListView(TemplateView):
    """The assessment years; county staff open a new one."""

    template_name = "assessment/year_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        years = list(selectors.year_list(user=user))
        return {
            **super().get_context_data(**kwargs),
            "years": years,
            "form": kwargs.get("form") or self.new_year_form({y.year for y in years}),
            "is_township": user.role == Role.TOWNSHIP,
        }

    def new_year_form(self, opened: set[int]) -> YearForm | None:
        """The form offers the first year from this one that is not yet open."""
        if not can_manage_county(self.request.user):
            return None
        year = timezone.localdate().year
        while year in opened:
            year += 1
        return YearForm(initial={"year": year})

    def post(self, request):
        if not can_manage_county(request.user):
            raise PermissionDenied(_("只有县委组织部可以设置考核年度。"))
        form = YearForm(request.POST)
        county_id = user_county_id(request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                year = services.year_open(user=request.user, county_id=county_id, year=data.pop("year"), data=data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已设置%(year)s，默认8项考核指标。") % {"year": year})
                return redirect("assessment:year-list")
        return self.render_to_response(self.get_context_data(form=form))


INT_FIELDS = ("voters", "votes_excellent", "votes_competent", "votes_basic", "votes_incompetent")
TEXT_FIELDS = ("visible_merits", "latent_merits", "grade", "outcome")


def _grid_rows_from_post(post, rows, indicators) -> tuple[dict, dict]:
    """The posted grid as {cadre: data} for the service, and the rows whose numbers could
    not be read, with the message (so nothing typed is lost)."""
    data, errors = {}, {}
    for row in rows:
        prefix = f"r{row.cadre.pk}-"
        values = {"scores": {}}
        try:
            for indicator in indicators:
                text = post.get(f"{prefix}s{indicator.pk}", "").strip()
                values["scores"][indicator.pk] = Decimal(text) if text else None
            for name in INT_FIELDS:
                text = post.get(prefix + name, "").strip()
                values[name] = int(text) if text else 0
        except (InvalidOperation, ValueError):
            errors[row.cadre.pk] = [_("得分和票数须填写数字。")]
            continue
        for name in TEXT_FIELDS:
            values[name] = post.get(prefix + name, "").strip()
        version = post.get(prefix + "version", "")
        values["version"] = int(version) if version.isdigit() else None
        data[row.cadre] = values
    return data, errors


class GridView(TemplateView):
    """The township's grid: every reserve with scores, remarks, tallies, grade and outcome,
    the evidence beside each; saved as a draft (all at once), then submitted. Leaders read
    it (every input disabled) and may not post."""

    template_name = "assessment/grid.html"

    def dispatch(self, request, *args, **kwargs):
        self.year = selectors.year_get(user=request.user, pk=kwargs["pk"])
        townships = township_list(user=request.user).filter(county_id=self.year.county_id)
        wanted = request.GET.get("township") or request.POST.get("township")
        self.township = townships.filter(pk=wanted).first() if wanted and wanted.isdigit() else None
        if self.township is None and request.user.role == Role.TOWNSHIP:
            self.township = townships.first()
        self.townships = townships
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = {**super().get_context_data(**kwargs), "year": self.year, "townships": self.townships,
                   "township": self.township}  # fmt: skip
        if self.township is None:
            return context
        indicators = list(self.year.indicators.all())
        rows = kwargs.get("rows") or selectors.grid_rows(year=self.year, township=self.township)
        submission = selectors.submission_for(year=self.year, township_id=self.township.pk)
        writable = can_write(self.request.user)
        return {
            **context,
            "indicators": indicators,
            "rows": rows,
            "posted": kwargs.get("posted"),
            "row_errors": kwargs.get("row_errors", {}),
            "submission": submission,
            "read_only": not writable,
            "editable": writable and (submission is None or submission.editable),
            "quota": self.year.excellent_quota(len(rows)),
            "grades": Grade.choices,
            "outcomes": Outcome.choices,
        }

    def post(self, request, pk):
        if not can_write(request.user):
            raise PermissionDenied(_("您的角色只能查看。"))
        if self.township is None:
            raise PermissionDenied(_("请选择乡镇。"))
        rows = selectors.grid_rows(year=self.year, township=self.township)
        indicators = list(self.year.indicators.all())
        data, row_errors = _grid_rows_from_post(request.POST, rows, indicators)
        failed = services.grid_save(user=request.user, year=self.year, rows=data)
        row_errors |= {cadre_id: exc.messages for cadre_id, exc in failed.items()}
        if row_errors:
            rows = selectors.grid_rows(year=self.year, township=self.township)  # totals of the rows just saved
            messages.error(
                request, _("有%(count)s行未保存，请按提示修改；其余各行已保存。") % {"count": len(row_errors)}
            )
            return self.render_to_response(self.get_context_data(rows=rows, posted=request.POST, row_errors=row_errors))
        if "submit" in request.POST:
            try:
                services.submission_submit(user=request.user, year=self.year, township_id=self.township.pk)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request, _("已上报%(township)s的考核结果，等待县委组织部审定。") % {"township": self.township}
                )
        else:
            messages.success(request, _("已保存草稿。"))
        return redirect(f"{reverse('assessment:grid', args=[pk])}?township={self.township.pk}")


class ReviewView(TemplateView):
    """The county's review: progress per township; approve, return or reopen with a reason."""

    template_name = "assessment/review.html"

    def dispatch(self, request, *args, **kwargs):
        self.year = selectors.year_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "year": self.year,
            "rows": selectors.review_table(user=self.request.user, year=self.year),
            "can_review": can_manage_county(self.request.user),
            "candidates": selectors.advance_candidates(user=self.request.user, year=self.year),
        }

    def _set_seat(self, request, pk):
        """The county names the vacant seat a reserve proposed for 进 enters on approval."""
        assessment = get_object_or_404(
            Assessment.objects.visible_to(request.user).select_related("cadre", "year"),
            pk=request.POST["assessment"], year=self.year,
        )  # fmt: skip
        seat_id = request.POST.get("seat", "")
        seat = get_object_or_404(Seat.objects.visible_to(request.user), pk=seat_id) if seat_id.isdigit() else None
        try:
            services.assessment_set_seat(user=request.user, assessment=assessment, seat=seat)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, f"{assessment.cadre.name}：{message}")
        else:
            where = str(seat) if seat else _("重点培养")
            message = _("%(name)s审定后将进入：%(where)s。") % {"name": assessment.cadre.name, "where": where}
            messages.success(request, message)
        return redirect("assessment:review", pk)

    def post(self, request, pk):
        if "assessment" in request.POST:
            return self._set_seat(request, pk)
        submission = get_object_or_404(
            Submission.objects.visible_to(request.user).select_related("year", "township"),
            pk=request.POST.get("submission"), year=self.year,
        )  # fmt: skip
        try:
            submission = services.submission_review(
                user=request.user, submission=submission, action=request.POST.get("action", ""),
                reason=request.POST.get("reason", ""),
            )  # fmt: skip
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, f"{submission.township}：{message}")
        else:
            messages.success(
                request,
                _("%(township)s：%(state)s。")
                % {"township": submission.township, "state": submission.get_state_display()},
            )
        return redirect("assessment:review", pk)


class IndicatorsForm(BootstrapFormMixin, forms.Form):
    indicators = forms.CharField(
        label=_("考核指标及权重"), widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("每行一项：指标名称 权重，如“政治素质 15”；权重之和须为100。乡镇开始填报后不能再修改。"),
    )  # fmt: skip

    def clean_indicators(self) -> list[tuple[str, int]]:
        weights = []
        for number, line in enumerate(self.cleaned_data["indicators"].splitlines(), start=1):
            parts = line.replace("，", " ").replace(",", " ").split()
            if not parts:
                continue
            if len(parts) != 2 or not parts[1].isdigit():
                raise ValidationError(
                    _("第%(number)s行应为“指标名称 权重”：%(line)s") % {"number": number, "line": line}
                )
            weights.append((parts[0], int(parts[1])))
        return weights


class IndicatorsView(WriteRequiredMixin, FormView):
    """County staff set a year's indicators and weights (before any township saves)."""

    template_name = "assessment/indicators.html"
    form_class = IndicatorsForm

    def dispatch(self, request, *args, **kwargs):
        self.year = selectors.year_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"indicators": "\n".join(f"{i.name} {i.weight}" for i in self.year.indicators.all())}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "year": self.year}

    def form_valid(self, form):
        try:
            services.indicators_set(user=self.request.user, year=self.year, weights=form.cleaned_data["indicators"])
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已保存%(year)s的考核指标。") % {"year": self.year})
        return redirect("assessment:year-list")


class GridImportView(ImportUploadView):
    """Fill the grid from its Excel sheet: upload → preview → confirm, into the draft."""

    template_name = "assessment/grid_import.html"
    kind = ASSESSMENT_IMPORTER.kind
    file_label = _("考核填报表")

    def dispatch(self, request, *args, **kwargs):
        self.year = selectors.year_get(user=request.user, pk=kwargs["pk"])
        self.township = get_object_or_404(
            township_list(user=request.user).filter(county_id=self.year.county_id), pk=kwargs["township"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_import_context(self) -> dict:
        return {"year": self.year.pk, "township": self.township.pk}

    def get_page_context(self) -> dict:
        return {"year": self.year, "township": self.township}


@write_required
def grid_sheet_download(request, pk, township):
    """The township's grid as its Excel sheet, pre-filled with the reserves and what is saved."""
    year = selectors.year_get(user=request.user, pk=pk)
    township = get_object_or_404(township_list(user=request.user).filter(county_id=year.county_id), pk=township)
    data = assessment_sheet(year=year, rows=selectors.grid_rows(year=year, township=township))
    return attachment(data, f"{year}_{township.name}_考核填报表.xlsx")
