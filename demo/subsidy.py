"""Subsidies in the demo county (python manage.py load_demo): the county's policy from
1 January 2026 (2,000 yuan a month for reserves and key training, a bonus of 5,000 for 优秀
and 3,000 for 称职 paid in March by the previous year's approved grade), a raise to 2,200
from 16 July 2026 (so July is a split month), and a sheet for every month from January 2026
to last month: all locked but the last two (the one before last reviewed, last month just
computed), and one correction of a locked month as an adjustment with its reason.

Written through subsidies.services as the demo admin, at the end (the bonus reads the
annual assessment, which loads before it), only while the county has no policy yet.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from cadre.models import Cadre, Status
from demo import cadre as cadre_demo
from mentorship.dates import add_months
from subsidies.models import SheetState, SubsidyAdjustment, SubsidyLine, SubsidyPolicy, SubsidySheet
from subsidies.services import adjustment_add, policy_save, sheet_compute, sheet_lock, sheet_review

FIRST_MONTH = dt.date(2026, 1, 1)
POLICIES = (
    {
        "effective_from": FIRST_MONTH,
        "monthly_amount": Decimal("2000.00"),
        "notes": "依据《青山县村级后备干部待遇保障办法》，储备中和重点培养的后备干部每月补贴2000元；"
        "上年度考核优秀的发放绩效奖5000元、称职的3000元，每年3月随补贴发放。",
    },
    {
        "effective_from": dt.date(2026, 7, 16),
        "monthly_amount": Decimal("2200.00"),
        "notes": "县委常委会研究决定，自2026年7月16日起月补贴标准提高至2200元，当月按天折算。",
    },
)
COMMON = {
    "eligible_tiers": [],
    "eligible_statuses": [Status.RESERVE, Status.KEY_TRAINING],
    "bonus_excellent": Decimal("5000.00"),
    "bonus_competent": Decimal("3000.00"),
    "bonus_basic": Decimal("0.00"),
    "bonus_month": 3,
}
UNLOCKED_MONTHS = 2  # last month computed, the one before reviewed
ADJUSTMENT = (Decimal("500.00"), "经乡镇核实，该同志列入后备时间登记有误，补发少计天数的补贴500元。")


@dataclass
class SubsidyResult:
    policies: int = 0
    sheets: int = 0
    locked: int = 0
    lines: int = 0
    adjustments: int = 0

    @property
    def created_anything(self) -> bool:
        return bool(self.policies or self.sheets)

    def summary(self) -> str:
        """What this run created, for load_demo."""
        return (
            f"补贴政策{self.policies}项、月度补贴表{self.sheets}张（已锁定{self.locked}张）、"
            f"补贴明细{self.lines}条、补贴调整{self.adjustments}条"
        )


class SubsidyDemo:
    """Adds the policies and computes the months at the end (only when the county has no
    subsidy policy yet)."""

    def __init__(self, cadres: cadre_demo.CadreDemo):
        self.admin = cadres.admin
        self.county = cadres.county
        self.load = not SubsidyPolicy.objects.filter(county=cadres.county).exists()
        self.result = SubsidyResult()

    def cadre_created(self, cadre: Cadre) -> None:
        pass  # the sheets read every reserve once all are loaded

    def finish(self) -> SubsidyResult:
        if not self.load:
            return self.result
        for policy in POLICIES:
            policy_save(user=self.admin, county_id=self.county.pk, data={**COMMON, **policy})
            self.result.policies += 1
        months = self.months(timezone.localdate())
        sheets = []
        for index, month in enumerate(months):
            sheet = sheet_compute(county_id=self.county.pk, month=month, user=self.admin)
            self.result.sheets += 1
            self.result.lines += sheet.lines.count()
            to_go = len(months) - index
            if to_go > 1:
                sheet = sheet_review(user=self.admin, sheet=sheet)
            if to_go > UNLOCKED_MONTHS:
                sheet = sheet_lock(user=self.admin, sheet=sheet)
                self.result.locked += 1
            sheets.append(sheet)
        locked = [s for s in sheets if s.state == SheetState.LOCKED]
        if locked:
            sheet = locked[-1]
            lines = sheet.lines.select_related("cadre").order_by("township__name", "village__name", "cadre__name")
            line = lines.first()
            if line is not None:
                amount, reason = ADJUSTMENT
                adjustment_add(user=self.admin, sheet=sheet, cadre=line.cadre, amount=amount, reason=reason)
                self.result.adjustments += 1
        return self.result

    @staticmethod
    def months(today: dt.date) -> list[dt.date]:
        """Every month from January 2026 up to last month (first days)."""
        last = add_months(today.replace(day=1), -1)
        months, month = [], FIRST_MONTH
        while month <= last:
            months.append(month)
            month = add_months(month, 1)
        return months

    @staticmethod
    def report() -> str:
        """What the demo county's subsidies hold now, for load_demo."""
        sheets = SubsidySheet.objects.filter(county__name=cadre_demo.DEMO_COUNTY)
        if not sheets.exists():
            return "待遇补贴：暂无补贴表。"
        states = dict(sheets.values_list("state").annotate(n=Count("pk")).order_by())
        shown = "、".join(f"{label}{states[value]}张" for value, label in SheetState.choices if states.get(value))
        latest = sheets.order_by("-month").first()
        total = SubsidyLine.objects.filter(sheet=latest).aggregate(total=Sum("total"))["total"] or Decimal(0)
        adjustments = SubsidyAdjustment.objects.filter(sheet__in=sheets).count()
        policies = SubsidyPolicy.objects.filter(county__name=cadre_demo.DEMO_COUNTY).count()
        return (
            f"待遇补贴：补贴政策{policies}项，月度补贴表{sheets.count()}张（{shown}），"
            f"{latest.month:%Y年%m月}补贴合计{total}元，补贴调整{adjustments}条。"
        )
