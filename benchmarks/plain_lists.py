"""The baselines for the list benchmark (bench_lists.py): the compliance page as it was
before issue 11, and the django-import-export exports a Django developer would write first.

- ``plain_compliance``: the compliance page (帮带督导) of commit de97889^, its template kept
  in benchmarks/plain_compliance.html: ``mentorship.selectors.overdue_pairings`` loads
  every active pairing in scope and computes the overdue forms in Python, the township
  table counts the overdue pairings from that list and the reserves with no mentor by
  reading one row per reserve, and the page lists every overdue pairing and every reserve
  with no mentor (no limit).
- ``plain_compliance_export``: the same three lists as a workbook, through plain
  ``ModelResource`` exports (``resource.export(rows)``) joined into a tablib ``Databook``
  and written with ``export("xlsx")`` (openpyxl). The overdue rows come from
  ``overdue_pairings``, as the old page had them.
- ``plain_mentor_export``: a ``ModelResource`` over ``Mentor`` exporting the pool's list
  (``mentorship.selectors.mentor_list``, the related rows and the active count in one query)
  to .xlsx. The mentee limit is read once per county, not once per mentor.

The views are served by ``urlpatterns`` below (the project's URLs plus ``plain/...``):
the benchmark's child process sets ``ROOT_URLCONF`` to this module, so both sides are timed
the same way, through Django's test client with the middleware, session and templates.
"""

import datetime as dt
from collections import defaultdict
from pathlib import Path

import tablib
from django.db.models import Count, Q
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path
from django.utils import timezone
from import_export import fields, resources

from accounts.models import User
from cadre.models import Cadre
from common.collation import pinyin_ordering
from mentorship.models import Mentor, Pairing
from mentorship.selectors import (
    Overdue,
    county_mentee_limits,
    mentor_capacity,
    mentor_list,
    overdue_pairings,
    reserves_without_mentor,
)
from org.selectors import township_list

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# templates/mentorship/compliance.html as of de97889^ (before issue 11), kept beside this file.
OLD_COMPLIANCE_TEMPLATE = (Path(__file__).parent / "plain_compliance.html").read_text()


def old_compliance_by_township(*, user: User, overdue: list[Overdue]) -> list[dict]:
    """mentorship.selectors.compliance_by_township as of de97889^."""
    overdue_pairing_ids = defaultdict(set)
    for item in overdue:
        overdue_pairing_ids[item.pairing.cadre.village.township_id].add(item.pairing.pk)
    without = defaultdict(int)
    for township_id in reserves_without_mentor(user=user).values_list("village__township_id", flat=True):
        without[township_id] += 1
    rows = []
    for township in (
        township_list(user=user)
        .annotate(
            active_pairings=Count(
                "villages__cadres__pairings", filter=Q(villages__cadres__pairings__ended_on__isnull=True)
            )
        )
        .order_by(*pinyin_ordering("name"))
    ):
        rows.append(
            {
                "township": township,
                "active_pairings": township.active_pairings,
                "overdue": len(overdue_pairing_ids[township.pk]),
                "without_mentor": without[township.pk],
            }
        )
    return rows


def plain_compliance(request):
    """mentorship.views.ComplianceView as of de97889^, rendering the old template."""
    today = timezone.localdate()
    user = request.user
    township_id = request.GET.get("township")
    overdue = overdue_pairings(user=user, today=today)
    townships = old_compliance_by_township(user=user, overdue=overdue)
    without = reserves_without_mentor(user=user)
    if township_id and township_id.isdigit():
        overdue = [o for o in overdue if o.pairing.cadre.village.township_id == int(township_id)]
        without = without.filter(village__township_id=township_id)
    context = {
        "today": today,
        "townships": townships,
        "overdue": [(o, o.days_overdue(today)) for o in overdue],
        "without": without,
        "township_id": township_id,
    }
    template = engines["django"].from_string(OLD_COMPLIANCE_TEMPLATE)
    return HttpResponse(template.render(context, request))


class PlainOverdueResource(resources.ModelResource):
    """One row per missed form, read from ``overdue_pairings``' items."""

    township = fields.Field(attribute="pairing__cadre__village__township__name", column_name="乡镇(街道)")
    village = fields.Field(attribute="pairing__cadre__village__name", column_name="村(社区)")
    cadre = fields.Field(attribute="pairing__cadre__name", column_name="后备干部")
    mentor = fields.Field(attribute="pairing__mentor__name", column_name="导师")
    form = fields.Field(attribute="form_label", column_name="帮带形式")
    last_on = fields.Field(attribute="last_on", column_name="上次开展")
    due_on = fields.Field(attribute="due_on", column_name="应于")
    days = fields.Field(column_name="逾期天数")

    class Meta:
        model = Pairing
        fields = ("township", "village", "cadre", "mentor", "form", "last_on", "due_on", "days")
        export_order = fields

    def dehydrate_days(self, item: Overdue) -> int:
        return item.days_overdue(timezone.localdate())


class PlainWithoutMentorResource(resources.ModelResource):
    township = fields.Field(attribute="village__township__name", column_name="乡镇(街道)")
    village = fields.Field(attribute="village__name", column_name="村(社区)")
    name = fields.Field(attribute="name", column_name="姓名")
    gender = fields.Field(attribute="get_gender_display", column_name="性别")
    phone = fields.Field(attribute="phone", column_name="联系电话")
    current_job = fields.Field(attribute="current_job", column_name="现任职务/工作")
    status = fields.Field(attribute="get_status_display", column_name="状态")

    class Meta:
        model = Cadre
        fields = ("township", "village", "name", "gender", "phone", "current_job", "status")
        export_order = fields


def plain_compliance_export(request):
    today = timezone.localdate()
    user = request.user
    overdue = overdue_pairings(user=user, today=today)
    townships = tablib.Dataset(headers=["乡镇(街道)", "在帮结对", "逾期结对", "未结对后备干部"], title="按乡镇")
    for row in old_compliance_by_township(user=user, overdue=overdue):
        townships.append([row["township"].name, row["active_pairings"], row["overdue"], row["without_mentor"]])
    overdue_sheet = PlainOverdueResource().export(overdue)
    overdue_sheet.title = "逾期帮带"
    without_sheet = PlainWithoutMentorResource().export(reserves_without_mentor(user=user))
    without_sheet.title = "未结对"
    book = tablib.Databook([townships, overdue_sheet, without_sheet])
    return _attachment(book.export("xlsx"), f"帮带督导_{today:%Y%m%d}.xlsx")


class PlainMentorResource(resources.ModelResource):
    township = fields.Field(attribute="township__name", column_name="乡镇(街道)")
    name = fields.Field(attribute="name", column_name="姓名")
    kind = fields.Field(attribute="get_kind_display", column_name="导师类别")
    unit = fields.Field(attribute="unit", column_name="工作单位")
    post = fields.Field(attribute="post", column_name="职务")
    phone = fields.Field(attribute="phone", column_name="联系电话")
    specialties = fields.Field(attribute="specialties", column_name="专长")
    active_count = fields.Field(attribute="active_count", column_name="在带人数")
    capacity = fields.Field(column_name="可带人数")
    is_active = fields.Field(column_name="状态")

    class Meta:
        model = Mentor
        fields = ("township", "name", "kind", "unit", "post", "phone", "specialties", "active_count", "capacity",
                  "is_active")  # fmt: skip
        export_order = fields

    def __init__(self, limits: dict[int, int]):
        super().__init__()
        self.limits = limits

    def dehydrate_capacity(self, mentor: Mentor) -> int:
        return mentor_capacity(mentor, county_limit=self.limits[mentor.township.county_id])

    def dehydrate_is_active(self, mentor: Mentor) -> str:
        return "在库" if mentor.is_active else "已出库"


def plain_mentor_export(request):
    resource = PlainMentorResource(county_mentee_limits(user=request.user))
    dataset = resource.export(mentor_list(user=request.user))
    return _attachment(dataset.export("xlsx"), f"导师库_{dt.date.today():%Y%m%d}.xlsx")


def _attachment(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = "attachment"
    return response


urlpatterns = [
    path("plain/compliance/", plain_compliance),
    path("plain/compliance/export.xlsx", plain_compliance_export),
    path("plain/mentors/export.xlsx", plain_mentor_export),
    path("", include("config.urls")),
]
