import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Max
from django.utils import timezone

from accounts.models import Role, User
from assessment.models import Assessment, AssessmentYear, Assignment, Deed, Grade, Outcome, Submission, SubmissionState
from assessment.selectors import review_table
from cadre.models import COLLEGE_OR_ABOVE, Cadre, Status
from common.idcard import age_on, parse_id_number
from demo.cadre import DEMO_PASSWORD, REFERENCE_DATE, demo_plan
from demo.mentorship import MENTEE_LIMIT, mentoring_plan, mentoring_shift
from mentorship.dates import add_months
from mentorship.models import ActivityForm, CountyPolicy, Mentor, MentoringLog, MentorKind, Pairing
from mentorship.selectors import overdue_pairings, reserves_without_mentor
from org.models import County, Seat, Township, Village
from reports.models import ReportKind, ReportRun, RunStatus
from subsidies.models import SheetState, SubsidyAdjustment, SubsidyLine, SubsidyPolicy, SubsidySheet
from training.models import Attendance, AttendanceStatus, Kind, Level, TrainingNeed, TrainingSession


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", force=True, stdout=out)
    return out.getvalue()


def snapshot():
    return {
        "counties": County.objects.count(),
        "townships": Township.objects.count(),
        "villages": Village.objects.count(),
        "seats": Seat.objects.count(),
        "filled": Seat.objects.with_holder().filter(current_holder__isnull=False).count(),
        "cadres": Cadre.objects.count(),
        "history": Cadre.history.count(),
        "users": User.objects.count(),
        "statuses": dict(Cadre.objects.values_list("status").annotate(n=Count("pk"))),
        "mentors": Mentor.objects.count(),
        "active_mentors": Mentor.objects.filter(is_active=True).count(),
        "pairings": Pairing.objects.count(),
        "active_pairings": Pairing.objects.filter(ended_on__isnull=True).count(),
        "logs": MentoringLog.objects.count(),
        "mentoring_history": Mentor.history.count() + Pairing.history.count() + MentoringLog.history.count(),
        "assignments": Assignment.objects.count(),
        "deeds": Deed.objects.count(),
        "years": AssessmentYear.objects.count(),
        "assessments": Assessment.objects.count(),
        "assessment_history": Assessment.history.count(),
        "submissions": dict(Submission.objects.values_list("state").annotate(n=Count("pk")).order_by()),
        "sessions": TrainingSession.objects.count(),
        "attendance": Attendance.objects.count(),
        "needs": TrainingNeed.objects.count(),
        "policies": SubsidyPolicy.objects.count(),
        "sheets": dict(SubsidySheet.objects.values_list("state").annotate(n=Count("pk")).order_by()),
        "lines": SubsidyLine.objects.count(),
        "adjustments": SubsidyAdjustment.objects.count(),
        "reports": ReportRun.objects.count(),
    }


def test_plan_is_deterministic():
    first, second = demo_plan(), demo_plan()
    assert [c.data for c in first.cadres] == [c.data for c in second.cadres]
    assert first.seats == second.seats
    ids = [c.data["id_number"] for c in first.cadres]
    assert len(ids) == len(set(ids))


def test_mentoring_plan_is_deterministic_and_keeps_the_rules():
    cadres = demo_plan()
    first, second = mentoring_plan(cadres), mentoring_plan(cadres)
    assert first == second
    statuses = {c.data["id_number"]: c for c in cadres.cadres}
    for id_number, pairings in first.pairings.items():
        assert sum(p.ended_on is None for p in pairings) <= 1
        assert statuses[id_number].status in (Status.RESERVE, Status.KEY_TRAINING) or pairings[-1].ended_on
        for pairing in pairings:
            end = pairing.ended_on or REFERENCE_DATE
            assert all(pairing.started_on <= log.date <= end for log in pairing.logs)
            assert pairing.planned_end_on > pairing.started_on
    # Over time no mentor holds more reserves at once than their limit and the county's.
    for mentor in first.mentors:
        for start, end in mentor.spans:
            assert mentor.load_on(start, end) <= min(mentor.max_mentees, MENTEE_LIMIT)


@pytest.mark.django_db
def test_load_demo_builds_a_realistic_county_once():
    output = load_demo()

    assert County.objects.count() == 1
    assert Township.objects.count() >= 6
    assert Village.objects.count() >= 60
    for township in Township.objects.annotate(n=Count("villages")):
        names = list(township.villages.values_list("name", flat=True))
        assert len(names) == len(set(names)) and 9 <= len(names) <= 11
    # Frontline assignments for about two in five reserves, through the service's rules.
    assignments = Assignment.objects.select_related("kind")
    cadres_with = assignments.values("cadre").distinct().count()
    assert 0.3 < cadres_with / Cadre.objects.count() < 0.5
    assert Deed.objects.filter(publicized=True).exists() and any(a.too_short for a in assignments)
    assert "一线历练" in output
    # Every village has its standard seats, most of them held, a few vacant.
    seats = Seat.objects.all()
    assert seats.values("village").distinct().count() == Village.objects.count()
    vacant = seats.vacant().count()
    assert 0 < vacant < seats.count() * 0.2
    assert not seats.exclude(holder_name="").filter(holder_since__isnull=True).exists()

    cadres = list(Cadre.objects.all())
    assert len(cadres) >= 300
    for cadre in cadres:
        info = parse_id_number(cadre.id_number)
        assert (info.birth_date, info.gender) == (cadre.birth_date, cadre.gender), cadre.id_number
        assert cadre.id_number.startswith("4311")
        assert len(cadre.phone) in (0, 11)
    ages = [age_on(c.birth_date, REFERENCE_DATE) for c in cadres]
    assert min(ages) >= 22 and max(ages) <= 51
    assert 0.5 < sum(a < 35 for a in ages) / len(ages) < 0.8
    assert 0.5 < sum(c.education in COLLEGE_OR_ABOVE for c in cadres) / len(cadres) < 0.7

    statuses = {c.status for c in cadres}
    assert statuses == set(Status.values)
    for cadre in cadres:
        if cadre.status == Status.KEY_TRAINING:
            assert cadre.key_training_since
        if cadre.status == Status.SEATED:
            assert (cadre.seat.holder, cadre.seat.since) == (cadre.name, cadre.seated_on)
            assert cadre.seat.holder_name == ""  # stored once, on the cadre
            assert cadre.seat.village_id == cadre.village_id
        if cadre.status == Status.LEFT:
            assert cadre.left_on and cadre.left_reason
    # Every change is attributable to the demo admin.
    admin = User.objects.get(username="admin")
    assert not Cadre.history.exclude(history_user=admin).exists()
    assert Cadre.history.filter(history_change_reason__startswith="状态变更为").exists()

    assert admin.is_superuser and admin.is_staff and admin.role == Role.COUNTY
    county_user = User.objects.get(username="county")
    assert county_user.is_staff and county_user.role == Role.COUNTY
    assert county_user.has_perm("cadre.view_cadre") and county_user.has_perm("subsidies.view_subsidysheet")
    assert User.objects.get(username="leader").role == Role.LEADER
    towns = User.objects.filter(role=Role.TOWNSHIP, username__startswith="town")
    assert towns.count() == Township.objects.count()
    assert all(u.county_id == u.township.county_id for u in towns)
    assert all(u.check_password(DEMO_PASSWORD) and u.last_name for u in User.objects.all())
    assert "town07" in output and DEMO_PASSWORD in output and "用户名" in output

    _check_mentoring(output)
    _check_annual_assessment(output)
    _check_training(output)
    _check_subsidies(output)
    _check_reports(output)

    before = snapshot()
    output = load_demo()

    assert snapshot() == before
    assert "没有新增任何记录" in output


def _check_mentoring(output: str):
    # The mentoring plan is dated against REFERENCE_DATE and moved forward to the day it is loaded.
    loaded_on = REFERENCE_DATE + mentoring_shift()
    county = County.objects.get()
    policy = CountyPolicy.objects.get(county=county)
    assert policy.mentee_limit == MENTEE_LIMIT == 2
    assert dict(policy.requirements.values_list("form", "every_months")) == {
        ActivityForm.TALK: 3,
        ActivityForm.FEEDBACK: 6,
        ActivityForm.FIELD_RESEARCH: 6,
    }

    mentors = list(Mentor.objects.select_related("township"))
    assert len(mentors) >= 40
    assert {m.township_id for m in mentors} == set(Township.objects.values_list("pk", flat=True))
    assert {m.kind for m in mentors} >= set(MentorKind.values) - {MentorKind.OTHER}
    assert sum(m.kind == MentorKind.TOWNSHIP_CADRE for m in mentors) > len(mentors) / 2
    assert not {m.name for m in mentors} & set(Cadre.objects.values_list("name", flat=True))
    assert all(len(m.phone) == 11 and m.phone.isdigit() and m.specialty_list for m in mentors)
    assert all(1 <= m.max_mentees <= 2 for m in mentors)
    assert 0 < sum(not m.is_active for m in mentors) < len(mentors) * 0.1

    # The rules hold: one active pairing per reserve, no mentor over their limit.
    active = Pairing.objects.filter(ended_on__isnull=True)
    assert not active.values("cadre").annotate(n=Count("pk")).filter(n__gt=1).exists()
    loads = dict(active.values_list("mentor").annotate(n=Count("pk")))
    assert all(loads.get(m.pk, 0) <= min(m.max_mentees, policy.mentee_limit) for m in mentors)
    assert not active.filter(mentor__is_active=False).exists()
    assert not active.exclude(cadre__status__in=(Status.RESERVE, Status.KEY_TRAINING)).exists()
    # Most reserves have a mentor, some do not; seated and departed reserves' pairings ended.
    reserves = Cadre.objects.filter(status__in=(Status.RESERVE, Status.KEY_TRAINING)).count()
    county_user = User.objects.get(username="county")
    without = reserves_without_mentor(user=county_user).count()
    assert reserves * 0.1 < without < reserves * 0.3
    assert active.count() == reserves - without
    ended = Pairing.objects.filter(ended_on__isnull=False)
    assert not ended.filter(end_reason="").exists()
    reasons = set(ended.values_list("end_reason", flat=True))
    assert {"导师调动工作", "调整结对", "后备干部进入村“两委”班子"} <= reasons
    assert ended.filter(cadre__status=Status.SEATED).exists() and ended.filter(cadre__status=Status.LEFT).exists()
    assert active.filter(cadre__pairings__ended_on__isnull=False).exists()  # history kept

    logs = MentoringLog.objects.all()
    assert logs.count() > active.count() * 5
    assert set(logs.values_list("form", flat=True)) == set(ActivityForm.values)
    assert {"mentor", "township", "county"} == set(logs.values_list("entered_by", flat=True))
    assert not logs.filter(hours__lt=1).exists() and not logs.filter(hours__gt=4).exists()
    assert not logs.filter(date__gt=loaded_on).exists()
    for log in logs.select_related("pairing")[:500]:
        assert log.pairing.started_on <= log.date <= (log.pairing.ended_on or loaded_on)
    # Some pairings fell behind: no talk for five months and more.
    last_talk = dict(
        logs.filter(form=ActivityForm.TALK, pairing__ended_on__isnull=True)
        .values_list("pairing")
        .annotate(last=Max("date"))
    )
    five_months_ago = add_months(loaded_on, -5)
    assert any(last_talk.get(pk, dt.date.min) < five_months_ago for pk in active.values_list("pk", flat=True))
    overdue = overdue_pairings(user=county_user, today=loaded_on)
    behind = {o.pairing.pk for o in overdue}
    assert 0 < len(behind) < active.count() * 0.4
    assert any(o.form_label == "谈心谈话" for o in overdue)
    assert not Pairing.history.exclude(history_user__username="admin").exists()
    assert "导师帮带：导师" in output and "暂无导师" in output


def _check_annual_assessment(output: str):
    admin = User.objects.get(username="admin")
    current = timezone.localdate().year
    years = {y.year: y for y in AssessmentYear.objects.all()}
    assert set(years) == {current - 2, current - 1, current}
    assert years[current].deadline == dt.date(current, 12, 20)
    townships = Township.objects.count()
    for number in (current - 2, current - 1):
        rows = review_table(user=admin, year=years[number])
        assert len(rows) == townships
        assert all(r["submission"] and r["submission"].state == SubmissionState.APPROVED for r in rows)
        assert all(r["assessed"] == r["reserves"] for r in rows)
        # Past years change no lifecycle: 留 and 转 only.
        assert set(Assessment.objects.filter(year=years[number]).values_list("outcome", flat=True)) == {
            Outcome.STAY,
            Outcome.TRANSFER,
        }
    rows = review_table(user=admin, year=years[current])
    states = [r["submission"].state if r["submission"] else None for r in rows]
    assert set(states) == {None, *SubmissionState.values}
    for r in rows:
        if r["submission"] is None:
            assert r["assessed"] == 0
        elif r["submission"].state == SubmissionState.DRAFT:
            assert 0 < r["assessed"] < r["reserves"]
        elif r["submission"].state == SubmissionState.RETURNED:
            assert r["submission"].reason and r["submission"].events.filter(action="return").exists()
    for year in years.values():
        for r in review_table(user=admin, year=year):
            assert r["excellent"] <= r["quota"]
    grades = list(Assessment.objects.exclude(grade="").values_list("grade", flat=True))
    assert 0.1 < grades.count(Grade.EXCELLENT) / len(grades) < 0.2
    assert Grade.BASIC in grades and Grade.INCOMPETENT not in grades
    for a in Assessment.objects.exclude(total__isnull=True).select_related("year"):
        assert 15 <= a.voters <= 30
        assert a.votes_excellent + a.votes_competent + a.votes_basic + a.votes_incompetent <= a.voters
        assert a.visible_merits
    # 进 in an approved township of this year put the reserve on key training.
    advanced = Assessment.objects.filter(year=years[current], outcome=Outcome.ADVANCE)
    assert advanced.exists() and all(a.cadre.status == Status.KEY_TRAINING for a in advanced)
    assert not Assessment.history.exclude(history_user=admin).exists()
    assert "年度考核" in output


def _check_training(output: str):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    sessions = TrainingSession.objects.all()
    monthly = sessions.filter(kind=Kind.COUNTY_MONTHLY, date__lt=this_month)
    # A county training in each of the twelve months before this one, with attendance.
    assert sorted({s.date.replace(day=1) for s in monthly}) == [add_months(this_month, -n) for n in range(12, 0, -1)]
    assert {Kind.YOUNG_EAGLE, Kind.LEAD_GOOSE} <= set(sessions.values_list("kind", flat=True))
    assert sessions.filter(level=Level.TOWNSHIP, organizer__isnull=False).exists()
    for session in sessions.filter(date__lte=today):
        assert session.attendance.exists(), session
    attendance = Attendance.objects.all()
    present = attendance.filter(status=AttendanceStatus.PRESENT).count()
    assert 0.8 < present / attendance.count() < 0.95
    assert attendance.filter(status=AttendanceStatus.ABSENT).exists()
    assert attendance.filter(status=AttendanceStatus.LEAVE).exclude(note="").exists()
    assert attendance.filter(exam_score__isnull=False).exists()
    assert not attendance.filter(exam_score__isnull=False).exclude(status=AttendanceStatus.PRESENT).exists()
    # Only reserves in the pool on the session's day.
    assert not attendance.filter(cadre__entered_on__gt=F("session__date")).exists()
    assert not attendance.filter(cadre__seated_on__lte=F("session__date")).exists()
    assert not attendance.filter(cadre__status=Status.LEFT).exists()
    # Next month's session gathers needs before its deadline.
    upcoming = sessions.get(date__gt=today)
    assert upcoming.needs_deadline < upcoming.date and not upcoming.attendance.exists()
    assert upcoming.needs.count() > 100
    assert "培训：培训班次" in output


def _check_subsidies(output: str):
    county = County.objects.get()
    policies = list(SubsidyPolicy.objects.filter(county=county).order_by("effective_from"))
    assert [(p.effective_from, p.monthly_amount) for p in policies] == [
        (dt.date(2026, 1, 1), Decimal("2000.00")),
        (dt.date(2026, 7, 16), Decimal("2200.00")),
    ]
    assert all((p.bonus_excellent, p.bonus_competent, p.bonus_month) == (5000, 3000, 3) for p in policies)
    last = add_months(timezone.localdate().replace(day=1), -1)
    sheets = list(SubsidySheet.objects.filter(county=county).order_by("month"))
    assert [s.month for s in sheets] == [add_months(dt.date(2026, 1, 1), n) for n in range(len(sheets))]
    assert sheets[-1].month == last
    assert [s.state for s in sheets[-2:]] == [SheetState.REVIEWED, SheetState.COMPUTED]
    assert all(s.state == SheetState.LOCKED and s.locked_by for s in sheets[:-2])
    # July is split by the raise; March pays the bonus by last year's grade.
    july = SubsidyLine.objects.filter(sheet__month=dt.date(2026, 7, 1), days=31)
    assert july.exists() and all(line.base == Decimal("2103.23") for line in july)
    march = SubsidyLine.objects.filter(sheet__month=dt.date(2026, 3, 1))
    assert set(march.exclude(bonus=0).values_list("bonus", flat=True)) == {Decimal("5000.00"), Decimal("3000.00")}
    assert not SubsidyLine.objects.exclude(total=F("base") + F("bonus")).exists()
    adjustment = SubsidyAdjustment.objects.get()
    assert adjustment.sheet.state == SheetState.LOCKED and adjustment.reason and adjustment.amount
    assert "待遇补贴：" in output


def _check_reports(output: str):
    # Last month's three reports for the county and for 城关镇, built and current, with files.
    last = add_months(timezone.localdate().replace(day=1), -1)
    runs = ReportRun.objects.select_related("township")
    assert {(r.kind, r.township.name if r.township else None) for r in runs} == {
        (kind, township) for kind in ReportKind.values for township in (None, "城关镇")
    }
    for run in runs:
        assert (run.month, run.status, run.is_current, run.error) == (last, RunStatus.DONE, True, ""), run
        assert run.file and run.file.size > 0
    assert all(r.pdf and r.pdf.size > 0 for r in runs if r.kind == ReportKind.SUBSIDY)
    assert "报表中心：报表6份" in output


def test_refuses_without_force_when_not_debugging(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=io.StringIO())
