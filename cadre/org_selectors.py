"""Reads for the village's two-committee section (see org_views)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from common.collation import pinyin_ordering
from org.models import Seat, Township, Village
from org.selectors import Term, township_list, village_outside_terms

from .models import Cadre, Status


@dataclass
class SeatRow:
    seat: Seat
    current: Term | None
    past: list[Term]


def village_seat_terms(*, village: Village) -> list[SeatRow]:
    """Every seat of the village (as prefetched by org.selectors.village_get) with its
    current term and its past terms, newest first: reserves seated through the registry
    and incumbents recorded on the seat. Two queries whatever the village's past."""
    terms = village_outside_terms(village=village)
    seated = Cadre.objects.filter(seat__village=village).values_list(
        "pk", "seat_id", "name", "seated_on", "left_on", "left_reason"
    )
    terms += [
        Term(seat_id=seat_id, name=name, since=since, until=until, reason=reason, cadre_id=pk)
        for pk, seat_id, name, since, until, reason in seated
    ]
    by_seat: dict[int, list[Term]] = {}
    for term in terms:
        by_seat.setdefault(term.seat_id, []).append(term)
    rows = []
    for seat in village.seats.all():
        seat_terms = sorted(
            by_seat.get(seat.pk, []), key=lambda t: (t.is_current, t.since or t.until or dt.date.min), reverse=True
        )
        current = seat_terms[0] if seat_terms and seat_terms[0].is_current else None
        rows.append(SeatRow(seat=seat, current=current, past=[t for t in seat_terms if not t.is_current]))
    return rows


def promotable_reserves(*, user: User, seat: Seat) -> QuerySet[Cadre]:
    """The reserves of the seat's village who may be promoted into it."""
    return (
        Cadre.objects.visible_to(user)
        .filter(village_id=seat.village_id, status__in=IN_POOL)
        .order_by(*pinyin_ordering("status", "name"))  # 重点培养 (key_training) first
    )


# The organization tree as the registry sees it: reserves and vacancies per unit. "在册"
# reserves are the ones in the pool (储备中, 重点培养), as everywhere in the product
# (assessment quotas, mentoring, training); those seated on a committee are counted apart.
IN_POOL = (Status.RESERVE, Status.KEY_TRAINING)


def _count_under(queryset: QuerySet, path: str) -> Coalesce:
    """A subquery counting the rows of ``queryset`` under the outer row; ``path`` leads
    from such a row to the outer one."""
    counted = queryset.filter(**{path: OuterRef("pk")}).order_by().values(path).annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n")), 0)


def township_overview(*, user: User) -> QuerySet[Township]:
    """Townships in scope with their village, reserve, seated and vacant-seat counts (one query)."""
    return (
        township_list(user=user)
        .annotate(
            village_count=_count_under(Village.objects.all(), "township"),
            reserve_count=_count_under(Cadre.objects.filter(status__in=IN_POOL), "village__township"),
            seated_count=_count_under(Cadre.objects.filter(status=Status.SEATED), "village__township"),
            vacant_seat_count=_count_under(Seat.objects.vacant(), "village__township"),
        )
        .order_by(*pinyin_ordering("county__name", "name"))
    )


def township_overview_totals(*, townships: Iterable[Township]) -> dict[str, int]:
    """The totals row of the organization overview, summed over the rows of
    ``township_overview`` already read (the page lists them all: summing them again in
    the database would count everything twice)."""
    rows = list(townships)
    return {
        "townships": len(rows),
        "villages": sum(t.village_count for t in rows),
        "reserves": sum(t.reserve_count for t in rows),
        "seated": sum(t.seated_count for t in rows),
        "vacant_seats": sum(t.vacant_seat_count for t in rows),
    }


def township_villages(*, township: Township) -> QuerySet[Village]:
    """Villages of a township with reserve, seated, seat and vacancy counts (one query)."""
    return village_overview(villages=township.villages.all())


def village_overview(*, villages: QuerySet[Village]) -> QuerySet[Village]:
    """``villages`` with reserve, seated, seat and vacancy counts and their county's
    ``minimum`` of reserves per village (one query), by township and village name."""
    return (
        villages.select_related("township")
        .annotate(
            reserve_count=_count_under(Cadre.objects.filter(status__in=IN_POOL), "village"),
            seated_count=_count_under(Cadre.objects.filter(status=Status.SEATED), "village"),
            seat_count=_count_under(Seat.objects.all(), "village"),
            vacant_seat_count=_count_under(Seat.objects.vacant(), "village"),
            minimum=F("township__county__min_reserves_per_village"),
        )
        .order_by(*pinyin_ordering("township__name", "name"))
    )
