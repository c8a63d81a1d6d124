"""generate_province on a small scale: what it writes on its bulk paths keeps the rules the
services keep (the tables' constraints hold them too, but not all of them)."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.utils import timezone

from cadre.models import Cadre, Status
from common.idcard import parse_id_number
from demo.province import COUNTY_PREFIX, training_months
from mentorship.dates import add_months
from mentorship.models import CountyPolicy, Mentor, MentoringLog, Pairing
from org.models import STANDARD_SEATS, County, Seat, Village
from subsidies.models import SubsidyLine, SubsidyPolicy, SubsidySheet
from training.models import Attendance, AttendanceStatus, TrainingSession


def generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_province", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_generates_a_small_province_that_keeps_the_rules():
    output = generate("--reserves", "300", "--counties", "2", "--seed", "7")
    connection.check_constraints()  # the foreign keys, deferred to a commit that a test never reaches
    today = timezone.localdate()

    counties = County.objects.filter(name__startswith=COUNTY_PREFIX)
    assert sorted(counties.values_list("name", flat=True)) == [f"{COUNTY_PREFIX}01", f"{COUNTY_PREFIX}02"]
    assert "后备干部：300" in output and "生成完成" in output

    cadres = list(Cadre.objects.select_related("village__township"))
    assert len(cadres) == 300
    ids = [c.id_number for c in cadres]
    assert len(set(ids)) == 300
    for cadre in cadres:
        info = parse_id_number(cadre.id_number)
        assert (info.birth_date, info.gender) == (cadre.birth_date, cadre.gender)
        assert all(cadre.entered_on <= d for d in (cadre.key_training_since, cadre.seated_on, cadre.left_on) if d)
        assert cadre.entered_on <= today and cadre.entered_on.year - cadre.birth_date.year >= 18
        if cadre.status == Status.SEATED:
            assert cadre.seat.village_id == cadre.village_id and cadre.seat.holder_name == ""
            assert cadre.key_training_since <= cadre.seated_on
    assert {c.status for c in cadres} >= {Status.RESERVE, Status.KEY_TRAINING, Status.LEFT}
    assert Cadre.history.count() == 300

    # Every village has its standard seats and at least two reserves.
    villages = Village.objects.filter(township__county__in=counties).annotate(n=Count("cadres", distinct=True))
    assert villages.exists() and not villages.filter(n__lt=2).exists()
    seats_per_village = sum(count for _post, count in STANDARD_SEATS)
    assert Seat.objects.count() == villages.count() * seats_per_village
    assert not Seat.objects.filter(~Q(holder_name=""), cadres__status=Status.SEATED).exists()

    # One active pairing per reserve in the pool, none for the others, no mentor above the limit.
    active = Pairing.objects.filter(ended_on__isnull=True)
    assert active.count() > 150
    assert not active.values("cadre").annotate(n=Count("pk")).filter(n__gt=1).exists()
    assert not active.exclude(cadre__status__in=(Status.RESERVE, Status.KEY_TRAINING)).exists()
    assert not active.exclude(mentor__township=F("cadre__village__township")).exists()
    limit = CountyPolicy.objects.get(county__name=f"{COUNTY_PREFIX}01").mentee_limit
    assert max(active.values("mentor").annotate(n=Count("pk")).values_list("n", flat=True)) <= limit
    assert Mentor.objects.count() >= active.count() / limit
    assert not Pairing.objects.filter(started_on__lt=F("cadre__entered_on")).exists()
    logs = MentoringLog.objects.select_related("pairing")
    assert logs.count() >= active.count()
    assert all(log.pairing.started_on <= log.date for log in logs)

    # A year of monthly trainings per county; attendance only by reserves in the pool that day.
    assert TrainingSession.objects.count() == 2 * 12
    assert sorted({s.date.replace(day=1) for s in TrainingSession.objects.all()}) == training_months(today)
    attendance = Attendance.objects.all()
    assert attendance.count() > 300
    assert attendance.filter(status=AttendanceStatus.PRESENT).count() > attendance.count() * 0.8
    assert attendance.filter(status=AttendanceStatus.ABSENT).exists()
    assert not attendance.filter(cadre__entered_on__gt=F("session__date")).exists()
    assert not attendance.filter(cadre__left_on__lte=F("session__date")).exists()
    assert not attendance.exclude(cadre__village__township__county=F("session__county")).exists()
    assert attendance.filter(exam_score__isnull=False).exists()

    assert SubsidyPolicy.objects.filter(county__in=counties, monthly_amount=2000).count() == 2
    # Last month's sheet, computed by the subsidies service: the reserves in the pool all month get 2,000.
    sheets = SubsidySheet.objects.filter(county__in=counties, month=add_months(today.replace(day=1), -1))
    assert sheets.count() == 2
    lines = SubsidyLine.objects.filter(sheet__in=sheets)
    assert lines.count() > 200 and lines.filter(base=Decimal("2000.00")).count() > 200
    assert not lines.exclude(township__county__in=counties).exists()

    # A second run refuses: the counties exist.
    with pytest.raises(CommandError, match="已存在"):
        generate("--reserves", "300", "--counties", "2")
    assert Cadre.objects.count() == 300
