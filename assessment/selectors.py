from typing import Any

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from cadre.models import Cadre

from .models import Assignment, AssignmentKind, Deed


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
