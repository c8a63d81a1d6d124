from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from common.scope import ScopedUser

from .models import Seat, Township, Village


def township_list(*, user: ScopedUser) -> QuerySet[Township]:
    return Township.objects.visible_to(user).select_related("county")


def village_list(*, user: ScopedUser) -> QuerySet[Village]:
    return Village.objects.visible_to(user).select_related("township")


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
        .order_by("village__township__name", "village__name", "post", "number")
    )
