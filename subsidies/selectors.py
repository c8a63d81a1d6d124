# The monthly reports ---------------------------------------------------------------------
# Reads for reports/ (a job, no user): each takes a Scope and sums in the database.

import datetime as dt
from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from common.scope import Scope

from .models import MONEY, SubsidyAdjustment, SubsidyLine, SubsidySheet


def report_sheet(*, county_id: int, month: dt.date) -> SubsidySheet | None:
    """The county's sheet of the month, if it was computed."""
    return SubsidySheet.objects.filter(county_id=county_id, month=month).first()


def _report_money(expression: Sum | Subquery) -> Coalesce:
    return Coalesce(expression, Value(Decimal("0.00")), output_field=DecimalField(**MONEY))


def report_lines(*, scope: Scope, sheet: SubsidySheet) -> QuerySet:
    """The sheet's lines in the scope, one tuple a reserve, by township, village and name:
    township id, township, village, name, ID number, days, base, bonus, adjustments (the
    reserve's adjustment lines on this sheet, summed), total (base + bonus + adjustments)."""
    adjustments = (
        SubsidyAdjustment.objects.filter(sheet=sheet, cadre=OuterRef("cadre"), township=OuterRef("township"))
        .order_by()
        .values("cadre")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return (
        SubsidyLine.objects.visible_to(scope)
        .filter(sheet=sheet)
        .annotate(adjusted=_report_money(Subquery(adjustments)))
        .values_list(
            "township_id",
            "township__name",
            "village__name",
            "cadre__name",
            "cadre__id_number",
            "days",
            "base",
            "bonus",
            "adjusted",
        )  # fmt: skip
        .order_by("township__name", "village__name", "cadre__name", "pk")
    )


def report_unlined_adjustments(*, scope: Scope, sheet: SubsidySheet) -> QuerySet:
    """Adjustments on the sheet for a reserve with no line in that township (paid only
    through the correction): tuples of township id, township, village, name, ID number,
    amount summed, by township and name."""
    lined = SubsidyLine.objects.filter(sheet=sheet, cadre=OuterRef("cadre"), township=OuterRef("township"))
    return (
        SubsidyAdjustment.objects.visible_to(scope)
        .filter(sheet=sheet)
        .exclude(Exists(lined))
        .order_by()
        .values("township_id", "cadre_id")
        .annotate(s=Sum("amount"))
        .values_list("township_id", "township__name", "cadre__village__name", "cadre__name", "cadre__id_number", "s")
        .order_by("township__name", "cadre__name", "cadre_id")
    )


def report_adjustments(*, scope: Scope, sheet: SubsidySheet) -> QuerySet:
    """Every adjustment on the sheet in the scope, oldest first: township, name, ID number,
    amount, reason, who, when."""
    return (
        SubsidyAdjustment.objects.visible_to(scope)
        .filter(sheet=sheet)
        .values_list(
            "township__name",
            "cadre__name",
            "cadre__id_number",
            "amount",
            "reason",
            "created_by__last_name",
            "created_by__first_name",
            "created_by__username",
            "created_at",
        )  # fmt: skip
        .order_by("created_at", "pk")
    )


def report_line_count(*, scope: Scope, sheet: SubsidySheet) -> int:
    return SubsidyLine.objects.visible_to(scope).filter(sheet=sheet).count()
