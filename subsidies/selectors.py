"""Reads of subsidy policies, sheets, lines, adjustments and totals, scoped to a user or a
Scope value (a job has no user). A township sees its county's policies and sheets, but of a
sheet only its own township's lines, adjustments and totals.

Totals are database aggregates of Decimal columns (exact); a township's total is
base + bonus + adjustments, and the county's total is the exact sum of the townships'.
An adjustment counts in its own township even for a reserve without a line in the sheet
(one who was left out): such adjustments appear in ``sheet_adjustments`` and in the
totals, not in ``sheet_lines``.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import CharField, Count, DecimalField, Exists, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Concat, Left, Right
from django.shortcuts import get_object_or_404

from accounts.models import User
from common.scope import Scope

from .models import MONEY, SubsidyAdjustment, SubsidyLine, SubsidyPolicy, SubsidySheet

ZERO = Decimal("0.00")
Who = User | Scope


def _zero_if_null(expression: object) -> Coalesce:
    return Coalesce(expression, Value(ZERO), output_field=DecimalField(**MONEY))


def policy_list(user: Who) -> QuerySet[SubsidyPolicy]:
    return (
        SubsidyPolicy.objects.visible_to(user)
        .select_related("county", "created_by")
        .order_by("county__name", "-effective_from")
    )


def policy_get(user: Who, pk: int | str) -> SubsidyPolicy:
    return get_object_or_404(policy_list(user), pk=pk)


def sheet_list(user: Who) -> QuerySet[SubsidySheet]:
    """The sheets in scope, newest month first, each with the totals the caller may see:
    ``line_count``, ``base_sum``, ``bonus_sum``, ``line_total``, ``adjustment_sum`` and
    ``grand_total`` (lines' totals + adjustments). A county reads the totals stored with the
    lines (the page does not add up every line of every month); a township's are added up
    from its own lines (an index range per sheet)."""
    adjustments = SubsidyAdjustment.objects.visible_to(user).filter(sheet=OuterRef("pk")).order_by().values("sheet")
    sheets = SubsidySheet.objects.visible_to(user).select_related("county", "computed_by", "reviewed_by", "locked_by")
    if Scope.of(user).is_township:
        lines = SubsidyLine.objects.visible_to(user).filter(sheet=OuterRef("pk")).order_by().values("sheet")
        sheets = sheets.annotate(
            line_count=Coalesce(Subquery(lines.annotate(n=Count("pk")).values("n")), 0),
            base_sum=_zero_if_null(Subquery(lines.annotate(s=Sum("base")).values("s"))),
            bonus_sum=_zero_if_null(Subquery(lines.annotate(s=Sum("bonus")).values("s"))),
        )
    else:
        sheets = sheets.annotate(line_count=F("total_lines"), base_sum=F("total_base"), bonus_sum=F("total_bonus"))
    return (
        sheets.annotate(adjustment_sum=_zero_if_null(Subquery(adjustments.annotate(s=Sum("amount")).values("s"))))
        .annotate(line_total=F("base_sum") + F("bonus_sum"))
        .annotate(grand_total=F("line_total") + F("adjustment_sum"))
        .order_by("-month", "county__name", "pk")
    )


def sheet_get(user: Who, pk: int | str) -> SubsidySheet:
    return get_object_or_404(sheet_list(user), pk=pk)


def line_list(user: Who) -> QuerySet[SubsidyLine]:
    """Every line the caller may see, of every sheet, annotated as ``sheet_lines`` says, with
    the sheet's ``month``; newest month first."""
    adjustments = (
        SubsidyAdjustment.objects.filter(sheet=OuterRef("sheet"), cadre=OuterRef("cadre"))
        .order_by()
        .values("cadre")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return (
        SubsidyLine.objects.visible_to(user)
        .annotate(
            month=F("sheet__month"),
            cadre_name=F("cadre__name"),
            village_name=F("village__name"),
            township_name=F("township__name"),
            masked_id_number=Concat(
                Left("cadre__id_number", 4), Value("*" * 10), Right("cadre__id_number", 4), output_field=CharField()
            ),
            adjustments=_zero_if_null(Subquery(adjustments)),
        )
        .annotate(payable=F("total") + F("adjustments"))
        .order_by("-month", "sheet_id", "pk")
    )


def sheet_lines(user: Who, sheet: SubsidySheet) -> QuerySet[SubsidyLine]:
    """The sheet's lines the caller may see, in the sheet's order (township, village and name
    as they were when it was computed: the ids keep that order, so a page is an index range),
    each with ``cadre_name``, ``village_name``, ``township_name``, ``masked_id_number`` (made
    in the database: the full number never leaves it), ``adjustments`` (the reserve's
    adjustments in this sheet) and ``payable`` (total + adjustments). Paginate it;
    ``.values()`` and ``.iterator()`` work too."""
    return line_list(user).filter(sheet=sheet).order_by("pk")


def sheet_adjustments(user: Who, sheet: SubsidySheet) -> QuerySet[SubsidyAdjustment]:
    """The sheet's adjustments the caller may see, oldest first, with who made them."""
    return (
        SubsidyAdjustment.objects.visible_to(user)
        .filter(sheet=sheet)
        .select_related("cadre__village", "township", "created_by")
        .order_by("created_at", "pk")
    )


@dataclass
class TownshipTotal:
    township_id: int | None
    township_name: str
    count: int = 0  # lines (reserves paid)
    base: Decimal = ZERO
    bonus: Decimal = ZERO
    adjustments: Decimal = ZERO
    adjustment_count: int = 0

    @property
    def total(self) -> Decimal:
        return self.base + self.bonus + self.adjustments


@dataclass
class SheetTotals:
    townships: list[TownshipTotal] = field(default_factory=list)
    county: TownshipTotal = field(default_factory=lambda: TownshipTotal(None, ""))


def sheet_totals(user: Who, sheet: SubsidySheet) -> SheetTotals:
    """Per township in the caller's scope: lines, base, bonus, adjustments and total (two
    aggregate queries), and their sum for the county (a township: its own only)."""
    rows: dict[int, TownshipTotal] = {}
    for row in (
        SubsidyLine.objects.visible_to(user)
        .filter(sheet=sheet)
        .order_by()
        .values("township_id", "township__name")
        .annotate(count=Count("pk"), base=Sum("base"), bonus=Sum("bonus"))
    ):
        rows[row["township_id"]] = TownshipTotal(
            row["township_id"], row["township__name"], count=row["count"], base=row["base"], bonus=row["bonus"]
        )
    for row in (
        SubsidyAdjustment.objects.visible_to(user)
        .filter(sheet=sheet)
        .order_by()
        .values("township_id", "township__name")
        .annotate(amount=Sum("amount"), n=Count("pk"))
    ):
        total = rows.setdefault(row["township_id"], TownshipTotal(row["township_id"], row["township__name"]))
        total.adjustments, total.adjustment_count = row["amount"], row["n"]
    townships = sorted(rows.values(), key=lambda t: (t.township_name, t.township_id))
    county = TownshipTotal(
        None,
        "",
        count=sum(t.count for t in townships),
        base=sum((t.base for t in townships), ZERO),
        bonus=sum((t.bonus for t in townships), ZERO),
        adjustments=sum((t.adjustments for t in townships), ZERO),
        adjustment_count=sum(t.adjustment_count for t in townships),
    )
    return SheetTotals(townships=townships, county=county)


# The monthly reports ---------------------------------------------------------------------
# Reads for reports/ (a job, no user): each takes a Scope and sums in the database.


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
