# The monthly reports ---------------------------------------------------------------------
# Reads for reports/ (a job, no user): each takes a Scope and counts in the database.

import datetime as dt

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from common.scope import Scope

from .models import Attendance, AttendanceStatus, Level, TrainingSession


def _status_counts(prefix: str = "", within: Q | None = None) -> dict[str, Count]:
    """应到/实到/请假/缺勤 over attendance rows; ``prefix`` leads to them from the queried
    model, ``within`` narrows the rows counted."""
    within = within or Q()
    counted = f"{prefix}pk"
    return {
        "expected": Count(counted, filter=within),
        **{
            name: Count(counted, filter=within & Q(**{f"{prefix}status": status}))
            for name, status in (
                ("present", AttendanceStatus.PRESENT),
                ("leave", AttendanceStatus.LEAVE),
                ("absent", AttendanceStatus.ABSENT),
            )
        },
    }


def report_sessions(*, scope: Scope, county_id: int, month: dt.date, month_end: dt.date) -> QuerySet:
    """The county's sessions in the month, as dicts with the attendance of the scope's
    reserves (expected, present, leave, absent). A township sees the sessions meant for it
    (county-level ones for everyone or naming it, its own township-level ones) and any its
    reserves attended."""
    sessions = TrainingSession.objects.visible_to(scope).filter(
        county_id=county_id, date__gte=month, date__lte=month_end
    )
    if scope.is_township:
        township_id = scope.township_id
        targets = TrainingSession.target_townships.through.objects.filter(trainingsession_id=OuterRef("pk"))
        attended = Attendance.objects.filter(session=OuterRef("pk"), cadre__village__township_id=township_id)
        meant = (Q(level=Level.COUNTY) | Q(organizer_id=township_id)) & (
            ~Exists(targets) | Exists(targets.filter(township_id=township_id))
        )
        sessions = sessions.filter(meant | Exists(attended))
    counts = _status_counts("attendance__", within=scope.q("attendance__cadre__village__township"))
    return sessions.order_by("date", "pk").values("pk", "date", "title", "level", "kind", "hours").annotate(**counts)


def _month_attendance(*, scope: Scope, county_id: int, month: dt.date, month_end: dt.date) -> QuerySet[Attendance]:
    return Attendance.objects.visible_to(scope).filter(
        session__county_id=county_id, session__date__gte=month, session__date__lte=month_end
    )


def _present_hours() -> Coalesce:
    return Coalesce(
        Sum("session__hours", filter=Q(status=AttendanceStatus.PRESENT)),
        Value(0),
        output_field=DecimalField(max_digits=8, decimal_places=1),
    )


def report_township_attendance(*, scope: Scope, county_id: int, month: dt.date, month_end: dt.date) -> QuerySet:
    """Per township (dicts, by name): expected, present, leave, absent, present hours."""
    return (
        _month_attendance(scope=scope, county_id=county_id, month=month, month_end=month_end)
        .order_by()
        .values("cadre__village__township_id", "cadre__village__township__name")
        .annotate(**_status_counts(), hours=_present_hours())
        .order_by("cadre__village__township__name", "cadre__village__township_id")
    )


def report_reserve_attendance(*, scope: Scope, county_id: int, month: dt.date, month_end: dt.date) -> QuerySet:
    """Per reserve with attendance in the month (tuples, by township, village, name):
    township, village, name, sessions, present, leave, absent, present hours."""
    return (
        _month_attendance(scope=scope, county_id=county_id, month=month, month_end=month_end)
        .order_by()
        .values("cadre_id")
        .annotate(**_status_counts(), hours=_present_hours())
        .values_list(
            "cadre__village__township__name",
            "cadre__village__name",
            "cadre__name",
            "expected",
            "present",
            "leave",
            "absent",
            "hours",
        )  # fmt: skip
        .order_by("cadre__village__township__name", "cadre__village__name", "cadre__name", "cadre_id")
    )


def report_missed(*, scope: Scope, county_id: int, month: dt.date, month_end: dt.date) -> QuerySet:
    """Who missed a session of the month (缺勤 or 请假), with the note: tuples of township,
    village, name, session date, session title, status, note."""
    return (
        _month_attendance(scope=scope, county_id=county_id, month=month, month_end=month_end)
        .filter(status__in=[AttendanceStatus.ABSENT, AttendanceStatus.LEAVE])
        .values_list(
            "cadre__village__township__name",
            "cadre__village__name",
            "cadre__name",
            "session__date",
            "session__title",
            "status",
            "note",
        )  # fmt: skip
        .order_by("cadre__village__township__name", "cadre__village__name", "cadre__name", "session__date", "pk")
    )
