from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.idcard import age_on, parse_id_number
from common.models import TimeStampedModel, phone_validator
from common.scope import ScopedQuerySet
from org.models import HOLDING_STATUS

YOUNG_AGE_LIMIT = 35


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Education(models.TextChoices):
    JUNIOR = "junior", _("初中及以下")
    SENIOR = "senior", _("高中/中专")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


COLLEGE_OR_ABOVE = (Education.COLLEGE, Education.BACHELOR, Education.POSTGRADUATE)


class PoliticalStatus(models.TextChoices):
    MEMBER = "member", _("中共党员")
    PROBATIONARY = "probationary", _("中共预备党员")
    ACTIVIST = "activist", _("入党积极分子")
    APPLICANT = "applicant", _("已递交入党申请书")
    LEAGUE = "league", _("共青团员")
    MASSES = "masses", _("群众")


PARTY_MEMBERS = (PoliticalStatus.MEMBER, PoliticalStatus.PROBATIONARY)


class Source(models.TextChoices):
    RETURNED_MIGRANT = "returned_migrant", _("返乡农民工")
    RETURNED_GRADUATE = "returned_graduate", _("返乡创业大学生")
    VETERAN = "veteran", _("退伍军人")
    BUSINESS_LEADER = "business_leader", _("农村致富带头人")
    LOCAL_TALENT = "local_talent", _("乡土实用人才")
    VOLUNTEER = "volunteer", _("志愿服务队/党员突击队")
    GROUP_LEADER = "group_leader", _("村民小组长")
    OTHER = "other", _("其他")


class Tier(models.TextChoices):
    VILLAGE = "village", _("村级")
    TOWNSHIP = "township", _("镇级")
    COUNTY = "county", _("县级")


class Status(models.TextChoices):
    RESERVE = "reserve", _("储备中")
    KEY_TRAINING = "key_training", _("重点培养")
    SEATED = HOLDING_STATUS, _("已进入两委")
    LEFT = "left", _("已退出")


# The lifecycle: which status may follow which. Leaving is possible from any live status.
TRANSITIONS = {
    Status.RESERVE: {Status.KEY_TRAINING, Status.SEATED, Status.LEFT},
    Status.KEY_TRAINING: {Status.RESERVE, Status.SEATED, Status.LEFT},
    Status.SEATED: {Status.LEFT},
    Status.LEFT: set(),
}


PHOTO_MAX_BYTES = 2 * 1024 * 1024


def validate_photo_size(photo):
    if photo and getattr(photo, "size", 0) > PHOTO_MAX_BYTES:
        raise ValidationError(_("照片不能超过2MB。"))


def cadre_photo_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"cadre_photos/{instance.village_id}/{timezone.now():%Y%m%d%H%M%S%f}.{ext}"


class Cadre(TimeStampedModel):
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    birth_date = models.DateField(_("出生日期"), blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[phone_validator])
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices)
    political_status = models.CharField(_("政治面貌"), max_length=20, choices=PoliticalStatus.choices)
    party_joined_on = models.DateField(_("入党时间"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    tier = models.CharField(_("层级"), max_length=10, choices=Tier.choices, default=Tier.VILLAGE)
    village = models.ForeignKey(
        "org.Village", verbose_name=_("所在村(社区)"), on_delete=models.PROTECT, related_name="cadres"
    )
    current_job = models.CharField(_("现任职务/工作"), max_length=100, blank=True)
    specialty = models.CharField(_("特长"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    photo = models.ImageField(_("照片"), upload_to=cadre_photo_path, blank=True, validators=[validate_photo_size])

    entered_on = models.DateField(
        _("列入后备时间"), default=timezone.localdate, blank=True,
        help_text=_("列入后备干部队伍的日期，补贴自该日起计算；新录入时不填即为当天"),
    )  # fmt: skip
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.RESERVE)
    key_training_since = models.DateField(_("列入重点培养时间"), null=True, blank=True)
    seat = models.ForeignKey(
        "org.Seat",
        verbose_name=_("所任两委职位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cadres",
    )
    seated_on = models.DateField(_("进入两委时间"), null=True, blank=True)
    left_on = models.DateField(_("退出时间"), null=True, blank=True)
    left_reason = models.CharField(_("退出原因"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    scope_path = "village__township"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("后备干部")
        verbose_name_plural = _("后备干部")
        ordering = ["village__township__name", "village__name", "name"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["birth_date"]),
            models.Index(fields=["name"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(id_number__regex=r"^[0-9]{17}[0-9X]$"), name="cadre_id_number_shape"),
            models.CheckConstraint(condition=Q(gender__in=Gender.values), name="cadre_gender_valid"),
            models.CheckConstraint(condition=Q(education__in=Education.values), name="cadre_education_valid"),
            models.CheckConstraint(
                condition=Q(political_status__in=PoliticalStatus.values),
                name="cadre_political_status_valid",
            ),
            models.CheckConstraint(condition=Q(source__in=Source.values), name="cadre_source_valid"),
            models.CheckConstraint(condition=Q(tier__in=Tier.values), name="cadre_tier_valid"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="cadre_status_valid"),
            models.CheckConstraint(
                condition=Q(party_joined_on__isnull=True) | Q(political_status__in=PARTY_MEMBERS),
                name="cadre_party_date_only_for_members",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.KEY_TRAINING) | Q(key_training_since__isnull=False),
                name="cadre_key_training_has_date",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=Status.SEATED, seat__isnull=False, seated_on__isnull=False)
                    | (~Q(status=Status.SEATED) & Q(seat__isnull=True, seated_on__isnull=True))
                    | Q(status=Status.LEFT)
                ),
                name="cadre_seated_has_seat_and_date",
            ),
            models.CheckConstraint(
                condition=(
                    (Q(status=Status.LEFT, left_on__isnull=False) & ~Q(left_reason=""))
                    | Q(~Q(status=Status.LEFT), left_on__isnull=True, left_reason="")
                ),
                name="cadre_left_has_date_and_reason",
            ),
            # One seat, one current holder among reserves.
            models.UniqueConstraint(
                fields=["seat"], condition=Q(status=Status.SEATED), name="cadre_one_holder_per_seat"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cadre:detail", args=[self.pk])

    def clean(self):
        """The ID number decides birth date and gender: fill them when empty, refuse a
        record that contradicts its own ID number."""
        errors = {}
        try:
            info = parse_id_number(self.id_number)
        except ValidationError as exc:
            raise ValidationError({"id_number": exc.messages}) from None
        self.id_number = info.number
        if self.birth_date is None:
            self.birth_date = info.birth_date
        elif self.birth_date != info.birth_date:
            errors["birth_date"] = _("出生日期与身份证号不符：身份证号中为%(date)s") % {
                "date": info.birth_date.isoformat()
            }
        if not self.gender:
            self.gender = info.gender
        elif self.gender != info.gender:
            errors["gender"] = _("性别与身份证号不符：身份证号中为%(gender)s") % {"gender": Gender(info.gender).label}
        if self.party_joined_on and self.political_status not in PARTY_MEMBERS:
            errors["party_joined_on"] = _("只有中共党员或预备党员才能填写入党时间")
        if self.party_joined_on and self.birth_date and self.party_joined_on <= self.birth_date:
            errors["party_joined_on"] = _("入党时间不能早于出生日期")
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # Gender and birth date are read from the ID number: while it is wrong they are
        # unknown, and only the ID number's own error is worth showing.
        if exclude and "id_number" in exclude:
            exclude = {*exclude, "gender", "birth_date"}
        super().validate_constraints(exclude=exclude)

    @property
    def age(self) -> int | None:
        if self.birth_date is None:
            return None
        return age_on(self.birth_date, timezone.localdate())

    @property
    def is_young(self) -> bool:
        """Under 35, the county's 年轻化 measure."""
        return self.age is not None and self.age < YOUNG_AGE_LIMIT

    @property
    def is_college_educated(self) -> bool:
        """大专 or above, the county's 知识化 measure."""
        return self.education in COLLEGE_OR_ABOVE

    @property
    def is_active(self) -> bool:
        return self.status != Status.LEFT

    def allowed_transitions(self) -> set[str]:
        return TRANSITIONS[Status(self.status)]
