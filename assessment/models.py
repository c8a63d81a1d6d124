"""Frontline assignments (一线历练): where a reserve is tested, with typical deeds.

A reserve cannot hold two full-time posts whose dates overlap: an exclusion constraint on
the date range (btree_gist), which the service turns into a clear message.
"""

from decimal import Decimal
from typing import Any, Self

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Func, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import TimeStampedModel
from common.scope import Scope, ScopedQuerySet


class DateRange(Func):
    """PostgreSQL daterange(start, end, '[]'); an open end runs on."""

    function = "daterange"
    output_field = models.DateField()  # only compared by the constraint, never selected

    def __init__(self, start: str, end: str) -> None:
        super().__init__(start, end, models.Value("[]"))


# The kinds of frontline post every county starts with (DOMAIN.md): name, shortest days.
BUILTIN_KINDS = (
    ("卡口值守", None), ("宣传排查", None), ("监测点值守", None), ("居家隔离服务保障", None),
    ("专班（抗疫/拆违/腾退等）", None), ("网格化管理", None), ("跟班学习", 30), ("挂职锻炼", None),
    ("企业服务", None),
)  # fmt: skip


class AssignmentKindQuerySet(ScopedQuerySet):
    def visible_to(self, who: Any) -> Self:
        """The built-in kinds and those of the counties in scope."""
        scope = Scope.of(who)
        if scope.is_everything:
            return self.all()
        if scope.is_nothing:
            return self.none()
        return self.filter(Q(county__isnull=True) | scope.county_q("county"))


class AssignmentKind(TimeStampedModel):
    """The kind of post (卡口值守, 跟班学习 …). The built-in kinds belong to no county;
    a county adds its own."""

    county = models.ForeignKey(
        "org.County", verbose_name=_("县(区)"), null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        help_text=_("留空为全县通用的内置类型"),
    )  # fmt: skip
    name = models.CharField(_("岗位类型"), max_length=40)
    min_days = models.PositiveSmallIntegerField(
        _("最短天数"), null=True, blank=True, help_text=_("短于此天数的历练会被标出，如跟班学习不少于30天")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    scope_county_path = "county"
    objects = AssignmentKindQuerySet.as_manager()

    class Meta:
        verbose_name = _("历练岗位类型")
        verbose_name_plural = _("历练岗位类型")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="assignment_kind_unique", nulls_distinct=False),
        ]

    def __str__(self) -> str:
        return self.name


class Evaluation(models.TextChoices):
    """The supervisor's evaluation of an assignment."""

    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


class Assignment(TimeStampedModel):
    """A reserve's frontline assignment: kind, role, host unit, dates, full- or part-time,
    hours, and the supervisor's evaluation."""

    cadre = models.ForeignKey(
        "cadre.Cadre", verbose_name=_("后备干部"), on_delete=models.PROTECT, related_name="assignments"
    )
    kind = models.ForeignKey(AssignmentKind, verbose_name=_("岗位类型"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("担任角色"), max_length=40, blank=True, help_text=_("如参谋员、政策宣传员、治安联防员"))
    host_unit = models.CharField(_("所在单位/专班"), max_length=100)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True, help_text=_("尚未结束的留空"))
    full_time = models.BooleanField(_("全脱产"), default=True)
    hours = models.DecimalField(
        _("累计时长（小时）"), max_digits=6, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(9999)],
    )  # fmt: skip
    evaluation = models.CharField(_("带队领导评价"), max_length=10, choices=Evaluation.choices, blank=True)
    notes = models.TextField(_("评价意见及备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    scope_path = "cadre__village__township"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("一线历练")
        verbose_name_plural = _("一线历练")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="assignment_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
            models.CheckConstraint(
                condition=Q(evaluation__in=["", *Evaluation.values]), name="assignment_evaluation_valid"
            ),
            models.CheckConstraint(condition=Q(hours__isnull=True) | Q(hours__gte=0), name="assignment_hours_positive"),
            # One full-time post at a time: full-time assignments of a reserve never overlap.
            ExclusionConstraint(
                name="assignment_full_time_no_overlap",
                violation_error_message=_("全脱产历练的时间不能与该后备干部的其他全脱产历练重叠。"),
                expressions=[
                    ("cadre", RangeOperators.EQUAL),
                    (DateRange("started_on", "ended_on"), RangeOperators.OVERLAPS),
                ],
                condition=Q(full_time=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.host_unit}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:assignment-detail", args=[self.pk])

    @property
    def days(self) -> int | None:
        if self.ended_on is None:
            return None
        return (self.ended_on - self.started_on).days + 1

    @property
    def too_short(self) -> bool:
        """Shorter than its kind's minimum (跟班学习 of less than a month)."""
        return bool(self.kind.min_days and self.days is not None and self.days < self.kind.min_days)


class Deed(TimeStampedModel):
    """A typical deed (典型事迹) during an assignment; the county marks some for publicity."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("一线历练"), on_delete=models.CASCADE, related_name="deeds"
    )
    title = models.CharField(_("标题"), max_length=100)
    text = models.TextField(_("事迹"))
    date = models.DateField(_("日期"))
    publicized = models.BooleanField(_("县委组织部推荐宣传"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    scope_path = "assignment__cadre__village__township"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("典型事迹")
        verbose_name_plural = _("典型事迹")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.title


# The annual assessment (年度考核) ---------------------------------------------------------


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class Outcome(models.TextChoices):
    """The county's decision on a reserve (进退留转)."""

    ADVANCE = "advance", _("进")
    STAY = "stay", _("留")
    TRANSFER = "transfer", _("转")
    EXIT = "exit", _("退")


# The default indicators and their weights (they sum to 100).
DEFAULT_INDICATORS = (
    ("政治素质", 15), ("工作实绩", 20), ("一线表现", 15), ("群众认可", 15),
    ("学习能力", 10), ("担当作为", 10), ("廉洁自律", 10), ("发展潜力", 5),
)  # fmt: skip


class AssessmentYear(TimeStampedModel):
    """A county's assessment year: its indicators, the score bands that suggest a grade,
    the share of 优秀 a township may give, the deadline, and whether democratic evaluation
    (民主测评) is required."""

    county = models.ForeignKey("org.County", verbose_name=_("县(区)"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("考核年度"))
    deadline = models.DateField(_("乡镇上报截止日期"))
    democratic_required = models.BooleanField(_("须开展民主测评"), default=True)
    excellent_share = models.PositiveSmallIntegerField(
        _("优秀比例上限（%）"), default=20, validators=[MaxValueValidator(100)],
        help_text=_("每个乡镇评为优秀的人数不超过在册后备干部数乘以此比例（向下取整）"),
    )  # fmt: skip
    excellent_from = models.DecimalField(_("优秀分数线"), max_digits=4, decimal_places=1, default=90)
    competent_from = models.DecimalField(_("称职分数线"), max_digits=4, decimal_places=1, default=75)
    basic_from = models.DecimalField(_("基本称职分数线"), max_digits=4, decimal_places=1, default=60)

    scope_county_path = "county"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核年度")
        verbose_name_plural = _("考核年度")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="assessment_year_unique"),
            models.CheckConstraint(condition=Q(excellent_share__lte=100), name="assessment_year_share_range"),
            models.CheckConstraint(
                condition=Q(
                    excellent_from__lte=100,
                    excellent_from__gt=models.F("competent_from"),
                    competent_from__gt=models.F("basic_from"),
                    basic_from__gte=0,
                ),
                name="assessment_year_bands_ordered",
                violation_error_message=_("分数线应为：100 ≥ 优秀 > 称职 > 基本称职 ≥ 0。"),
            ),
        ]

    def __str__(self) -> str:
        return _("%(year)s年度考核") % {"year": self.year}

    def suggest_grade(self, total: Decimal | None) -> str:
        """The grade the score band suggests (the secretary chooses the grade)."""
        if total is None:
            return ""
        if total >= self.excellent_from:
            return Grade.EXCELLENT
        if total >= self.competent_from:
            return Grade.COMPETENT
        if total >= self.basic_from:
            return Grade.BASIC
        return Grade.INCOMPETENT

    def excellent_quota(self, reserves: int) -> int:
        """How many 优秀 a township with this many reserves may give: rounded down."""
        return reserves * self.excellent_share // 100


class Indicator(TimeStampedModel):
    year = models.ForeignKey(
        AssessmentYear, verbose_name=_("考核年度"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("考核指标"), max_length=20)
    weight = models.PositiveSmallIntegerField(_("权重"), validators=[MinValueValidator(1), MaxValueValidator(100)])
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    scope_county_path = "year__county"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="indicator_unique_name"),
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100), name="indicator_weight_range"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.weight}）"


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已上报")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审定")


# The workflow, in one place: (state, action) → the next state. 未开始 is a township with no
# submission yet; its first saved assessment opens one as a draft.
TRANSITIONS = {
    (SubmissionState.DRAFT, "submit"): SubmissionState.SUBMITTED,
    (SubmissionState.RETURNED, "submit"): SubmissionState.SUBMITTED,
    (SubmissionState.SUBMITTED, "return"): SubmissionState.RETURNED,
    (SubmissionState.SUBMITTED, "approve"): SubmissionState.APPROVED,
    (SubmissionState.APPROVED, "reopen"): SubmissionState.RETURNED,
}
EDITABLE_STATES = (SubmissionState.DRAFT, SubmissionState.RETURNED)


class Submission(TimeStampedModel):
    """A township's assessments for a year, as one thing the county reviews."""

    year = models.ForeignKey(
        AssessmentYear, verbose_name=_("考核年度"), on_delete=models.PROTECT, related_name="submissions"
    )
    township = models.ForeignKey(
        "org.Township", verbose_name=_("乡镇(街道)"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=10, choices=SubmissionState.choices, default=SubmissionState.DRAFT)
    reason = models.TextField(_("退回或重新打开的原因"), blank=True)

    scope_path = "township"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("乡镇考核上报")
        verbose_name_plural = _("乡镇考核上报")
        ordering = ["township__name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "township"], name="submission_unique_per_township"),
            models.CheckConstraint(condition=Q(state__in=SubmissionState.values), name="submission_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.township} {self.year}"

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES


class SubmissionEvent(models.Model):
    """Every transition of a submission: who, when, from which state to which, and why."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("乡镇考核上报"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=10)
    from_state = models.CharField(_("原状态"), max_length=10, choices=SubmissionState.choices)
    to_state = models.CharField(_("新状态"), max_length=10, choices=SubmissionState.choices)
    reason = models.TextField(_("原因"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    scope_path = "submission__township"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核流程记录")
        verbose_name_plural = _("考核流程记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission} {self.get_from_state_display()} → {self.get_to_state_display()}"


class Assessment(TimeStampedModel):
    """One reserve's assessment for a year: scores per indicator (the weighted total kept
    with it), 显绩 and 潜绩, the democratic evaluation tallies, the grade and the proposed
    outcome. One per reserve per year."""

    year = models.ForeignKey(AssessmentYear, verbose_name=_("考核年度"), on_delete=models.PROTECT, related_name="+")
    cadre = models.ForeignKey(
        "cadre.Cadre", verbose_name=_("后备干部"), on_delete=models.PROTECT, related_name="assessments"
    )
    total = models.DecimalField(_("加权总分"), max_digits=5, decimal_places=2, null=True, blank=True)
    visible_merits = models.TextField(_("显绩"), blank=True)
    latent_merits = models.TextField(_("潜绩"), blank=True)
    voters = models.PositiveIntegerField(_("参加测评人数"), default=0)
    votes_excellent = models.PositiveIntegerField(_("优秀票"), default=0)
    votes_competent = models.PositiveIntegerField(_("称职票"), default=0)
    votes_basic = models.PositiveIntegerField(_("基本称职票"), default=0)
    votes_incompetent = models.PositiveIntegerField(_("不称职票"), default=0)
    grade = models.CharField(_("考核等次"), max_length=12, choices=Grade.choices, blank=True)
    outcome = models.CharField(_("进退留转建议"), max_length=10, choices=Outcome.choices, blank=True)
    seat = models.ForeignKey(
        "org.Seat", verbose_name=_("进入的两委职位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("“进”的人员：县委组织部可指定一个空缺职位，审定时直接进入；不指定则列入重点培养"),
    )  # fmt: skip
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)  # optimistic locking
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    scope_path = "cadre__village__township"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["cadre__village__name", "cadre__name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "cadre"], name="assessment_one_per_reserve_per_year"),
            models.CheckConstraint(
                condition=Q(
                    voters__gte=models.F("votes_excellent")
                    + models.F("votes_competent")
                    + models.F("votes_basic")
                    + models.F("votes_incompetent")
                ),
                name="assessment_votes_within_voters",
                violation_error_message=_("各档票数之和不能超过参加测评人数。"),
            ),
            models.CheckConstraint(condition=Q(grade__in=["", *Grade.values]), name="assessment_grade_valid"),
            models.CheckConstraint(condition=Q(outcome__in=["", *Outcome.values]), name="assessment_outcome_valid"),
            models.CheckConstraint(
                condition=Q(seat__isnull=True) | Q(outcome=Outcome.ADVANCE), name="assessment_seat_only_to_advance"
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0, total__lte=100), name="assessment_total_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.year}"

    def share(self, votes: int) -> Decimal | None:
        return None if not self.voters else Decimal(votes * 100) / self.voters


class IndicatorScore(models.Model):
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("年度考核"), on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("考核指标"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("得分"), max_digits=4, decimal_places=1)

    scope_path = "assessment__cadre__village__township"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="score_unique_per_indicator"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.score}"
