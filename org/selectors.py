from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from .models import Seat, Township, Village


def township_list(*, user):
    return Township.objects.visible_to(user).select_related("county")


def village_list(*, user):
    return Village.objects.visible_to(user).select_related("township")


def township_overview(*, user):
    """Townships in scope with their village, reserve and vacant-seat counts (one query)."""
    from cadre.models import Status

    return (
        township_list(user=user)
        .annotate(
            village_count=Count("villages", distinct=True),
            reserve_count=Count(
                "villages__cadres",
                filter=~Q(villages__cadres__status=Status.LEFT),
                distinct=True,
            ),
            vacant_seat_count=_vacant_seats("village__township"),
        )
        .order_by("county__name", "name")
    )


def _vacant_seats(path: str) -> Coalesce:
    """A subquery counting the vacant seats under the row; ``path`` leads from a seat to it."""
    vacant = Seat.objects.vacant().filter(**{path: OuterRef("pk")}).order_by().values(path).annotate(n=Count("pk"))
    return Coalesce(Subquery(vacant.values("n")), 0)


def township_get(*, user, pk):
    return get_object_or_404(township_list(user=user), pk=pk)


def township_villages(*, township):
    """Villages of a township with reserve and vacancy counts."""
    from cadre.models import Status

    return township.villages.annotate(
        reserve_count=Count("cadres", filter=~Q(cadres__status=Status.LEFT), distinct=True),
        seat_count=Count("seats", distinct=True),
        vacant_seat_count=_vacant_seats("village"),
    ).order_by("name")


def village_get(*, user, pk):
    return get_object_or_404(
        village_list(user=user).prefetch_related(
            Prefetch("seats", queryset=Seat.objects.with_holder().order_by("post", "number"))
        ),
        pk=pk,
    )


def seat_list_vacant(*, user):
    return (
        Seat.objects.visible_to(user)
        .vacant()
        .select_related("village", "village__township")
        .order_by("village__township__name", "village__name", "post", "number")
    )
