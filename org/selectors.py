import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from common.collation import pinyin_ordering
from common.scope import ScopedUser

from .models import Seat, Township, Village


def township_list(*, user: ScopedUser) -> QuerySet[Township]:
    return (
        Township.objects.visible_to(user)
        .select_related("county")
        .order_by(*pinyin_ordering("county__name", "name", "pk"))
    )


def village_list(*, user: ScopedUser) -> QuerySet[Village]:
    return (
        Village.objects.visible_to(user)
        .select_related("township")
        .order_by(*pinyin_ordering("township__name", "name", "pk"))
    )


def township_get(*, user: ScopedUser, pk: int | str) -> Township:
    return get_object_or_404(township_list(user=user), pk=pk)


def village_get(*, user: ScopedUser, pk: int | str) -> Village:
    return get_object_or_404(
        village_list(user=user).prefetch_related(
            Prefetch("seats", queryset=Seat.objects.with_holder().order_by("post", "number"))
        ),
        pk=pk,
    )


def seat_list_vacant(*, user: ScopedUser) -> QuerySet[Seat]:
    return (
        Seat.objects.visible_to(user)
        .vacant()
        .select_related("village", "village__township")
        .order_by(*pinyin_ordering("village__township__name", "village__name", "post", "number"))
    )


def seat_get(*, user: ScopedUser, pk: int | str) -> Seat:
    """One seat in the user's scope with its holder read (404 outside it)."""
    return get_object_or_404(
        Seat.objects.visible_to(user).with_holder().select_related("village", "village__township"), pk=pk
    )


@dataclass
class Term:
    """One incumbency of a seat: who, from when to when, why it ended. ``cadre_id`` is set
    for a reserve who held the seat through the registry."""

    seat_id: int
    name: str
    since: dt.date | None
    until: dt.date | None = None
    reason: str = ""
    cadre_id: int | None = None

    @property
    def is_current(self) -> bool:
        return self.until is None


def village_outside_terms(*, village: Village) -> list[Term]:
    """The terms of incumbents recorded on the village's seats (not reserves), read from
    the seats' history in one query; a holder recorded before the history began counts
    from the seat itself."""
    rows = (
        Seat.history.filter(village_id=village.pk)
        .order_by("id", "history_date", "history_id")
        .values("id", "holder_name", "holder_since", "vacated_on", "vacated_reason")
    )
    terms: list[Term] = []
    open_terms: dict[int, Term] = {}
    for row in rows:
        seat_id, name = row["id"], row["holder_name"]
        current = open_terms.get(seat_id)
        if current and current.name == name:
            current.since = row["holder_since"]  # a corrected start date
            continue
        if current:
            current.until = row["vacated_on"] if not name else row["holder_since"]
            current.reason = row["vacated_reason"] if not name else ""
            del open_terms[seat_id]
        if name:
            open_terms[seat_id] = Term(seat_id=seat_id, name=name, since=row["holder_since"])
            terms.append(open_terms[seat_id])
    for seat in village.seats.all():
        if seat.holder_name and seat.pk not in open_terms:
            terms.append(Term(seat_id=seat.pk, name=seat.holder_name, since=seat.holder_since))
    return terms
