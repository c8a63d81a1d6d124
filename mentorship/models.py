from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import TimeStampedModel, phone_validator
from common.scope import ScopedQuerySet


class MentorKind(models.TextChoices):
    COUNTY_LEADER = "county_leader", _("县级领导")
    TOWNSHIP_CADRE = "township_cadre", _("乡镇干部")
    VILLAGE_SECRETARY = "village_secretary", _("村党组织书记")
    RETIRED_CADRE = "retired_cadre", _("离退休干部")
    INDUSTRY_LEADER = "industry_leader", _("产业发展带头人")
    OTHER = "other", _("其他")


class ActivityForm(models.TextChoices):
    """The "seven ones" (七个一) of mentoring."""

    TALK = "talk", _("谈心谈话")
    FIELD_RESEARCH = "field_research", _("实地调研")
    TEACHING_BY_EXAMPLE = "teaching_by_example", _("言传身教带学")
    TEMPORARY_POSTING = "temporary_posting", _("推送挂职锻炼")
    POLICY_COACHING = "policy_coaching", _("政策业务辅导")
    TOPIC_EXCHANGE = "topic_exchange", _("专题交流座谈")
    FEEDBACK = "feedback", _("表现情况反馈")


class EnteredBy(models.TextChoices):
    MENTOR = "mentor", _("导师本人")
    TOWNSHIP = "township", _("乡镇党委")
    COUNTY = "county", _("县委组织部")


class Mentor(TimeStampedModel):
    """A member of a township's mentor pool (导师库)."""

    township = models.ForeignKey(
        "org.Township", verbose_name=_("所属乡镇(街道)"), on_delete=models.PROTECT, related_name="mentors"
    )
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("导师类别"), max_length=20, choices=MentorKind.choices)
    unit = models.CharField(_("工作单位"), max_length=100, blank=True)
    post = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, validators=[phone_validator])
    specialties = models.CharField(_("专长"), max_length=200, blank=True, help_text=_("多个专长用顿号或逗号分隔"))
    is_active = models.BooleanField(_("在库"), default=True)
    max_mentees = models.PositiveSmallIntegerField(
        _("可带人数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    scope_path = "township"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导师")
        verbose_name_plural = _("导师库")
        ordering = ["township__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name", "phone"], name="mentor_unique_in_township"),
            models.CheckConstraint(condition=Q(kind__in=MentorKind.values), name="mentor_kind_valid"),
            models.CheckConstraint(
                condition=Q(max_mentees__gte=1, max_mentees__lte=20), name="mentor_max_mentees_range"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"

    def get_absolute_url(self):
        return reverse("mentorship:mentor-detail", args=[self.pk])

    @property
    def specialty_list(self) -> list[str]:
        import re

        return [s for s in re.split(r"[、,，;；/\s]+", self.specialties) if s]


class CountyPolicy(TimeStampedModel):
    """A county's mentoring rules: how many reserves one mentor may take (1 for strict
    one-to-one) and how often each activity form is required (see FormRequirement)."""

    county = models.OneToOneField(
        "org.County", verbose_name=_("县(区)"), on_delete=models.CASCADE, related_name="mentorship_policy"
    )
    mentee_limit = models.PositiveSmallIntegerField(
        _("每名导师最多结对人数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("1 为严格一对一；如县里允许一名导师带多名后备干部，可调大。导师个人的可带人数不能超过此数。"),
    )  # fmt: skip

    scope_county_path = "county"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导师帮带制度")
        verbose_name_plural = _("导师帮带制度")
        constraints = [
            models.CheckConstraint(
                condition=Q(mentee_limit__gte=1, mentee_limit__lte=20), name="policy_mentee_limit_range"
            ),
        ]

    def __str__(self):
        return gettext("%(county)s导师帮带制度") % {"county": self.county}


class FormRequirement(TimeStampedModel):
    """E.g. one 谈心谈话 every 3 months: a pairing is overdue when that many months have
    passed since its last activity of this form (or since it started)."""

    policy = models.ForeignKey(
        CountyPolicy, verbose_name=_("制度"), on_delete=models.CASCADE, related_name="requirements"
    )
    form = models.CharField(_("帮带形式"), max_length=30, choices=ActivityForm.choices)
    every_months = models.PositiveSmallIntegerField(
        _("每几个月至少一次"), validators=[MinValueValidator(1), MaxValueValidator(24)]
    )

    scope_county_path = "policy__county"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮带频次要求")
        verbose_name_plural = _("帮带频次要求")
        ordering = ["form"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "form"], name="requirement_unique_form"),
            models.CheckConstraint(condition=Q(form__in=ActivityForm.values), name="requirement_form_valid"),
            models.CheckConstraint(
                condition=Q(every_months__gte=1, every_months__lte=24), name="requirement_months_range"
            ),
        ]

    def __str__(self):
        return gettext("%(form)s：每%(months)s个月至少一次") % {
            "form": self.get_form_display(),
            "months": self.every_months,
        }


class Pairing(TimeStampedModel):
    """One reserve with one mentor (一对一结对) from start to end. A reserve has at most one
    active pairing, enforced by a partial unique index; ended pairings stay as history."""

    cadre = models.ForeignKey(
        "cadre.Cadre", verbose_name=_("后备干部"), on_delete=models.PROTECT, related_name="pairings"
    )
    mentor = models.ForeignKey(Mentor, verbose_name=_("导师"), on_delete=models.PROTECT, related_name="pairings")
    started_on = models.DateField(_("结对时间"))
    planned_end_on = models.DateField(_("计划结束时间"), null=True, blank=True)
    goals = models.TextField(_("帮带目标"), blank=True)
    ended_on = models.DateField(_("结束时间"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    scope_path = "cadre__village__township"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("结对")
        verbose_name_plural = _("结对")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre"], condition=Q(ended_on__isnull=True), name="pairing_one_active_per_cadre"
            ),
            models.CheckConstraint(
                condition=Q(planned_end_on__isnull=True) | Q(planned_end_on__gte=F("started_on")),
                name="pairing_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=(
                    Q(ended_on__isnull=True, end_reason="") | (Q(ended_on__gte=F("started_on")) & ~Q(end_reason=""))
                ),
                name="pairing_end_has_reason_after_start",
            ),
        ]
        indexes = [models.Index(fields=["mentor"], condition=Q(ended_on__isnull=True), name="pairing_active_mentor")]

    def __str__(self):
        return f"{self.mentor.name} → {self.cadre.name}"

    def get_absolute_url(self):
        return reverse("mentorship:pairing-detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


def log_attachment_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"mentoring_logs/{instance.pairing_id}/{instance.date:%Y%m%d}-{instance.form}.{ext}"


class CurrentLogManager(models.Manager.from_queryset(ScopedQuerySet)):
    """Withdrawn entries (撤回) stay in the table as history but count nowhere: the
    default manager, and so every count, compliance check and related ``pairing.logs``,
    leaves them out. ``MentoringLog.with_withdrawn`` includes them (the pairing page's history)."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class MentoringLog(TimeStampedModel):
    """One mentoring activity (帮带记录)."""

    pairing = models.ForeignKey(Pairing, verbose_name=_("结对"), on_delete=models.PROTECT, related_name="logs")
    date = models.DateField(_("日期"))
    form = models.CharField(_("帮带形式"), max_length=30, choices=ActivityForm.choices)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    content = models.TextField(_("内容"))
    hours = models.DecimalField(
        _("时长(小时)"), max_digits=4, decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(24)],
    )  # fmt: skip
    attachment = models.FileField(_("附件"), upload_to=log_attachment_path, blank=True)
    entered_by = models.CharField(_("填报方"), max_length=10, choices=EnteredBy.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("撤回人"), on_delete=models.PROTECT, related_name="+",
        null=True, blank=True,
    )  # fmt: skip
    # db_default: bulk loaders (COPY) that name only the older columns still work
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=200, blank=True, default="", db_default="")

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    scope_path = "pairing__cadre__village__township"
    objects = CurrentLogManager()
    with_withdrawn = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮带记录")
        verbose_name_plural = _("帮带记录")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(form__in=ActivityForm.values), name="log_form_valid"),
            models.CheckConstraint(condition=Q(entered_by__in=EnteredBy.values), name="log_entered_by_valid"),
            models.CheckConstraint(condition=Q(hours__gte=0.5, hours__lte=24), name="log_hours_range"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True, withdrawn_reason="")
                | (Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False) & ~Q(withdrawn_reason="")),
                name="log_withdrawn_has_who_and_reason",
            ),
        ]
        indexes = [models.Index(fields=["pairing", "form", "-date"], name="log_pairing_form_date")]

    def __str__(self):
        return f"{self.date} {self.get_form_display()}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
