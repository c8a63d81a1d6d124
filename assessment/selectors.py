import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from cadre.models import Cadre, Status
from common.scope import Scope
from mentorship.models import MentoringLog
from mentorship.selectors import overdue_pairings
from org.models import Seat, Township

from .models import (
    Assessment,
    AssessmentYear,
    Assignment,
    AssignmentKind,
    Deed,
    Grade,
    IndicatorScore,
    Submission,
    SubmissionState,
)


def assignment_list(*, user: User) -> QuerySet[Assignment]:
    return Assignment.objects.visible_to(user).select_related(
        "cadre", "cadre__village", "cadre__village__township", "kind"
    )


def assignment_get(*, user: User, pk: int | str) -> Assignment:
    return get_object_or_404(assignment_list(user=user).select_related("created_by"), pk=pk)


def kind_list(*, user: User) -> QuerySet[AssignmentKind]:
    return AssignmentKind.objects.visible_to(user)


def deed_list(*, assignment: Assignment) -> QuerySet[Deed]:
    return assignment.deeds.select_related("created_by")


def cadre_assignments(*, cadre: Cadre, user: User | None = None) -> dict[str, Any]:
    """What the cadre page shows: the reserve's assignments, newest first, with their deeds."""
    assignments = (
        Assignment.objects.filter(cadre=cadre)
        .select_related("kind")
        .prefetch_related(Prefetch("deeds", queryset=Deed.objects.order_by("-date", "-pk")))
    )
    return {"assignments": list(assignments), "cadre": cadre}


# The annual assessment ---------------------------------------------------------------------


def year_list(*, user: User) -> QuerySet[AssessmentYear]:
    return AssessmentYear.objects.visible_to(user).select_related("county")


def year_get(*, user: User, pk: int | str) -> AssessmentYear:
    return get_object_or_404(year_list(user=user), pk=pk)


def submission_for(*, year: AssessmentYear, township_id: int) -> Submission | None:
    return Submission.objects.filter(year=year, township_id=township_id).first()


@dataclass
class GridRow:
    """One reserve on the township's grid, with the evidence beside it."""

    cadre: Cadre
    assessment: Assessment | None
    scores: dict[int, Decimal]
    assignments: int  # frontline assignments in the assessment year
    logs: int  # mentoring log entries in the assessment year
    overdue: bool  # their pairing misses a required mentoring activity today
    suggested_grade: str


def grid_rows(*, year: AssessmentYear, township: Township) -> list[GridRow]:
    """Every reserve of the township (in the reserve pool now), in a fixed number of
    queries whatever the township's size: the reserves with their evidence counted in the
    database, their assessments, the scores, and the township's overdue pairings."""
    start, end = dt.date(year.year, 1, 1), dt.date(year.year, 12, 31)
    in_year = Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    assignments = (
        Assignment.objects.filter(in_year, cadre=OuterRef("pk")).order_by().values("cadre").annotate(n=Count("pk"))
    )
    logs = (
        MentoringLog.objects.filter(pairing__cadre=OuterRef("pk"), date__range=(start, end))
        .order_by()
        .values("pairing__cadre")
        .annotate(n=Count("pk"))
    )
    reserves = list(
        Cadre.objects.filter(village__township=township, status__in=(Status.RESERVE, Status.KEY_TRAINING))
        .select_related("village")
        .annotate(
            assignment_count=Coalesce(Subquery(assignments.values("n")), 0),
            log_count=Coalesce(Subquery(logs.values("n")), 0),
        )
        .order_by("village__name", "name")
    )
    assessments = {a.cadre_id: a for a in Assessment.objects.filter(year=year, cadre__in=reserves)}
    overdue = {
        o.pairing.cadre_id for o in overdue_pairings(user=Scope.township(township.pk), today=timezone.localdate())
    }
    scores: dict[int, dict[int, Decimal]] = {}
    for cadre_id, indicator_id, score in IndicatorScore.objects.filter(assessment__in=assessments.values()).values_list(
        "assessment__cadre_id", "indicator_id", "score"
    ):
        scores.setdefault(cadre_id, {})[indicator_id] = score
    return [
        GridRow(
            cadre=c,
            assessment=assessments.get(c.pk),
            scores=scores.get(c.pk, {}),
            assignments=c.assignment_count,
            logs=c.log_count,
            overdue=c.pk in overdue,
            suggested_grade=year.suggest_grade(assessments[c.pk].total) if c.pk in assessments else "",
        )
        for c in reserves
    ]


def review_table(*, user: User, year: AssessmentYear) -> list[dict[str, Any]]:
    """Per township in scope: reserves, assessed, 优秀, and the state (未开始 without a
    submission), in three queries."""
    townships = list(
        Township.objects.visible_to(user)
        .filter(county_id=year.county_id)
        .annotate(
            reserves=Count(
                "villages__cadres", filter=Q(villages__cadres__status__in=(Status.RESERVE, Status.KEY_TRAINING))
            )
        )
        .order_by("name")
    )
    submissions = {s.township_id: s for s in Submission.objects.filter(year=year, township__in=townships)}
    counts = {
        row["cadre__village__township"]: row
        for row in Assessment.objects.filter(year=year, cadre__village__township__in=townships)
        .values("cadre__village__township")
        .annotate(assessed=Count("pk"), excellent=Count("pk", filter=Q(grade=Grade.EXCELLENT)))
    }
    return [
        {
            "township": t,
            "reserves": t.reserves,
            "assessed": counts.get(t.pk, {}).get("assessed", 0),
            "excellent": counts.get(t.pk, {}).get("excellent", 0),
            "quota": year.excellent_quota(t.reserves),
            "submission": submissions.get(t.pk),
        }
        for t in townships
    ]


def assessment_list(*, user: User) -> QuerySet[Assessment]:
    return (
        Assessment.objects.visible_to(user)
        .select_related("cadre", "cadre__village")
        .prefetch_related("scores")
        .order_by("year_id", "cadre__village__name", "cadre__name", "pk")
    )


def advance_candidates(*, user: User, year: AssessmentYear) -> list[dict[str, Any]]:
    """The reserves proposed for 进 in townships awaiting review, each with the vacant seats
    of their village the county may name (two queries)."""
    assessments = list(
        Assessment.objects.visible_to(user)
        .filter(
            year=year,
            outcome="advance",
            cadre__village__township__in=Submission.objects.filter(year=year, state=SubmissionState.SUBMITTED).values(
                "township"
            ),
        )
        .select_related("cadre__village__township", "seat")
        .order_by("cadre__village__township__name", "cadre__village__name", "cadre__name")
    )
    seats: dict[int, list] = {}
    for seat in (
        Seat.objects.vacant().filter(village__in={a.cadre.village_id for a in assessments}).select_related("village")
    ):
        seats.setdefault(seat.village_id, []).append(seat)
    return [{"assessment": a, "seats": seats.get(a.cadre.village_id, [])} for a in assessments]


# The monthly reports ---------------------------------------------------------------------


def report_latest_year(*, county_id: int, month_end: dt.date) -> AssessmentYear | None:
    """The county's latest assessment year up to the month's year."""
    return AssessmentYear.objects.filter(county_id=county_id, year__lte=month_end.year).order_by("-year").first()


def report_grade_counts(*, scope: Scope, year: AssessmentYear) -> list[tuple[str, int]]:
    """Assessments of the year by grade, counting only townships whose results the county
    approved (已审定); every grade listed, zeros included."""
    approved = Submission.objects.filter(
        year=year, township=OuterRef("cadre__village__township"), state=SubmissionState.APPROVED
    )
    counts = dict(
        Assessment.objects.visible_to(scope)
        .filter(year=year, grade__gt="")
        .filter(Exists(approved))
        .order_by()
        .values_list("grade")
        .annotate(n=Count("pk"))
    )
    return [(str(label), counts.get(value, 0)) for value, label in Grade.choices]


def report_deeds(*, scope: Scope, month: dt.date, month_end: dt.date) -> QuerySet[Deed]:
    """Typical deeds (典型事迹) dated in the month."""
    return Deed.objects.visible_to(scope).filter(date__gte=month, date__lte=month_end).order_by("date", "pk")
