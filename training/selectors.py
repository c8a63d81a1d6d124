"""Reads of the training app: sessions, who they are for, attendance, hours and needs.

Every read starts from ``visible_to`` (a user or a Scope value): a township secretary sees
the sessions meant for their township (county-wide ones, or those listing it) and only
their own reserves in them. Counts are computed in the database; hours are derived from
attendance (present only), never stored.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from cadre.models import Cadre, Status
from common.scope import Scope

from .models import Attendance, AttendanceStatus, Topic, TrainingNeed, TrainingSession

HOURS = DecimalField(max_digits=8, decimal_places=1)
RECENT_SESSIONS = 10


def _targets_through() -> Any:
    return TrainingSession.target_townships.through.objects


def _meant_for_township(township_id: int) -> Q:
    """Sessions for everyone in the county, or listing the township among their targets."""
    listed = _targets_through().filter(trainingsession_id=OuterRef("pk"))
    return ~Exists(listed) | Exists(listed.filter(township_id=township_id))


def session_visible(*, user: User | Scope) -> QuerySet[TrainingSession]:
    """The sessions the user (or scope) may open, without counts."""
    scope = Scope.of(user)
    sessions = TrainingSession.objects.visible_to(scope)
    if scope.is_township:
        sessions = sessions.filter(_meant_for_township(scope.township_id))
    return sessions


def _attendance_count(scope: Scope, **conditions: Any) -> Coalesce:
    rows = (
        Attendance.objects.filter(scope.q("cadre__village__township"), session=OuterRef("pk"), **conditions)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
    )
    return Coalesce(Subquery(rows.values("n")), 0)


def session_list(*, user: User | Scope) -> QuerySet[TrainingSession]:
    """Sessions in scope, newest first, with the attendance recorded for the user's reserves
    counted in the database: ``marked``, ``present``, ``absent``, ``leave``."""
    scope = Scope.of(user)
    return (
        session_visible(user=scope)
        .select_related("organizer", "county")
        .annotate(
            marked=_attendance_count(scope),
            present=_attendance_count(scope, status=AttendanceStatus.PRESENT),
            absent=_attendance_count(scope, status=AttendanceStatus.ABSENT),
            leave=_attendance_count(scope, status=AttendanceStatus.LEAVE),
        )
        .order_by("-date", "-pk")
    )


def session_get(*, user: User | Scope, pk: int | str) -> TrainingSession:
    return get_object_or_404(
        session_visible(user=user)
        .select_related("organizer", "county", "created_by")
        .prefetch_related("target_townships"),
        pk=pk,
    )


def target_q(session: TrainingSession, prefix: str = "") -> Q:
    """Cadres the session is for (their lifecycle status aside): in its county, of its
    tiers (none listed: all), in its townships (none listed: all of the county).
    ``prefix`` leads from the row to the cadre (``"cadre__"``)."""
    q = Q(**{f"{prefix}village__township__county_id": session.county_id})
    if session.target_tiers:
        q &= Q(**{f"{prefix}tier__in": list(session.target_tiers)})
    listed = _targets_through().filter(trainingsession_id=session.pk)
    return q & (~Exists(listed) | Q(**{f"{prefix}village__township_id__in": listed.values("township_id")}))


def with_target_flag(cadres: QuerySet[Cadre], session: TrainingSession) -> QuerySet[Cadre]:
    """Annotate ``is_target``: whether the session is for the cadre (status aside)."""
    return cadres.annotate(is_target=Case(When(target_q(session), then=Value(True)), default=Value(False),
                                          output_field=BooleanField()))  # fmt: skip


def _visible_targets(session: TrainingSession, user: User | Scope) -> QuerySet[Cadre]:
    """The session's reserves the user may see: active targets, and anyone already marked
    (a reserve who left since keeps their record on the page)."""
    marked = Attendance.objects.filter(session=session).values("cadre_id")
    return Cadre.objects.visible_to(user).filter((target_q(session) & ~Q(status=Status.LEFT)) | Q(pk__in=marked))


def session_targets(*, session: TrainingSession, user: User | Scope) -> QuerySet[Cadre]:
    """The attendance page's rows: the session's reserves visible to the user, each with its
    attendance if any (``attendance_status``, ``attendance_score``, ``attendance_note``;
    None when not marked), in one query per page."""
    return (
        _visible_targets(session, user)
        .annotate(att=FilteredRelation("attendance", condition=Q(attendance__session=session)))
        .annotate(
            attendance_id=F("att__id"),
            attendance_status=F("att__status"),
            attendance_score=F("att__exam_score"),
            attendance_note=F("att__note"),
        )
        .select_related("village", "village__township")
        .order_by("village__township__name", "village__name", "name", "pk")
    )


def attendance_rate(present: int, expected: int) -> Decimal | None:
    """实到 / 应到 as a percentage, rounded once, half up, to one decimal; None when no one is expected."""
    if not expected:
        return None
    return (Decimal(present) * 100 / expected).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def session_counts(*, session: TrainingSession, user: User | Scope) -> dict[str, Any]:
    """应到 (the session's reserves visible to the user), 实到, 缺勤, 请假, not yet marked, and
    the attendance rate, in one query."""
    counts = session_targets(session=session, user=user).aggregate(
        expected=Count("pk"),
        present=Count("pk", filter=Q(att__status=AttendanceStatus.PRESENT)),
        absent=Count("pk", filter=Q(att__status=AttendanceStatus.ABSENT)),
        leave=Count("pk", filter=Q(att__status=AttendanceStatus.LEAVE)),
    )
    counts["unmarked"] = counts["expected"] - counts["present"] - counts["absent"] - counts["leave"]
    counts["rate"] = attendance_rate(counts["present"], counts["expected"])
    return counts


def attendance_list(*, user: User | Scope) -> QuerySet[Attendance]:
    """Attendance rows of the user's reserves in the sessions the user may open."""
    return (
        Attendance.objects.visible_to(user)
        .filter(session__in=session_visible(user=user))
        .select_related("session", "cadre", "cadre__village", "cadre__village__township")
        .order_by(
            "-session__date",
            "session_id",
            "cadre__village__township__name",
            "cadre__village__name",
            "cadre__name",
            "pk",
        )  # fmt: skip
    )


def hours_by_reserve(scope_or_user: User | Scope, year: int) -> QuerySet[Cadre]:
    """Every cadre in scope with ``training_hours`` (the hours of the sessions of ``year``
    they attended, present only; 0 for none) and ``sessions_attended``, summed in the
    database. Derived on every read, never stored."""
    attended = Q(attendance__status=AttendanceStatus.PRESENT, attendance__session__date__year=year)
    return Cadre.objects.visible_to(scope_or_user).annotate(
        training_hours=Coalesce(Sum("attendance__session__hours", filter=attended), Value(Decimal("0")),
                                output_field=HOURS),
        sessions_attended=Count("attendance", filter=attended),
    )  # fmt: skip


def cadre_training(*, cadre: Cadre, user: User | None = None) -> dict[str, Any]:
    """The cadre page's training card: this year's hours (present only) and the latest
    sessions, in one query (the year's totals ride on each recent row: a reserve with no
    recent row has no hours either)."""
    year = timezone.localdate().year
    totals = (
        Attendance.objects.filter(cadre=cadre, status=AttendanceStatus.PRESENT, session__date__year=year)
        .order_by()
        .values("cadre")
        .annotate(hours=Sum("session__hours"), n=Count("pk"))
    )
    recent = list(
        Attendance.objects.filter(cadre=cadre)
        .select_related("session")
        .annotate(year_hours=Subquery(totals.values("hours")), year_sessions=Subquery(totals.values("n")))
        .order_by("-session__date", "-pk")[:RECENT_SESSIONS]
    )
    first = recent[0] if recent else None
    return {
        "cadre": cadre,
        "year": year,
        "hours": (first.year_hours if first else None) or Decimal("0"),
        "sessions": (first.year_sessions if first else None) or 0,
        "recent": recent,
    }


# Training needs ------------------------------------------------------------------------------


def need_targets(*, session: TrainingSession, user: User | Scope) -> QuerySet[Cadre]:
    """The needs page's rows: the session's active reserves visible to the user, each with
    its need if any (``need_topics``, ``need_details``)."""
    return (
        Cadre.objects.visible_to(user)
        .filter(target_q(session), ~Q(status=Status.LEFT))
        .annotate(need=FilteredRelation("training_needs", condition=Q(training_needs__session=session)))
        .annotate(need_id=F("need__id"), need_topics=F("need__topics"), need_details=F("need__details"))
        .select_related("village", "village__township")
        .order_by("village__township__name", "village__name", "name", "pk")
    )


def needs_summary(*, session: TrainingSession, user: User | Scope, top: int = 10) -> dict[str, Any]:
    """What the organiser reads before the session, for the reserves the user may see: how
    many asked for each topic (most asked first), how many reserves of each township
    answered out of how many, and the details written most often. Four queries."""
    needs = TrainingNeed.objects.visible_to(user).filter(session=session)
    counts = needs.aggregate(
        total=Count("pk"), **{f"t_{value}": Count("pk", filter=Q(topics__contains=[value])) for value in Topic.values}
    )
    topics = sorted(
        ({"topic": value, "label": label, "count": counts[f"t_{value}"]} for value, label in Topic.choices),
        key=lambda row: -row["count"],
    )
    answered = dict(needs.values_list("cadre__village__township_id").annotate(n=Count("pk")).order_by())
    townships = [
        {"township": row["village__township__name"], "expected": row["n"],
         "answered": answered.get(row["village__township_id"], 0)}
        for row in Cadre.objects.visible_to(user)
        .filter(target_q(session), ~Q(status=Status.LEFT))
        .values("village__township_id", "village__township__name")
        .annotate(n=Count("pk"))
        .order_by("village__township__name")
    ]  # fmt: skip
    details = list(needs.exclude(details="").values("details").annotate(n=Count("pk")).order_by("-n", "details")[:top])
    return {"total": counts["total"], "topics": topics, "townships": townships, "details": details}


# The monthly reports ---------------------------------------------------------------------
# Reads for reports/ (a job, no user): each takes a Scope and counts in the database.


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
    (as on its pages) and any its reserves attended."""
    sessions = TrainingSession.objects.visible_to(scope).filter(
        county_id=county_id, date__gte=month, date__lte=month_end
    )
    if scope.is_township:
        attended = Attendance.objects.filter(session=OuterRef("pk"), cadre__village__township_id=scope.township_id)
        sessions = sessions.filter(_meant_for_township(scope.township_id) | Exists(attended))
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
