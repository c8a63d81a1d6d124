"""The organization pages (组织架构): townships, villages and their seats, with the
registry's reserves and vacancies per unit. They live in the registry app because they
show its data; org itself holds the tree and knows nothing of cadres.

County staff record who holds each two-committee seat on the village page; every change
is shown on a confirmation page before it is made."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from common.views import ConfirmStepMixin
from common.xlsx_export import Export
from imports.views import attachment
from org import selectors
from org.services import may_manage_seats

from .models import Status
from .org_forms import SeatAssignForm, SeatEndForm, SeatPromoteForm
from .org_selectors import (
    promotable_reserves,
    township_overview,
    township_overview_totals,
    township_villages,
    village_overview,
    village_seat_terms,
)
from .org_services import seat_incumbency_end, seat_outsider_assign, seat_reserve_promote
from .selectors import cadre_list


class OrgOverviewView(TemplateView):
    template_name = "org/overview.html"

    def get_context_data(self, **kwargs):
        townships = list(township_overview(user=self.request.user))
        return {
            **super().get_context_data(**kwargs),
            "townships": townships,
            "totals": township_overview_totals(townships=townships),
        }


class TownshipDetailView(TemplateView):
    template_name = "org/township_detail.html"

    def get_context_data(self, **kwargs):
        township = selectors.township_get(user=self.request.user, pk=self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "township": township,
            "villages": township_villages(township=township),
        }


VILLAGE_COLUMNS = [
    (_("乡镇(街道)"), 14, "text"),
    (_("村(社区)"), 16, "text"),
    (_("在册后备干部"), 12, "int"),
    (_("已进入两委"), 11, "int"),
    (_("两委职位"), 10, "int"),
    (_("空缺职位"), 10, "int"),
    (_("每村最低人数"), 12, "int"),
    (_("低于最低人数"), 12, "text"),
]


def _village_rows(villages):
    for v in villages.iterator(chunk_size=2000):
        yield [v.township.name, v.name, v.reserve_count, v.seated_count, v.seat_count, v.vacant_seat_count,
               v.minimum, v.reserve_count < v.minimum]  # fmt: skip


def org_export(request):
    """The overview as a workbook: the townships with a totals row, and every village in
    scope with its counts and whether it has fewer reserves than the county's minimum."""
    user = request.user
    townships = list(township_overview(user=user))
    totals = township_overview_totals(townships=townships)
    export = Export(user=user)
    export.sheet(
        _("乡镇(街道)"),
        title=_("组织架构：乡镇(街道)"),
        columns=[
            (_("县(区)"), 12, "text"),
            (_("乡镇(街道)"), 16, "text"),
            (_("村(社区)数"), 11, "int"),
            (_("在册后备干部"), 12, "int"),
            (_("已进入两委"), 11, "int"),
            (_("两委空缺职位"), 12, "int"),
        ],
        rows=(
            [t.county.name, t.name, t.village_count, t.reserve_count, t.seated_count, t.vacant_seat_count]
            for t in townships
        ),
        totals=[
            _("合计"),
            _("%(n)s个乡镇(街道)") % {"n": totals["townships"]},
            totals["villages"],
            totals["reserves"],
            totals["seated"],
            totals["vacant_seats"],
        ],
    )
    export.sheet(
        _("村(社区)"),
        title=_("组织架构：村(社区)"),
        columns=VILLAGE_COLUMNS,
        rows=_village_rows(village_overview(villages=selectors.village_list(user=user))),
    )
    return attachment(export.content(), f"组织架构_{timezone.localdate():%Y%m%d}.xlsx")


def township_export(request, pk):
    """The township page's villages as a workbook (another township's is a 404)."""
    township = selectors.township_get(user=request.user, pk=pk)
    export = Export(user=request.user)
    export.sheet(
        _("村(社区)"),
        title=_("%(township)s：村(社区)") % {"township": township.name},
        columns=VILLAGE_COLUMNS,
        rows=_village_rows(village_overview(villages=township.villages.all())),
    )
    return attachment(export.content(), f"组织架构_{township.name}_{timezone.localdate():%Y%m%d}.xlsx")


class VillageDetailView(TemplateView):
    template_name = "org/village_detail.html"

    def get_context_data(self, **kwargs):
        village = selectors.village_get(user=self.request.user, pk=self.kwargs["pk"])
        seat_terms = village_seat_terms(village=village)
        return {
            **super().get_context_data(**kwargs),
            "village": village,
            "seat_terms": seat_terms,
            "has_past_terms": any(row.past for row in seat_terms),
            "may_manage_seats": may_manage_seats(self.request.user),
            "cadres": cadre_list(user=self.request.user).filter(village=village),
        }


def _day(day):
    return date_format(day, "Y年n月j日")


class SeatActionView(ConfirmStepMixin, FormView):
    """A change to a seat's holder in two steps: the form, then a page that says what will
    happen (the service has been tried and rolled back, so what it says will hold), and
    only the confirmed post changes anything. Another county's seat is a 404; a township
    secretary or a leader gets 403 (they read the village page only)."""

    template_name = "org/seat_action.html"
    title = ""
    needs_vacant = True  # the action fills a vacant seat (or, False, ends a term)

    def dispatch(self, request, *args, **kwargs):
        self.seat = selectors.seat_get(user=request.user, pk=kwargs["pk"])
        if not may_manage_seats(request.user):
            raise PermissionDenied(_("只有县委组织部工作人员可以登记村“两委”班子成员。"))
        return super().dispatch(request, *args, **kwargs)

    def summary(self, data: dict) -> list[str]:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        vacant = self.seat.current_holder is None
        return {
            **super().get_context_data(**kwargs),
            "seat": self.seat,
            "title": self.title,
            "wrong_state": vacant != self.needs_vacant,
        }

    def confirmation_context(self, form):
        return {"summary": self.summary(form.cleaned_data)}

    def success_url_for(self, obj):
        return self.seat.village.get_absolute_url()


class SeatAssignView(SeatActionView):
    form_class = SeatAssignForm
    title = _("登记现任")

    def perform(self, form):
        data = form.cleaned_data
        return seat_outsider_assign(user=self.request.user, seat=self.seat, name=data["name"], since=data["since"])

    def summary(self, data):
        return [
            _("登记 %(name)s 为 %(seat)s，任职时间 %(since)s。")
            % {"name": data["name"].strip(), "seat": self.seat.post_label, "since": _day(data["since"])},
            _("此人不在后备干部花名册中；如从本村后备干部中选任，请返回选择“从后备干部选任”。"),
        ]

    def success_message(self, obj):
        return _("已登记%(seat)s现任：%(name)s。") % {"seat": self.seat.post_label, "name": obj.holder_name}


class SeatEndView(SeatActionView):
    form_class = SeatEndForm
    title = _("办理离任")
    needs_vacant = False

    def summary(self, data):
        lines = [
            _("%(name)s 自 %(on)s 起不再担任 %(seat)s（原因：%(reason)s），该职位变为空缺。")
            % {
                "name": self.seat.current_holder,
                "on": _day(data["on"]),
                "seat": self.seat.post_label,
                "reason": data["reason"].strip(),
            }
        ]
        if self.seat.cadres.filter(status=Status.SEATED).exists():
            lines.append(_("此人是经后备干部选任的，其后备干部状态将变更为“已退出”，退出原因同上。"))
        lines.append(_("任职记录保留在本村的两委班子历任记录中。"))
        return lines

    def perform(self, form):
        data = form.cleaned_data
        return seat_incumbency_end(user=self.request.user, seat=self.seat, on=data["on"], reason=data["reason"])

    def success_message(self, obj):
        return _("%(seat)s已办理离任，现为空缺。") % {"seat": self.seat.post_label}


class SeatPromoteView(SeatActionView):
    form_class = SeatPromoteForm
    title = _("从后备干部选任")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "reserves": promotable_reserves(user=self.request.user, seat=self.seat)}

    def summary(self, data):
        return [
            _("%(name)s 自 %(on)s 起担任 %(seat)s。")
            % {"name": data["cadre"].name, "on": _day(data["on"]), "seat": self.seat.post_label},
            _("其状态将变更为“已进入两委”，不再占用后备储备名额；正在进行的导师结对随之结束。"),
        ]

    def perform(self, form):
        data = form.cleaned_data
        return seat_reserve_promote(user=self.request.user, seat=self.seat, cadre=data["cadre"], on=data["on"])

    def success_message(self, obj):
        return _("%(name)s 已进入两委，担任%(seat)s。") % {"name": obj.name, "seat": self.seat.post_label}
