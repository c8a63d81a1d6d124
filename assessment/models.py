"""Frontline assignments (一线历练): where a reserve is tested, with typical deeds.

A reserve cannot hold two full-time posts whose dates overlap: an exclusion constraint on
the date range (btree_gist), which the service turns into a clear message.
"""

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
