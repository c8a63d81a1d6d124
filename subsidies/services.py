"""Every change to subsidy policies, sheets and adjustments goes through here.

The rules of a month's sheet (``sheet_compute``):

* Policies. A county's policy applies from its ``effective_from`` until the day before the
  county's next policy starts; a policy change mid-month splits the month into periods,
  each paid at its own policy's amount. Days before the county's first policy are not paid.
* Eligibility, for each day of a period: the reserve is in the pool (from ``entered_on``,
  up to the day before ``left_on``), their tier is among the policy's ``eligible_tiers``
  (none chosen = every tier) and their status on that day is among its
  ``eligible_statuses`` (none chosen = nobody). The status on a day is read from the
  reserve's dates: 储备中 from ``entered_on``, 重点培养 from ``key_training_since``, 已进入两委
  from ``seated_on``, 已退出 from ``left_on``. So a reserve who left is paid through the day
  before ``left_on``, and a seated reserve, when 已进入两委 is not eligible, through the
  day before ``seated_on``. The tier is the reserve's tier at compute time.
* Days = the calendar days of the month on which the reserve is eligible.
  base = Σ over periods of monthly_amount × days_in_period ÷ days_in_month, summed exactly
  (integer fen, no float anywhere) and rounded ONCE per line to 0.01 yuan, half up. The
  line's ``basis`` shows the arithmetic, e.g. ``2000.00×15/31+2200.00×16/31``.
* Bonus. In the month whose number is the ``bonus_month`` of the policy in force on the
  month's first day, a reserve gets that policy's bonus for their grade in the previous
  year's assessment (优秀 bonus_excellent, 称职 bonus_competent, 基本称职 bonus_basic,
  不称职 nothing), only when their township's submission for that year is 已审定. The bonus
  does not depend on the tier or status eligibility of the base: it is paid to every
  reserve in the pool during the month who had not left when the month began
  (``left_on`` after the 1st), with a line of 0 days when no base day is due.
* A line is written for every reserve with at least one paid day or a bonus; total =
  base + bonus. The line keeps the reserve's township and village at compute time, and
  lines are written in township, village, name order (their ids keep it). The sheet keeps
  its lines' county-wide totals (count, base, bonus), maintained by database triggers.
* Computing again replaces the sheet's lines (adjustments stay) and sends a reviewed
  sheet back to 已计算. A locked sheet is never recomputed: the service refuses, and
  PostgreSQL triggers (migration 0002) refuse any change to a locked sheet's lines or
  row. Corrections are adjustments (non-zero amount, reason required), allowed in any
  state and shown in the sheet and its totals.
* Only county staff (who may write; not township secretaries, not leaders) compute,
  review, lock, reopen, adjust and edit policies; ``user=None`` is the scheduled job.
"""

import csv
import datetime as dt
import io
from calendar import monthrange
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from assessment.models import Assessment, Grade, Submission, SubmissionState
from cadre.models import Cadre, Status

from .models import SHEET_TRANSITIONS, SheetState, SubsidyAdjustment, SubsidyLine, SubsidyPolicy, SubsidySheet

POLICY_FIELDS = (
    "effective_from", "monthly_amount", "eligible_tiers", "eligible_statuses", "bonus_excellent",
    "bonus_competent", "bonus_basic", "bonus_month", "notes",
)  # fmt: skip
BASIS_MAX = SubsidyLine._meta.get_field("basis").max_length
BONUS_FIELD = {Grade.EXCELLENT: "bonus_excellent", Grade.COMPETENT: "bonus_competent", Grade.BASIC: "bonus_basic"}
NEVER = dt.date.max
CENT = Decimal("0.01")
MONEY_FIELDS = ("monthly_amount", "bonus_excellent", "bonus_competent", "bonus_basic")


# Who may act -------------------------------------------------------------------------------


def may_manage_subsidies(user: User, county_id: int) -> bool:
    """County staff of this county (or a superuser) who may write."""
    return user.may_write and user.role != Role.TOWNSHIP and (user.is_superuser or user.county_id == county_id)


def _ensure_county_staff(user: User | None, county_id: int) -> None:
    """County staff of this county (or a superuser) who may write; None is the scheduled job."""
    if user is None or may_manage_subsidies(user, county_id):
        return
    if not user.may_write or user.role == Role.TOWNSHIP:
        raise PermissionDenied(_("只有县委组织部可以计算、审核、锁定和调整补贴，以及设置补贴政策。"))
    if not user.is_superuser and user.county_id != county_id:
        raise PermissionDenied(_("只能管理本县的补贴。"))


# Policies ----------------------------------------------------------------------------------


@transaction.atomic
def policy_save(
    *, user: User, county_id: int, data: dict[str, Any], instance: SubsidyPolicy | None = None
) -> SubsidyPolicy:
    """Create (``instance`` None) or change a county's policy. A policy that would apply to
    a locked month cannot be added or changed: a locked month keeps the policy it was paid by."""
    _ensure_county_staff(user, county_id)
    if instance is not None and instance.county_id != county_id:
        raise PermissionDenied(_("只能修改本县的补贴政策。"))
    policy = instance or SubsidyPolicy(county_id=county_id, created_by=user)
    # The stored start (a ModelForm may already have changed the instance).
    starts = list(SubsidyPolicy.objects.filter(pk=policy.pk).values_list("effective_from", flat=True))
    for key, value in data.items():
        if key in POLICY_FIELDS:
            setattr(policy, key, value)
    if not policy.eligible_statuses:
        raise ValidationError({"eligible_statuses": _("请至少选择一种享受补贴的状态。")})
    for name in MONEY_FIELDS:
        value = getattr(policy, name)
        if isinstance(value, (Decimal, int)):
            setattr(policy, name, Decimal(value).quantize(CENT))
    policy.eligible_tiers = sorted(set(policy.eligible_tiers or []))
    policy.eligible_statuses = sorted(set(policy.eligible_statuses))
    policy.full_clean(validate_constraints=False)
    starts.append(policy.effective_from)
    first_month = min(starts).replace(day=1)
    locked = (
        SubsidySheet.objects.filter(county_id=county_id, state=SheetState.LOCKED, month__gte=first_month)
        .order_by("-month")
        .first()
    )
    if locked is not None:
        raise ValidationError(
            {
                "effective_from": _(
                    "%(month)s的补贴表已锁定，不能新增或修改适用于该月的政策；请设置在此之后生效的新政策。"
                )
                % {"month": f"{locked.month:%Y年%m月}"}
            }
        )
    policy._history_user = user
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as exc:
        if "subsidy_policy_one_per_day" not in str(exc):
            raise
        raise ValidationError({"effective_from": _("同一天只能有一项补贴政策生效。")}) from None
    return policy


# Computing a month -------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """A policy's part of the month: days ``start`` to ``end`` inclusive."""

    policy: SubsidyPolicy
    start: dt.date
    end: dt.date
    amount_fen: int
    tiers: frozenset[str]
    statuses: frozenset[str]


def month_periods(policies: list[SubsidyPolicy], month: dt.date) -> list[Period]:
    """The policy periods of the month, from the county's policies sorted by effective_from."""
    days = monthrange(month.year, month.month)[1]
    month_end = month.replace(day=days)
    periods = []
    for index, policy in enumerate(policies):
        following = policies[index + 1].effective_from if index + 1 < len(policies) else None
        start = max(policy.effective_from, month)
        end = month_end if following is None else min(following - dt.timedelta(days=1), month_end)
        if start <= end:
            periods.append(
                Period(
                    policy=policy, start=start, end=end, amount_fen=int(policy.monthly_amount * 100),
                    tiers=frozenset(policy.eligible_tiers), statuses=frozenset(policy.eligible_statuses),
                )
            )  # fmt: skip
    return periods


def policy_on(policies: list[SubsidyPolicy], day: dt.date) -> SubsidyPolicy | None:
    """The policy in force on the day (policies sorted by effective_from)."""
    current = None
    for policy in policies:
        if policy.effective_from <= day:
            current = policy
    return current


def _overlap(a: dt.date, b: dt.date, c: dt.date, d: dt.date) -> int:
    """Days in [a, b) ∩ [c, d) (half-open ranges)."""
    return max(0, (min(b, d) - max(a, c)).days)


def status_spans(
    *, entered_on: dt.date, key_training_since: dt.date | None, seated_on: dt.date | None, left_on: dt.date | None
) -> list[tuple[str, dt.date, dt.date]]:
    """The reserve's statuses in the pool as half-open spans [start, end), read from their dates."""
    start, end = entered_on, left_on or NEVER
    seated = seated_on or NEVER
    key = min(key_training_since, seated) if key_training_since else seated
    return [
        (Status.RESERVE.value, start, min(key, end)),
        (Status.KEY_TRAINING.value, max(key, start), min(seated, end)),
        (Status.SEATED.value, max(seated, start), end),
    ]


def eligible_days(period: Period, tier: str, spans: list[tuple[str, dt.date, dt.date]]) -> int:
    if period.tiers and tier not in period.tiers:
        return 0
    stop = period.end + dt.timedelta(days=1)
    return sum(_overlap(a, b, period.start, stop) for status, a, b in spans if status in period.statuses)


def _fen(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def _base(parts: list[tuple[int, int]], month_days: int) -> tuple[int, str]:
    """(amount in fen, days) per period → the base in fen, rounded once half up, and its basis.
    Σ amount × days ÷ month_days is exact as the integer fraction Σ(amount × days) / month_days."""
    numerator = sum(amount * days for amount, days in parts)
    base = (2 * numerator + month_days) // (2 * month_days)  # half up, numerator ≥ 0
    basis = "+".join(f"{_fen(amount)}×{days}/{month_days}" for amount, days in parts)
    return base, basis


def compute_lines(*, county_id: int, month: dt.date, sheet_id: int) -> list[tuple]:
    """The sheet's lines as rows for the database, in ``LINE_COLUMNS`` order: two queries (the
    county's policies, its reserves with their previous-year grade), then arithmetic in Python."""
    month_days = monthrange(month.year, month.month)[1]
    month_end = month.replace(day=month_days)
    policies = list(SubsidyPolicy.objects.filter(county_id=county_id).order_by("effective_from"))
    periods = month_periods(policies, month)
    first_day_policy = policy_on(policies, month)
    bonus_policy = first_day_policy if first_day_policy and first_day_policy.bonus_month == month.month else None
    if not periods and bonus_policy is None:
        return []
    cadres = Cadre.objects.filter(village__township__county_id=county_id, entered_on__lte=month_end).exclude(
        left_on__lte=month
    )
    fields = ["pk", "village_id", "village__township_id", "tier", "entered_on", "key_training_since", "seated_on",
              "left_on"]  # fmt: skip
    if bonus_policy is not None:
        # The previous year's grade, when the township (the reserve's own) has it approved.
        approved = Submission.objects.filter(
            year_id=OuterRef("year_id"), township_id=OuterRef("cadre__village__township_id"),
            state=SubmissionState.APPROVED,
        )  # fmt: skip
        grade = Assessment.objects.filter(
            Exists(approved), year__county_id=county_id, year__year=month.year - 1, cadre_id=OuterRef("pk"),
            grade__in=list(BONUS_FIELD),
        )  # fmt: skip
        cadres = cadres.annotate(bonus_grade=Subquery(grade.values("grade")[:1]))
        fields.append("bonus_grade")
    bonus_fen = {}
    if bonus_policy is not None:
        bonus_fen = {grade: int(getattr(bonus_policy, name) * 100) for grade, name in BONUS_FIELD.items()}
    # A line depends only on the tier, the dates clipped to the month and the grade: reserves
    # sharing them (most of a county: in the pool all month, no bonus) share one computation.
    after = month_end + dt.timedelta(days=1)

    def clip(day: dt.date | None) -> dt.date:
        return after if day is None or day > after else max(day, month)

    def compute(tier: str, entered: dt.date, key: dt.date, seated: dt.date, left: dt.date, grade: str | None) -> tuple:
        spans = status_spans(entered_on=entered, key_training_since=key, seated_on=seated, left_on=left)
        parts = [(p.amount_fen, days) for p in periods if (days := eligible_days(p, tier, spans))]
        bonus = bonus_fen.get(grade, 0) if grade else 0
        if not parts and not bonus:
            return ()
        base, basis = _base(parts, month_days) if parts else (0, "")
        if bonus:
            basis = "；".join(filter(None, [basis, f"{Grade(grade).label}绩效奖{_fen(bonus)}"]))
        if len(basis) > BASIS_MAX:
            basis = basis[: BASIS_MAX - 1] + "…"
        days = sum(days for _amount, days in parts)
        return (days, _fen(base), grade if bonus else "", _fen(bonus), _fen(base + bonus), basis)

    results: dict[tuple, tuple] = {}
    lines = []
    # In the sheet's order: the lines' ids keep it (see SubsidyLine.Meta.ordering).
    cadres = cadres.order_by("village__township__name", "village__name", "name", "pk")
    for row in cadres.values_list(*fields):
        pk, village_id, township_id, tier, entered_on, key_since, seated_on, left_on = row[:8]
        key = (tier, clip(entered_on), clip(key_since), clip(seated_on), clip(left_on),
               row[8] if bonus_policy is not None else None)  # fmt: skip
        result = results.get(key)
        if result is None:
            result = results[key] = compute(*key)
        if result:
            lines.append((sheet_id, pk, township_id, village_id, *result))
    return lines


LINE_COLUMNS = ("sheet_id", "cadre_id", "township_id", "village_id", "days", "base", "bonus_grade", "bonus", "total",
                "basis")  # fmt: skip


def _copy_lines(lines: list[tuple]) -> None:
    """PostgreSQL COPY of the lines (one statement whatever their number). Every column is
    NOT NULL, so FORCE_NOT_NULL keeps an empty grade or basis an empty text."""
    if not lines:
        return
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    buffer.seek(0)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in LINE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {quote(SubsidyLine._meta.db_table)} ({columns}) FROM STDIN "
            f"WITH (FORMAT csv, FORCE_NOT_NULL ({columns}))",
            buffer,
        )


def _locked_message(sheet: SubsidySheet) -> str:
    return _("%(month)s的补贴表已锁定，不能重新计算；如需更正请添加调整（写明原因）。") % {
        "month": f"{sheet.month:%Y年%m月}"
    }


@transaction.atomic
def sheet_compute(*, county_id: int, month: dt.date, user: User | None) -> SubsidySheet:
    """Create or recompute the county's sheet for the month (its first day), replacing the
    lines and keeping the adjustments; a locked sheet is refused. A fixed number of queries
    whatever the county's size: the lines are computed in Python and written with one COPY."""
    _ensure_county_staff(user, county_id)
    if month.day != 1:
        raise ValidationError({"month": _("月份应为该月的第一天。")})
    now = timezone.now()
    sheet, created = SubsidySheet.objects.get_or_create(
        county_id=county_id, month=month, defaults={"computed_at": now, "computed_by": user}
    )
    if not created:
        # Two computations of one month are taken one at a time.
        sheet = SubsidySheet.objects.select_for_update().get(pk=sheet.pk)
        if sheet.locked:
            raise ValidationError(_locked_message(sheet))
        SubsidyLine.objects.filter(sheet=sheet).delete()
    lines = compute_lines(county_id=county_id, month=month, sheet_id=sheet.pk)
    sheet.state = SheetState.COMPUTED
    sheet.computed_at, sheet.computed_by = now, user
    sheet.reviewed_at = sheet.reviewed_by = None
    sheet.save(update_fields=["state", "computed_at", "computed_by", "reviewed_at", "reviewed_by", "updated_at"])
    _copy_lines(lines)
    # The database keeps the sheet's totals with its lines (migration 0003).
    sheet.refresh_from_db(fields=["total_lines", "total_base", "total_bonus"])
    return sheet


# The workflow: computed → reviewed → locked; reviewed → computed (reopen) -------------------


def _transition(*, user: User, sheet: SubsidySheet, action: str) -> SubsidySheet:
    _ensure_county_staff(user, sheet.county_id)
    sheet = SubsidySheet.objects.select_for_update().get(pk=sheet.pk)
    to = SHEET_TRANSITIONS.get((SheetState(sheet.state), action))
    if to is None:
        if sheet.locked:
            raise ValidationError(_("该补贴表已锁定，不能再变更；如需更正请添加调整（写明原因）。"))
        raise ValidationError(_("当前状态为“%(state)s”，不能执行此操作。") % {"state": sheet.get_state_display()})
    now = timezone.now()
    fields = ["state", "updated_at"]
    if action == "review":
        sheet.reviewed_at, sheet.reviewed_by = now, user
        fields += ["reviewed_at", "reviewed_by"]
    elif action == "lock":
        sheet.locked_at, sheet.locked_by = now, user
        fields += ["locked_at", "locked_by"]
    elif action == "reopen":
        sheet.reviewed_at = sheet.reviewed_by = None
        fields += ["reviewed_at", "reviewed_by"]
    sheet.state = to
    sheet.save(update_fields=fields)
    return sheet


@transaction.atomic
def sheet_review(*, user: User, sheet: SubsidySheet) -> SubsidySheet:
    """已计算 → 已审核."""
    return _transition(user=user, sheet=sheet, action="review")


@transaction.atomic
def sheet_lock(*, user: User, sheet: SubsidySheet) -> SubsidySheet:
    """已审核 → 已锁定: from now on only adjustments."""
    return _transition(user=user, sheet=sheet, action="lock")


@transaction.atomic
def sheet_reopen(*, user: User, sheet: SubsidySheet) -> SubsidySheet:
    """已审核 → 已计算 (退回重算); a locked sheet never reopens."""
    return _transition(user=user, sheet=sheet, action="reopen")


# Adjustments -------------------------------------------------------------------------------


@transaction.atomic
def adjustment_add(*, user: User, sheet: SubsidySheet, cadre: Cadre, amount: Decimal, reason: str) -> SubsidyAdjustment:
    """A visible correction of the sheet (补发 positive, 扣回 negative), in any state. It counts
    in the township the reserve's line was computed in (their current township when they
    have no line in the sheet)."""
    _ensure_county_staff(user, sheet.county_id)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("请填写调整原因。")
    if amount is None or amount == 0:
        errors["amount"] = _("调整金额不能为零。")
    elif amount != amount.quantize(CENT):
        errors["amount"] = _("调整金额最多保留两位小数（分）。")
    if errors:
        raise ValidationError(errors)
    amount = amount.quantize(CENT)
    cadre = Cadre.objects.select_related("village__township").get(pk=cadre.pk)
    if cadre.village.township.county_id != sheet.county_id:
        raise ValidationError({"cadre": _("该后备干部不属于本县。")})
    line_township = SubsidyLine.objects.filter(sheet=sheet, cadre=cadre).values_list("township_id", flat=True).first()
    adjustment = SubsidyAdjustment(
        sheet=sheet, cadre=cadre, township_id=line_township or cadre.village.township_id, amount=amount,
        reason=reason, created_by=user,
    )  # fmt: skip
    adjustment.full_clean()
    adjustment.save()
    return adjustment
