"""A tiny county whose May 2026 reports are checked cell by cell.

青山县 (each village should have 2 reserves):
- 白水镇 枫树村: 李明 (born 1998-06-01: 27 at the month's end, 大专, 中共党员, 返乡农民工) and
  王芳 (born 1991-05-31: 35 that very day, 本科, 群众, 返乡创业大学生, seated on 2026-05-20:
  no longer 在册 at the month's end);
  白水镇 柳溪村: nobody.
- 龙山乡 石桥村: 赵强 (born 1985-01-01: 41, 高中/中专, 入党积极分子, 退伍军人); 孙丽 left in
  April (not counted); 周杰 listed only in June (not counted).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from assessment.models import Assessment, AssessmentYear, Grade, Submission, SubmissionState
from cadre.models import Cadre, Education, PoliticalStatus, Source, Status
from mentorship.models import ActivityForm, CountyPolicy
from org.models import County, Township, Village
from subsidies.models import SheetState, SubsidyAdjustment, SubsidyLine, SubsidySheet
from tests.factories import (
    AssignmentFactory,
    CadreFactory,
    DeedFactory,
    PairingFactory,
    UserFactory,
    VillageFactory,
    make_id_number,
)
from training.models import Attendance, AttendanceStatus, Kind, Level, TrainingSession

MAY = dt.date(2026, 5, 1)


@dataclass
class Tiny:
    county: County
    baishui: Township
    longshan: Township
    fengshu: Village
    liming: Cadre
    wangfang: Cadre
    zhaoqiang: Cadre
    sunli: Cadre
    staff: object
    sheet: SubsidySheet | None = None


def _cadre(village, name, birth, seq, **kwargs):
    return CadreFactory(
        village=village, name=name, id_number=make_id_number(birth=birth, seq=seq), entered_on=dt.date(2024, 1, 1),
        **kwargs,
    )  # fmt: skip


@pytest.fixture
def tiny(county, township, other_township, county_user) -> Tiny:
    fengshu = VillageFactory(township=township, name="枫树村")
    VillageFactory(township=township, name="柳溪村")
    shiqiao = VillageFactory(township=other_township, name="石桥村")
    liming = _cadre(fengshu, "李明", dt.date(1998, 6, 1), 101, education=Education.COLLEGE,
                    political_status=PoliticalStatus.MEMBER, source=Source.RETURNED_MIGRANT)  # fmt: skip
    wangfang = _cadre(fengshu, "王芳", dt.date(1991, 5, 31), 202, education=Education.BACHELOR,
                      political_status=PoliticalStatus.MASSES, source=Source.RETURNED_GRADUATE)  # fmt: skip
    seat = fengshu.seats.get(post=40)
    Cadre.objects.filter(pk=wangfang.pk).update(status=Status.SEATED, seat=seat, seated_on=dt.date(2026, 5, 20))
    zhaoqiang = _cadre(shiqiao, "赵强", dt.date(1985, 1, 1), 303, education=Education.SENIOR,
                       political_status=PoliticalStatus.ACTIVIST, source=Source.VETERAN)  # fmt: skip
    sunli = _cadre(shiqiao, "孙丽", dt.date(1996, 2, 2), 404)
    Cadre.objects.filter(pk=sunli.pk).update(status=Status.LEFT, left_on=dt.date(2026, 4, 30), left_reason="外出务工")
    _cadre(shiqiao, "周杰", dt.date(1997, 7, 7), 505)
    Cadre.objects.filter(name="周杰").update(entered_on=dt.date(2026, 6, 10))

    # Mentoring: 李明's pairing never had the required talk (overdue); 赵强's is recent.
    policy = CountyPolicy.objects.create(county=county, mentee_limit=2)
    policy.requirements.create(form=ActivityForm.TALK, every_months=3)
    PairingFactory(cadre=liming, started_on=dt.date(2025, 3, 1), created_by=county_user)
    PairingFactory(cadre=zhaoqiang, started_on=dt.date(2026, 4, 1), created_by=county_user)

    # The 2025 assessment: 白水镇 approved, 龙山乡 still a draft (not counted).
    year = AssessmentYear.objects.create(county=county, year=2025, deadline=dt.date(2025, 12, 20))
    Submission.objects.create(year=year, township=township, state=SubmissionState.APPROVED)
    Submission.objects.create(year=year, township=other_township, state=SubmissionState.DRAFT)
    for cadre, grade in ((liming, Grade.EXCELLENT), (wangfang, Grade.COMPETENT), (zhaoqiang, Grade.BASIC)):
        Assessment.objects.create(year=year, cadre=cadre, grade=grade, updated_by=county_user)
    DeedFactory(assignment=AssignmentFactory(cadre=liming, created_by=county_user), title="防汛值守十昼夜",
                date=dt.date(2026, 5, 15), publicized=True)  # fmt: skip

    return Tiny(county=county, baishui=township, longshan=other_township, fengshu=fengshu, liming=liming,
                wangfang=wangfang, zhaoqiang=zhaoqiang, sunli=sunli, staff=county_user)  # fmt: skip


@pytest.fixture
def trainings(tiny):
    """May: a county session for everyone (3 expected) and 白水镇's own 雏鹰展翅 (2); one in April."""
    staff = tiny.staff
    county_session = TrainingSession.objects.create(
        county=tiny.county, title="5月县级月度培训", level=Level.COUNTY, kind=Kind.COUNTY_MONTHLY,
        date=dt.date(2026, 5, 10), hours=Decimal("4.0"), created_by=staff,
    )  # fmt: skip
    own = TrainingSession.objects.create(
        county=tiny.county, title="白水镇雏鹰展翅", level=Level.TOWNSHIP, kind=Kind.YOUNG_EAGLE, organizer=tiny.baishui,
        date=dt.date(2026, 5, 20), hours=Decimal("2.5"), created_by=staff,
    )  # fmt: skip
    own.target_townships.set([tiny.baishui])
    april = TrainingSession.objects.create(
        county=tiny.county, title="4月县级月度培训", date=dt.date(2026, 4, 10), hours=Decimal("3.0"), created_by=staff
    )
    for session, cadre, status, note in (
        (county_session, tiny.liming, AttendanceStatus.PRESENT, ""),
        (county_session, tiny.wangfang, AttendanceStatus.LEAVE, "家中有事"),
        (county_session, tiny.zhaoqiang, AttendanceStatus.ABSENT, ""),
        (own, tiny.liming, AttendanceStatus.PRESENT, ""),
        (own, tiny.wangfang, AttendanceStatus.PRESENT, ""),
        (april, tiny.zhaoqiang, AttendanceStatus.PRESENT, ""),
    ):
        Attendance.objects.create(session=session, cadre=cadre, status=status, note=note, recorded_by=staff)
    return county_session, own


@pytest.fixture
def sheet(tiny):
    """May's locked sheet: three lines, and adjustments (孙丽's with no line)."""
    staff = tiny.staff
    now = timezone.now()
    sheet = SubsidySheet.objects.create(county=tiny.county, month=MAY, computed_at=now)
    for cadre, township, days, base, bonus in (
        (tiny.liming, tiny.baishui, 31, "2000.00", "5000.00"),
        (tiny.wangfang, tiny.baishui, 31, "2000.00", "0.00"),
        (tiny.zhaoqiang, tiny.longshan, 15, "967.74", "0.00"),
    ):
        SubsidyLine.objects.create(
            sheet=sheet, cadre=cadre, township=township, village=cadre.village, days=days, base=Decimal(base),
            bonus=Decimal(bonus), total=Decimal(base) + Decimal(bonus), basis=f"2000.00×{days}/31",
        )  # fmt: skip
    # Locked once its lines are in (a locked sheet's lines never change), then corrected.
    SubsidySheet.objects.filter(pk=sheet.pk).update(state=SheetState.LOCKED, locked_at=now, locked_by=staff)
    sheet.refresh_from_db()
    for cadre, township, amount, reason in (
        (tiny.wangfang, tiny.baishui, "150.50", "4月漏算天数补发"),
        (tiny.zhaoqiang, tiny.longshan, "-100.00", "多发扣回"),
        (tiny.sunli, tiny.longshan, "333.33", "3月漏发补发"),
    ):
        SubsidyAdjustment.objects.create(
            sheet=sheet, cadre=cadre, township=township, amount=Decimal(amount), reason=reason, created_by=staff
        )
    tiny.sheet = sheet
    return sheet


@pytest.fixture
def township_two(other_township):
    return UserFactory(username="longshan", role="township", township=other_township, county=other_township.county)
