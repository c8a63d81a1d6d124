from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import TimeStampedModel
from common.scope import ScopedQuerySet


class County(TimeStampedModel):
    name = models.CharField(_("县(区)"), max_length=50, unique=True)
    min_reserves_per_village = models.PositiveSmallIntegerField(
        _("每村后备干部最低人数"), default=2, help_text=_("月度综合统计报表列出低于此数的村")
    )
    party_joined_on_required = models.BooleanField(
        _("中共党员须填写入党时间"),
        default=False,
        help_text=_("开启后，中共党员、预备党员未填写入党时间的，录入、导入和接口均不予保存；关闭时只作提示"),
    )

    # Who changed a setting, and when (the county settings page).
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    scope_county_path = ""
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("县(区)")
        verbose_name_plural = _("县(区)")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Township(TimeStampedModel):
    county = models.ForeignKey(County, verbose_name=_("县(区)"), on_delete=models.PROTECT, related_name="townships")
    name = models.CharField(_("乡镇(街道)"), max_length=50)

    scope_path = ""
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("乡镇(街道)")
        verbose_name_plural = _("乡镇(街道)")
        ordering = ["county__name", "name"]
        constraints = [models.UniqueConstraint(fields=["county", "name"], name="township_unique_name_in_county")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:township", args=[self.pk])


class Village(TimeStampedModel):
    township = models.ForeignKey(
        Township, verbose_name=_("乡镇(街道)"), on_delete=models.PROTECT, related_name="villages"
    )
    name = models.CharField(_("村(社区)"), max_length=50)

    scope_path = "township"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("村(社区)")
        verbose_name_plural = _("村(社区)")
        ordering = ["township__name", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="village_unique_name_in_township")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:village", args=[self.pk])


class SeatPost(models.IntegerChoices):
    # Integer codes so that seats sort by rank.
    SECRETARY = 10, _("党组织书记")
    DEPUTY_SECRETARY = 20, _("党组织副书记")
    BRANCH_MEMBER = 30, _("支委委员")
    DIRECTOR = 40, _("村(居)委会主任")
    DEPUTY_DIRECTOR = 50, _("村(居)委会副主任")
    COMMITTEE_MEMBER = 60, _("村(居)委会委员")


# The seats every village gets when it is created; counties adjust them in the admin.
STANDARD_SEATS = (
    (SeatPost.SECRETARY, 1),
    (SeatPost.DEPUTY_SECRETARY, 1),
    (SeatPost.BRANCH_MEMBER, 2),
    (SeatPost.DIRECTOR, 1),
    (SeatPost.COMMITTEE_MEMBER, 2),
)


# The status of a registry cadre while holding a seat (cadre.models.Status.SEATED is
# defined from this: the registry builds on the organization tree, not the other way).
HOLDING_STATUS = "seated"


class SeatQuerySet(ScopedQuerySet):
    def with_holder(self) -> "SeatQuerySet":
        """Annotate who holds each seat: ``current_holder`` (a name, or None when vacant)
        and ``current_since``. A reserve seated through the registry is the holder when
        there is one; otherwise the incumbent recorded on the seat itself."""
        seated = self.model.cadres.field.model.objects.filter(seat=OuterRef("pk"), status=HOLDING_STATUS).order_by()
        return self.annotate(
            current_holder=Coalesce(Subquery(seated.values("name")[:1]), NullIf(F("holder_name"), Value(""))),
            current_since=Coalesce(Subquery(seated.values("seated_on")[:1]), F("holder_since")),
        )

    def vacant(self) -> "SeatQuerySet":
        return self.with_holder().filter(current_holder__isnull=True)


class Seat(TimeStampedModel):
    """A seat on the village "two committees" (村"两委").

    Who holds it is stored once. A reserve who entered the seat through the registry holds
    it as ``Cadre.seat`` (status seated, ``seated_on``); ``holder_name``/``holder_since``
    record only an incumbent who is not in the registry. A database rule (trigger
    ``seat_single_holder``, cadre migration 0007) refuses a seat with both; read the holder
    through ``Seat.objects.with_holder()`` or ``holder``/``is_vacant``.
    """

    village = models.ForeignKey(Village, verbose_name=_("村(社区)"), on_delete=models.CASCADE, related_name="seats")
    post = models.PositiveSmallIntegerField(_("职务"), choices=SeatPost.choices)
    number = models.PositiveSmallIntegerField(_("序号"), default=1)
    holder_name = models.CharField(_("现任"), max_length=50, blank=True)
    holder_since = models.DateField(_("任职时间"), null=True, blank=True)
    # When and why the last outside incumbent left; kept until the seat is filled again,
    # so that the history (below) can tell each term's end.
    vacated_on = models.DateField(_("离任时间"), null=True, blank=True)
    vacated_reason = models.CharField(_("离任原因"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    scope_path = "village__township"
    objects = SeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("两委职位")
        verbose_name_plural = _("两委职位")
        ordering = ["village", "post", "number"]
        constraints = [
            models.UniqueConstraint(fields=["village", "post", "number"], name="seat_unique_post_number"),
            models.CheckConstraint(condition=Q(post__in=SeatPost.values), name="seat_post_valid"),
            models.CheckConstraint(
                condition=~Q(holder_name="") | Q(holder_since__isnull=True),
                name="seat_vacant_has_no_start_date",
            ),
            models.CheckConstraint(
                condition=Q(vacated_on__isnull=True, vacated_reason="")
                | (Q(vacated_on__isnull=False, holder_name="") & ~Q(vacated_reason="")),
                name="seat_vacated_has_date_and_reason",
            ),
        ]

    def __str__(self):
        return f"{self.village.name} {self.post_label}"

    @property
    def post_label(self) -> str:
        label = self.get_post_display()
        return f"{label}（{self.number}）" if self.number > 1 else label

    def _holder(self) -> tuple[str | None, object]:
        if not hasattr(self, "current_holder"):
            seated = self.cadres.filter(status=HOLDING_STATUS).values_list("name", "seated_on").first()
            self.current_holder, self.current_since = seated or (self.holder_name or None, self.holder_since)
        return self.current_holder, self.current_since

    @property
    def holder(self) -> str | None:
        return self._holder()[0]

    @property
    def since(self):
        return self._holder()[1]

    @property
    def is_vacant(self) -> bool:
        return self.holder is None

    def clean(self) -> None:
        if self.pk and self.holder_name and self.cadres.filter(status=HOLDING_STATUS).exists():
            raise ValidationError(
                {"holder_name": _("该职位由后备干部担任（在后备干部页面办理退出后才能填写其他现任）。")}
            )
