from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from accounts.mixins import OwnTownshipFilterMixin, WriteRequiredMixin, write_required
from accounts.scoping import can_manage_county, can_write, user_county_id
from cadre.models import Gender, Status
from cadre.search import SEARCH_LIMIT, cadre_label, cadres_matching, search_response, search_term
from cadre.selectors import cadre_list
from common.collation import pinyin_ordering
from common.forms import add_service_errors
from common.masking import mask_phone
from common.printing import PRINT_LIMIT, print_rows
from common.views import LastPageMixin, ServiceFormMixin
from common.xlsx_export import Export, labels
from imports.views import ImportUploadView, attachment

from . import selectors, services
from .filters import MentorFilter, PairingPageFilter
from .forms import (
    MentorForm,
    MentoringLogForm,
    PairingEndForm,
    PairingForm,
    PairingUpdateForm,
    PolicyForm,
    WithdrawForm,
)
from .importing import MENTOR_IMPORTER, mentor_template
from .models import ActivityForm, MentorKind
from .widgets import mentor_label


class MentorListView(OwnTownshipFilterMixin, LastPageMixin, FilterView):
    """The mentor pool, filtered through the same FilterSet as the API."""

    template_name = "mentorship/mentor_list.html"
    filterset_class = MentorFilter
    context_object_name = "mentors"
    paginate_by = 30

    def get_queryset(self):
        return selectors.mentor_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        limits = selectors.county_mentee_limits(user=self.request.user)
        for mentor in context["mentors"]:
            mentor.capacity = selectors.mentor_capacity(mentor, county_limit=limits[mentor.township.county_id])
        return {**context, "can_write": can_write(self.request.user)}


def _filtered_mentors(request):
    """The mentor list's rows for its filter, all pages; a filter the list refuses (another
    township's id, say) gives no rows, as the list shows none."""
    filterset = MentorFilter(request.GET, queryset=selectors.mentor_list(user=request.user), request=request)
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


def mentor_export(request):
    """Every mentor of the filtered list (all pages). Read-only users (leaders) get the
    phone numbers masked."""
    limits = selectors.county_mentee_limits(user=request.user)
    phone = str if request.user.may_write else mask_phone
    kinds, states = labels(MentorKind), {True: _("在库"), False: _("已出库")}
    export = Export(user=request.user)
    export.sheet(
        _("导师库"),
        title=_("导师库"),
        columns=[
            (_("乡镇(街道)"), 14, "text"),
            (_("姓名"), 10, "text"),
            (_("导师类别"), 14, "text"),
            (_("工作单位"), 22, "text"),
            (_("职务"), 16, "text"),
            (_("联系电话"), 14, "text"),
            (_("专长"), 24, "text"),
            (_("在带人数"), 9, "int"),
            (_("可带人数"), 9, "int"),
            (_("状态"), 8, "text"),
        ],
        rows=(
            [
                m.township.name,
                m.name,
                kinds[m.kind],
                m.unit,
                m.post,
                phone(m.phone),
                m.specialties,
                m.active_count,
                selectors.mentor_capacity(m, county_limit=limits[m.township.county_id]),
                states[m.is_active],
            ]
            for m in _filtered_mentors(request).iterator(chunk_size=2000)
        ),
    )
    return attachment(export.content(), f"导师库_{timezone.localdate():%Y%m%d}.xlsx")


class MentorPrintView(TemplateView):
    """The filtered mentor list on one page for printing (up to ``print_limit`` rows)."""

    template_name = "mentorship/mentor_print.html"
    print_limit = PRINT_LIMIT

    def get_context_data(self, **kwargs):
        mentors, count = print_rows(_filtered_mentors(self.request), limit=self.print_limit)
        limits = selectors.county_mentee_limits(user=self.request.user)
        for mentor in mentors:
            mentor.capacity = selectors.mentor_capacity(mentor, county_limit=limits[mentor.township.county_id])
        return {
            **super().get_context_data(**kwargs),
            "mentors": mentors,
            "count": count,
            "print_limit": self.print_limit,
            "now": timezone.localtime(),
        }


class MentorDetailView(TemplateView):
    template_name = "mentorship/mentor_detail.html"

    def get_context_data(self, **kwargs):
        mentor = selectors.mentor_get(user=self.request.user, pk=self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "mentor": mentor,
            "capacity": selectors.mentor_capacity(mentor),
            "pairings": selectors.pairing_list(user=self.request.user).filter(mentor=mentor),
            "can_write": can_write(self.request.user),
        }


class MentorFormView(WriteRequiredMixin, ServiceFormMixin, FormView):
    template_name = "mentorship/mentor_form.html"
    form_class = MentorForm

    def get_mentor(self):
        if "pk" not in self.kwargs:
            return None
        return selectors.mentor_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.get_mentor()}

    def perform(self, form):
        if self.get_mentor() is None:
            return services.mentor_create(user=self.request.user, data=form.cleaned_data)
        return services.mentor_update(user=self.request.user, mentor=form.instance, data=form.cleaned_data)

    def success_message(self, mentor):
        return _("已保存导师 %(name)s。") % {"name": mentor.name}


class PairingListView(OwnTownshipFilterMixin, LastPageMixin, FilterView):
    """Pairings with filters (township, village, mentor, name, state, overdue) and links to
    the reserve, the mentor and the pairing; whether each is overdue is computed in the
    database (selectors.with_overdue), so the page's cost does not grow with the county."""

    template_name = "mentorship/pairing_list.html"
    filterset_class = PairingPageFilter
    context_object_name = "pairings"
    paginate_by = 30

    def get_queryset(self):
        pairings = selectors.pairing_list(user=self.request.user).order_by(
            "cadre__village__township__name", "cadre__village__name", "cadre__name", "-started_on", "pk"
        )
        return selectors.with_overdue(pairings, today=timezone.localdate())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_write": can_write(self.request.user)}


class PairingCreateView(WriteRequiredMixin, ServiceFormMixin, FormView):
    template_name = "mentorship/pairing_form.html"
    form_class = PairingForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"cadre": self.request.GET.get("cadre")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cadre_id = self.request.POST.get("cadre") or self.request.GET.get("cadre")
        if cadre_id and str(cadre_id).isdigit():
            cadre = cadre_list(user=self.request.user).filter(pk=cadre_id).first()
            if cadre:
                context["cadre"] = cadre
                context["suggestions"] = selectors.mentor_suggestions(user=self.request.user, cadre=cadre)
        return context

    def perform(self, form):
        data = form.cleaned_data
        return services.pairing_create(
            user=self.request.user, cadre=data["cadre"], mentor=data["mentor"], started_on=data["started_on"],
            planned_end_on=data["planned_end_on"], goals=data["goals"],
        )  # fmt: skip

    def success_message(self, pairing):
        return _("已为 %(name)s 结对导师 %(name2)s。") % {"name": pairing.cadre.name, "name2": pairing.mentor.name}


class PairingDetailView(TemplateView):
    template_name = "mentorship/pairing_detail.html"

    def get_pairing(self):
        return selectors.pairing_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        pairing = kwargs.get("pairing") or self.get_pairing()
        may_write = can_write(self.request.user)
        writable = may_write and pairing.is_active
        logs = list(selectors.pairing_log_history(pairing=pairing))
        return {
            **super().get_context_data(**kwargs),
            "pairing": pairing,
            "logs": logs,
            "log_count": sum(1 for log in logs if not log.is_withdrawn),
            "can_write": may_write,
            "log_form": kwargs.get("log_form") or (MentoringLogForm() if writable else None),
            "end_form": kwargs.get("end_form") or (PairingEndForm() if writable else None),
        }

    def post(self, request, pk):
        if not can_write(request.user):
            raise PermissionDenied(_("您的角色只能查看。"))
        pairing = self.get_pairing()
        if "end" in request.POST:
            form = PairingEndForm(request.POST)
            if form.is_valid() and request.POST.get("confirm") != "1":
                # First step: say what ending it will do; only the confirmed post ends it.
                return self.render_to_response(self.get_context_data(pairing=pairing, end_form=form, confirm_end=True))
            if form.is_valid():
                try:
                    services.pairing_end(user=request.user, pairing=pairing, ended_on=form.cleaned_data["ended_on"],
                                         reason=form.cleaned_data["end_reason"])  # fmt: skip
                    messages.success(request, _("结对已结束。"))
                    return redirect(pairing)
                except ValidationError as exc:
                    add_service_errors(form, exc)
            return self.render_to_response(self.get_context_data(pairing=pairing, end_form=form))
        form = MentoringLogForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.mentoring_log_create(user=request.user, pairing=pairing, data=form.cleaned_data)
                messages.success(request, _("已添加帮带记录。"))
                return redirect(pairing)
            except ValidationError as exc:
                add_service_errors(form, exc)
        return self.render_to_response(self.get_context_data(pairing=pairing, log_form=form))


class PairingUpdateView(WriteRequiredMixin, ServiceFormMixin, FormView):
    """Correct a pairing's details."""

    template_name = "mentorship/pairing_update.html"
    form_class = PairingUpdateForm

    def get_pairing(self):
        if not hasattr(self, "_pairing"):
            self._pairing = selectors.pairing_get(user=self.request.user, pk=self.kwargs["pk"])
        return self._pairing

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_pairing()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "pairing": self.get_pairing()}

    def perform(self, form):
        return services.pairing_update(user=self.request.user, pairing=self.get_pairing(), data=form.cleaned_data)

    def success_message(self, pairing):
        return _("已更正结对信息。")


class MentoringLogObjectMixin:
    def get_log(self):
        if not hasattr(self, "_log"):
            self._log = selectors.mentoring_log_get(user=self.request.user, pk=self.kwargs["pk"])
            if self._log.is_withdrawn:
                raise Http404(_("该帮带记录已撤回。"))
        return self._log

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "log": self.get_log(), "pairing": self.get_log().pairing}

    def success_url_for(self, log):
        return log.pairing.get_absolute_url()


class MentoringLogUpdateView(WriteRequiredMixin, MentoringLogObjectMixin, ServiceFormMixin, FormView):
    """Correct a mentoring log entry."""

    template_name = "mentorship/log_form.html"
    form_class = MentoringLogForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_log()}

    def perform(self, form):
        return services.mentoring_log_update(user=self.request.user, log=self.get_log(), data=form.cleaned_data)

    def success_message(self, log):
        return _("已更正 %(date)s 的帮带记录。") % {"date": f"{log.date:%Y-%m-%d}"}


class MentoringLogWithdrawView(WriteRequiredMixin, MentoringLogObjectMixin, ServiceFormMixin, FormView):
    """Withdraw a wrong entry, with a reason; the page itself is the confirmation."""

    template_name = "mentorship/log_withdraw.html"
    form_class = WithdrawForm

    def perform(self, form):
        return services.mentoring_log_withdraw(
            user=self.request.user, log=self.get_log(), reason=form.cleaned_data["reason"]
        )

    def success_message(self, log):
        return _("已撤回 %(date)s 的帮带记录。") % {"date": f"{log.date:%Y-%m-%d}"}


# The compliance page lists at most this many rows of each list; the export has them all.
COMPLIANCE_ROWS = 50


def _compliance_township(request) -> int | None:
    township_id = request.GET.get("township", "")
    return int(township_id) if township_id.isdigit() else None


def _compliance_lists(user, today, township_id):
    overdue = selectors.overdue_items(user=user, today=today)
    without = selectors.reserves_without_mentor(user=user)
    if township_id is not None:
        overdue = overdue.filter(cadre__village__township_id=township_id)
        without = without.filter(village__township_id=township_id)
    return overdue, without


class ComplianceView(TemplateView):
    """Townships' pairing counts, then the most overdue pairings and the reserves with no
    mentor, the first ``shown_rows`` of each; every count is made by the database, so the
    page costs the same for a village or a province."""

    template_name = "mentorship/compliance.html"
    shown_rows = COMPLIANCE_ROWS

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        user = self.request.user
        township_id = _compliance_township(self.request)
        overdue, without = _compliance_lists(user, today, township_id)
        overdue_rows = list(overdue[: self.shown_rows])
        for row in overdue_rows:
            row.form_label = ActivityForm(row.form).label
            row.days_overdue = (today - row.due_on).days
        return {
            **super().get_context_data(**kwargs),
            "today": today,
            "townships": selectors.compliance_by_township(user=user, today=today),
            "overdue": overdue_rows,
            "overdue_count": overdue.count(),
            "without": list(without[: self.shown_rows]),
            "without_count": without.count(),
            "shown_rows": self.shown_rows,
            "township_id": township_id,
            "query_string": self.request.GET.urlencode(),
            "can_write": can_write(user),
        }


def compliance_export(request):
    """The compliance page as a workbook: the township table, every overdue pairing and
    every reserve with no mentor (of one township with ``?township=``). Rows are streamed
    from the database; phone numbers are masked for read-only users."""
    today = timezone.localdate()
    user = request.user
    township_id = _compliance_township(request)
    overdue, without = _compliance_lists(user, today, township_id)
    townships = selectors.compliance_by_township(user=user, today=today)
    if township_id is not None:
        townships = [row for row in townships if row["township"].pk == township_id]
    phone = str if user.may_write else mask_phone
    form_labels, genders, statuses = labels(ActivityForm), labels(Gender), labels(Status)
    export = Export(user=user)
    export.sheet(
        _("按乡镇"),
        title=_("帮带督导：按乡镇统计（截至%(day)s）") % {"day": f"{today:%Y-%m-%d}"},
        columns=[
            (_("乡镇(街道)"), 16, "text"),
            (_("在帮结对"), 12, "int"),
            (_("逾期结对"), 12, "int"),
            (_("未结对后备干部"), 14, "int"),
        ],
        rows=(
            [row["township"].name, row["active_pairings"], row["overdue"], row["without_mentor"]] for row in townships
        ),
        totals=[
            _("合计"),
            *(sum(row[key] for row in townships) for key in ("active_pairings", "overdue", "without_mentor")),
        ],
    )
    export.sheet(
        _("逾期帮带"),
        title=_("逾期未开展的帮带（截至%(day)s）") % {"day": f"{today:%Y-%m-%d}"},
        columns=[
            (_("乡镇(街道)"), 14, "text"),
            (_("村(社区)"), 14, "text"),
            (_("后备干部"), 10, "text"),
            (_("导师"), 10, "text"),
            (_("帮带形式"), 12, "text"),
            (_("上次开展"), 12, "date"),
            (_("应于"), 12, "date"),
            (_("逾期天数"), 10, "int"),
        ],
        rows=(
            [
                p.cadre.village.township.name,
                p.cadre.village.name,
                p.cadre.name,
                p.mentor.name,
                form_labels[p.form],
                p.last_on or _("从未"),
                p.due_on,
                (today - p.due_on).days,
            ]
            for p in overdue.iterator(chunk_size=2000)
        ),
    )
    export.sheet(
        _("未结对"),
        title=_("尚未结对导师的后备干部"),
        columns=[
            (_("乡镇(街道)"), 14, "text"),
            (_("村(社区)"), 14, "text"),
            (_("姓名"), 10, "text"),
            (_("性别"), 6, "text"),
            (_("联系电话"), 14, "text"),
            (_("现任职务/工作"), 24, "text"),
            (_("状态"), 10, "text"),
        ],
        rows=(
            [
                c.village.township.name,
                c.village.name,
                c.name,
                genders.get(c.gender, ""),
                phone(c.phone),
                c.current_job,
                statuses[c.status],
            ]
            for c in without.iterator(chunk_size=2000)
        ),
    )
    return attachment(export.content(), f"帮带督导_{today:%Y%m%d}.xlsx")


class PolicyView(FormView):
    template_name = "mentorship/policy.html"
    form_class = PolicyForm

    def dispatch(self, request, *args, **kwargs):
        county = user_county_id(request.user)
        if county is None:
            raise PermissionDenied(_("请以县委组织部账号设置导师帮带制度。"))
        self.county_id = county
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "policy": selectors.county_policy(self.county_id)}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "can_edit": can_manage_county(self.request.user)}

    def form_valid(self, form):
        services.policy_update(
            user=self.request.user, county_id=self.county_id, mentee_limit=form.cleaned_data["mentee_limit"],
            requirements=form.requirements(),
        )  # fmt: skip
        messages.success(self.request, _("导师帮带制度已保存。"))
        return redirect("mentorship:policy")


def pairing_for_cadre(request, cadre_pk):
    """From a cadre page: their pairing if they have one, else the pairing form."""
    cadre = get_object_or_404(cadre_list(user=request.user), pk=cadre_pk)
    active = cadre.pairings.filter(ended_on__isnull=True).first()
    if active:
        return redirect(active)
    return redirect(f"{reverse('mentorship:pairing-create')}?cadre={cadre.pk}")


class MentorUploadView(ImportUploadView):
    template_name = "mentorship/mentor_upload.html"
    kind = MENTOR_IMPORTER.kind
    file_label = _("导师名册文件")


@write_required
def mentor_template_download(request):
    return attachment(mentor_template(), "导师库模板.xlsx")


def mentoring_log_attachment(request, pk):
    """Attachments are personal records: served only to users who may see the pairing."""
    entry = selectors.mentoring_log_get(user=request.user, pk=pk)
    if not entry.attachment:
        raise Http404(_("没有附件"))
    return FileResponse(
        entry.attachment.open("rb"), as_attachment=True, filename=entry.attachment.name.rsplit("/", 1)[-1]
    )


# The searchable selects of the pairing pages; reserves and villages are searched in the
# cadre app (cadre:search-cadres, cadre:search-villages), with the same helpers.


def search_free_cadres(request):
    """Up to 20 reserves in the user's scope matching ``q`` who may be paired now (in the
    pool, no active mentor): the pairing form's choices."""
    cadres = cadres_matching(selectors.reserves_without_mentor(user=request.user), search_term(request))
    return search_response((c.pk, cadre_label(c)) for c in cadres)


def search_mentors(request):
    """Up to 20 mentors in scope matching ``q`` by name, unit or specialty; ``active=1``:
    only those in the pool."""
    term = search_term(request)
    mentors = selectors.mentor_list(user=request.user)
    if request.GET.get("active") == "1":
        mentors = mentors.filter(is_active=True)
    if term:
        mentors = mentors.filter(Q(name__icontains=term) | Q(unit__icontains=term) | Q(specialties__icontains=term))
    mentors = mentors.order_by(*pinyin_ordering("name", "pk"))[:SEARCH_LIMIT]
    return search_response((m.pk, mentor_label(m)) for m in mentors)
