from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from common.scope import ScopedQuerySet


class County(TimeStampedModel):
    name = models.CharField(_("县(区)"), max_length=50, unique=True)

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


class Seat(TimeStampedModel):
    """A seat on the village "two committees" (村"两委"); vacant while holder_name is blank."""

    village = models.ForeignKey(Village, verbose_name=_("村(社区)"), on_delete=models.CASCADE, related_name="seats")
    post = models.PositiveSmallIntegerField(_("职务"), choices=SeatPost.choices)
    number = models.PositiveSmallIntegerField(_("序号"), default=1)
    holder_name = models.CharField(_("现任"), max_length=50, blank=True)
    holder_since = models.DateField(_("任职时间"), null=True, blank=True)

    scope_path = "village__township"
    objects = ScopedQuerySet.as_manager()

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
        ]

    def __str__(self):
        return f"{self.village.name} {self.post_label}"

    @property
    def post_label(self) -> str:
        label = self.get_post_display()
        return f"{label}（{self.number}）" if self.number > 1 else label

    @property
    def is_vacant(self) -> bool:
        return not self.holder_name
