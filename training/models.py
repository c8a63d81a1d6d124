"""Training (培训): sessions, who attended, and the needs gathered before a session.

A session belongs to a county; a 乡镇级 session also names the township that runs it.
Who a session is for is its target townships and tiers (none listed: everyone). Attendance
is one row per reserve per session; hours per reserve per year are derived from it
(present only), never stored.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cadre.models import Tier
from common.models import TimeStampedModel
from common.scope import ScopedQuerySet


class Level(models.TextChoices):
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")


class Kind(models.TextChoices):
    COUNTY_MONTHLY = "county_monthly", _("县级月度培训")
    YOUNG_EAGLE = "young_eagle", _("雏鹰展翅")
    LEAD_GOOSE = "lead_goose", _("头雁工程")
    DEGREE = "degree", _("农民大学生/村官大学生")
    ROTATION = "rotation", _("全员轮训")
    OTHER = "other", _("其他")


class Topic(models.TextChoices):
    """What reserves ask to be trained in (培训前征求需求)."""

    POLICY = "policy", _("政策理论")
    PARTY = "party", _("党建业务")
    GOVERNANCE = "governance", _("基层治理")
    MEDIATION = "mediation", _("矛盾纠纷调解")
    INDUSTRY = "industry", _("产业发展")
    AGRITECH = "agritech", _("农业实用技术")
    ECOMMERCE = "ecommerce", _("电商直播")
    LAW = "law", _("法律法规")
    FINANCE = "finance", _("村级财务")
    EMERGENCY = "emergency", _("应急处置")
    OTHER = "other", _("其他")


class TrainingSession(TimeStampedModel):
    county = models.ForeignKey("org.County", verbose_name=_("县(区)"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("培训名称"), max_length=100)
    level = models.CharField(_("培训层级"), max_length=10, choices=Level.choices, default=Level.COUNTY)
    kind = models.CharField(_("培训类型"), max_length=20, choices=Kind.choices, default=Kind.COUNTY_MONTHLY)
    organizer = models.ForeignKey(
        "org.Township", verbose_name=_("举办乡镇"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("乡镇级培训填写举办的乡镇"),
    )  # fmt: skip
    date = models.DateField(_("培训日期"))
    hours = models.DecimalField(
        _("学时"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(99)]
    )
    place = models.CharField(_("培训地点"), max_length=100, blank=True)
    lecturer = models.CharField(_("授课人"), max_length=100, blank=True)
    target_townships = models.ManyToManyField(
        "org.Township", verbose_name=_("参训乡镇"), blank=True, related_name="+", help_text=_("不选为全县")
    )
    target_tiers = ArrayField(
        models.CharField(max_length=10, choices=Tier.choices), verbose_name=_("参训层级"), default=list, blank=True,
        help_text=_("不选为全部层级"),
    )  # fmt: skip
    has_exam = models.BooleanField(_("有结业考试"), default=False)
    needs_deadline = models.DateField(_("需求征集截止日期"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    scope_county_path = "county"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训班次")
        verbose_name_plural = _("培训班次")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["county", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=Level.values), name="training_level_valid"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="training_kind_valid"),
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lt=100), name="training_hours_range"),
            models.CheckConstraint(
                condition=Q(level=Level.COUNTY, organizer__isnull=True)
                | Q(level=Level.TOWNSHIP, organizer__isnull=False),
                name="training_township_level_has_organizer",
                violation_error_message=_("乡镇级培训须填写举办乡镇，县级培训不填。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("training:session", args=[self.pk])

    @property
    def target_tier_labels(self) -> list[str]:
        return [str(Tier(t).label) for t in self.target_tiers if t in Tier.values]


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出勤")
    ABSENT = "absent", _("缺勤")
    LEAVE = "leave", _("请假")


class Attendance(TimeStampedModel):
    session = models.ForeignKey(
        TrainingSession, verbose_name=_("培训班次"), on_delete=models.CASCADE, related_name="attendance"
    )
    cadre = models.ForeignKey(
        "cadre.Cadre", verbose_name=_("后备干部"), on_delete=models.PROTECT, related_name="attendance"
    )
    status = models.CharField(_("出勤情况"), max_length=10, choices=AttendanceStatus.choices)
    exam_score = models.DecimalField(
        _("考试成绩"), max_digits=4, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    note = models.CharField(_("备注"), max_length=100, blank=True, help_text=_("如请假事由"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    scope_path = "cadre__village__township"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训考勤")
        verbose_name_plural = _("培训考勤")
        ordering = ["cadre__village__township__name", "cadre__village__name", "cadre__name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "cadre"], name="attendance_one_per_reserve"),
            models.CheckConstraint(condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"),
            models.CheckConstraint(
                condition=Q(exam_score__isnull=True) | Q(exam_score__gte=0, exam_score__lte=100),
                name="attendance_score_range",
            ),
            models.CheckConstraint(
                condition=Q(exam_score__isnull=True) | Q(status=AttendanceStatus.PRESENT),
                name="attendance_score_only_when_present",
                violation_error_message=_("只有出勤人员才有考试成绩。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.get_status_display()}"


class TrainingNeed(TimeStampedModel):
    """One reserve's requested topics before a session (entered by the township or imported)."""

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("培训班次"), on_delete=models.CASCADE, related_name="needs"
    )
    cadre = models.ForeignKey(
        "cadre.Cadre", verbose_name=_("后备干部"), on_delete=models.PROTECT, related_name="training_needs"
    )
    topics = ArrayField(models.CharField(max_length=20, choices=Topic.choices), verbose_name=_("需求主题"))
    details = models.CharField(_("具体需求"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )

    scope_path = "cadre__village__township"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训需求")
        verbose_name_plural = _("培训需求")
        ordering = ["cadre__village__township__name", "cadre__village__name", "cadre__name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "cadre"], name="training_need_one_per_reserve"),
            models.CheckConstraint(
                condition=Q(topics__contained_by=Topic.values) & ~Q(topics=[]), name="training_need_topics_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.session}"
