"""Subsidies (待遇补贴): the county's policy, and each month's subsidy sheet.

A policy applies from its ``effective_from`` until the next policy of the county starts, so a
change mid-month splits the month. A month's sheet is computed (已计算), reviewed by the
county (已审核), then locked (已锁定); a locked sheet's lines never change again: a correction
is an adjustment line with a reason, kept beside the lines.

Amounts are Decimal yuan with two places. A line's base is the sum over the policy periods
in the month of ``monthly amount × eligible days ÷ days in the month``, rounded once per
line to the fen, half up.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cadre.models import Status, Tier
from common.models import TimeStampedModel
from common.scope import ScopedQuerySet

MONEY = {"max_digits": 12, "decimal_places": 2}
TOTAL = {"max_digits": 14, "decimal_places": 2}
# Which lifecycle statuses may be paid; 已退出 never is.
PAYABLE_STATUSES = [(s.value, s.label) for s in (Status.RESERVE, Status.KEY_TRAINING, Status.SEATED)]


class SubsidyPolicy(TimeStampedModel):
    county = models.ForeignKey("org.County", verbose_name=_("县(区)"), on_delete=models.PROTECT, related_name="+")
    effective_from = models.DateField(_("生效日期"), help_text=_("自该日起执行，直到下一项政策生效"))
    monthly_amount = models.DecimalField(_("月补贴标准（元）"), **MONEY, validators=[MinValueValidator(0)])
    eligible_tiers = ArrayField(
        models.CharField(max_length=10, choices=Tier.choices), verbose_name=_("享受补贴的层级"),
        default=list, blank=True, help_text=_("不选为全部层级"),
    )  # fmt: skip
    eligible_statuses = ArrayField(
        models.CharField(max_length=20, choices=PAYABLE_STATUSES), verbose_name=_("享受补贴的状态"),
        default=list, help_text=_("进入两委的人员是否继续享受，由县里决定"),
    )  # fmt: skip
    bonus_excellent = models.DecimalField(_("优秀绩效奖（元）"), **MONEY, default=0, validators=[MinValueValidator(0)])
    bonus_competent = models.DecimalField(_("称职绩效奖（元）"), **MONEY, default=0, validators=[MinValueValidator(0)])
    bonus_basic = models.DecimalField(_("基本称职绩效奖（元）"), **MONEY, default=0, validators=[MinValueValidator(0)])
    bonus_month = models.PositiveSmallIntegerField(
        _("绩效奖发放月份"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("上一年度考核审定后，在本年该月随补贴发放"),
    )  # fmt: skip
    notes = models.TextField(_("政策依据及备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    scope_county_path = "county"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("补贴政策")
        verbose_name_plural = _("补贴政策")
        ordering = ["county__name", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "effective_from"],
                name="subsidy_policy_one_per_day",
                violation_error_message=_("同一天只能有一项补贴政策生效。"),
            ),  # fmt: skip
            models.CheckConstraint(
                condition=Q(monthly_amount__gte=0, bonus_excellent__gte=0, bonus_competent__gte=0, bonus_basic__gte=0),
                name="subsidy_policy_amounts_positive",
            ),
            models.CheckConstraint(condition=Q(bonus_month__gte=1, bonus_month__lte=12), name="subsidy_bonus_month"),
            models.CheckConstraint(condition=Q(eligible_tiers__contained_by=Tier.values), name="subsidy_tiers_valid"),
            models.CheckConstraint(
                condition=Q(eligible_statuses__contained_by=[value for value, _label in PAYABLE_STATUSES]),
                name="subsidy_statuses_valid",
            ),
        ]

    def __str__(self) -> str:
        return _("%(date)s起 每月%(amount)s元") % {"date": self.effective_from, "amount": self.monthly_amount}

    @property
    def tier_labels(self) -> list[str]:
        return [Tier(t).label for t in self.eligible_tiers]

    @property
    def status_labels(self) -> list[str]:
        return [Status(s).label for s in self.eligible_statuses]


class SheetState(models.TextChoices):
    COMPUTED = "computed", _("已计算")
    REVIEWED = "reviewed", _("已审核")
    LOCKED = "locked", _("已锁定")


# (state, action) → the next state. Computing again is allowed until the sheet is locked.
SHEET_TRANSITIONS = {
    (SheetState.COMPUTED, "review"): SheetState.REVIEWED,
    (SheetState.REVIEWED, "lock"): SheetState.LOCKED,
    (SheetState.REVIEWED, "reopen"): SheetState.COMPUTED,
}


class SubsidySheet(TimeStampedModel):
    """A county's subsidy sheet for one month (``month`` is its first day)."""

    county = models.ForeignKey("org.County", verbose_name=_("县(区)"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("月份"))
    state = models.CharField(_("状态"), max_length=10, choices=SheetState.choices, default=SheetState.COMPUTED)
    computed_at = models.DateTimeField(_("计算时间"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("计算人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("空为系统定时任务"),
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The lines' county-wide totals, kept by database triggers on the lines (migration 0003),
    # so the month list reads them instead of adding up every line of every month.
    total_lines = models.PositiveIntegerField(_("明细人数"), default=0, editable=False)
    total_base = models.DecimalField(_("基本补贴合计（元）"), **TOTAL, default=0, editable=False)
    total_bonus = models.DecimalField(_("绩效奖合计（元）"), **TOTAL, default=0, editable=False)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("锁定人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope_county_path = "county"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度补贴表")
        verbose_name_plural = _("月度补贴表")
        ordering = ["-month", "county__name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "month"], name="subsidy_sheet_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="subsidy_sheet_month_first_day"),
            models.CheckConstraint(condition=Q(state__in=SheetState.values), name="subsidy_sheet_state_valid"),
            models.CheckConstraint(
                condition=~Q(state=SheetState.LOCKED) | Q(locked_at__isnull=False, locked_by__isnull=False),
                name="subsidy_sheet_locked_has_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return _("%(county)s %(month)s补贴表") % {"county": self.county, "month": f"{self.month:%Y年%m月}"}

    def get_absolute_url(self) -> str:
        return reverse("subsidies:sheet-detail", args=[self.pk])

    @property
    def locked(self) -> bool:
        return self.state == SheetState.LOCKED


class SubsidyLine(models.Model):
    """One reserve's subsidy for the sheet's month. township and village are those the
    reserve belonged to when the line was computed, so a later move leaves paid months as
    they were paid."""

    # Indexed by the (sheet, id) and (sheet, cadre) indexes below: no index of its own to keep
    # up on a 100,000-line COPY.
    sheet = models.ForeignKey(
        SubsidySheet, verbose_name=_("月度补贴表"), on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    cadre = models.ForeignKey(
        "cadre.Cadre", verbose_name=_("后备干部"), on_delete=models.PROTECT, related_name="subsidy_lines"
    )
    township = models.ForeignKey(
        "org.Township", verbose_name=_("乡镇(街道)"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey("org.Village", verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="+")
    days = models.PositiveSmallIntegerField(_("享受天数"))
    base = models.DecimalField(_("基本补贴（元）"), **MONEY)
    bonus_grade = models.CharField(_("绩效奖对应等次"), max_length=12, blank=True)
    bonus = models.DecimalField(_("绩效奖（元）"), **MONEY, default=0)
    total = models.DecimalField(_("小计（元）"), **MONEY)
    basis = models.CharField(_("计算依据"), max_length=200, blank=True, help_text=_("如 2000.00×15/31"))

    scope_path = "township"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("补贴明细")
        verbose_name_plural = _("补贴明细")
        # Lines are written in the sheet's order (township, village, name at compute time),
        # so the id keeps that order and a page of a sheet is an index range.
        ordering = ["sheet_id", "id"]
        indexes = [
            models.Index(fields=["sheet", "id"], name="subsidy_line_sheet_order"),
            models.Index(fields=["sheet", "township", "id"], name="subsidy_line_sheet_township"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "cadre"], name="subsidy_line_one_per_reserve"),
            models.CheckConstraint(condition=Q(days__lte=31), name="subsidy_line_days_range"),
            models.CheckConstraint(condition=Q(base__gte=0, bonus__gte=0), name="subsidy_line_amounts_positive"),
            models.CheckConstraint(condition=Q(total=F("base") + F("bonus")), name="subsidy_line_total_is_sum"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.total}"


class SubsidyAdjustment(TimeStampedModel):
    """A visible correction to a sheet, positive or negative, with its reason: how a locked
    month is corrected."""

    sheet = models.ForeignKey(
        SubsidySheet, verbose_name=_("月度补贴表"), on_delete=models.PROTECT, related_name="adjustments"
    )
    cadre = models.ForeignKey(
        "cadre.Cadre", verbose_name=_("后备干部"), on_delete=models.PROTECT, related_name="subsidy_adjustments"
    )
    township = models.ForeignKey(
        "org.Township", verbose_name=_("乡镇(街道)"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("调整金额（元）"), **MONEY, help_text=_("补发为正，扣回为负"))
    reason = models.CharField(_("调整原因"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调整人"), on_delete=models.PROTECT, related_name="+"
    )

    scope_path = "township"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("补贴调整")
        verbose_name_plural = _("补贴调整")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="subsidy_adjustment_not_zero"),
            models.CheckConstraint(condition=~Q(reason=""), name="subsidy_adjustment_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.amount:+}"
