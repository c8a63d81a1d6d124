from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import ReportRun


def report_list(*, user: User) -> QuerySet[ReportRun]:
    """Report runs the user may see (a township only its own township's), newest first,
    with what every list shows."""
    return (
        ReportRun.objects.visible_to(user)
        .select_related("county", "township", "requested_by")
        .order_by("-requested_at", "-pk")
    )


def report_get(*, user: User, pk: int | str) -> ReportRun:
    """One run in the user's scope; any other is a 404 (a township cannot learn that the
    county's or another township's report exists)."""
    return get_object_or_404(report_list(user=user), pk=pk)


def report_filename(run: ReportRun, extension: str) -> str:
    """The Chinese file name a download gets: 青山县白水镇2026年05月月度补贴报表.xlsx."""
    where = f"{run.county.name}{run.township.name}" if run.township_id else run.county.name
    return f"{where}{run.month:%Y年%m月}{run.get_kind_display()}.{extension}"
