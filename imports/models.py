import uuid
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from common.scope import Scope, ScopedQuerySet


class ImportState(models.TextChoices):
    CHECKING = "checking", _("正在检查")
    PREVIEWED = "previewed", _("待确认")
    IMPORTING = "importing", _("正在导入")
    APPLIED = "applied", _("已导入")
    REFUSED = "refused", _("未导入")


RUNNING_STATES = (ImportState.CHECKING, ImportState.IMPORTING)


class ImportRecordQuerySet(ScopedQuerySet):
    def visible_to(self, who: Any) -> Self:
        """Imports made by the accounts under the scope."""
        from accounts.models import User

        return self.filter(user__in=User.objects.visible_to(Scope.of(who)))


class ImportRecord(TimeStampedModel):
    """An uploaded file from upload to import: checked in the background (state checking),
    shown as a preview (previewed), imported after confirmation (importing → applied) or
    refused with the reason. Kept afterwards as the record of who imported what. The file
    itself (personal data) is deleted once imported, as soon as a confirmation is refused,
    and when an unconfirmed preview expires (``purge_expired_previews``)."""

    State = ImportState

    id = models.UUIDField(_("编号"), primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT, related_name="imports"
    )
    kind = models.CharField(_("类型"), max_length=20)  # an importer registered with imports.engine
    filename = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to="roster_imports/%Y/%m/", blank=True)
    sha256 = models.CharField(_("文件校验值"), max_length=64)
    digest = models.CharField(_("预览结果校验值"), max_length=64, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=ImportState.choices, default=ImportState.CHECKING)
    options = models.JSONField(_("导入选项"), default=dict, blank=True)  # {"choices": {header: key}, "skip_sheets": []}
    result = models.JSONField(_("预览结果"), default=dict, blank=True)  # what the preview page shows
    counts = models.JSONField(_("导入结果"), default=dict, blank=True)
    previewed_at = models.DateTimeField(_("预览时间"), null=True, blank=True)
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    refused_reason = models.TextField(_("未导入原因"), blank=True)

    objects = ImportRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ImportState.values), name="roster_import_state_valid"),
            models.CheckConstraint(
                condition=~Q(state="applied") | Q(applied_at__isnull=False), name="roster_import_applied_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_state_display()}）"

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING_STATES


class HeaderMappingQuerySet(ScopedQuerySet):
    def visible_to(self, who: Any) -> Self:
        """A township's own mappings; a county's and those of its townships."""
        scope = Scope.of(who)
        if scope.is_everything:  # an empty Q would drop out of the OR below
            return self.all()
        return self.filter(scope.q("township") | (Q(township__isnull=True) & scope.county_q("county")))


class HeaderMapping(TimeStampedModel):
    """A header text a unit's files use and the field a person said it means ("" to
    ignore the column), so the next file from that unit maps itself."""

    kind = models.CharField(_("导入类型"), max_length=20)
    county = models.ForeignKey(
        "org.County", verbose_name=_("县(区)"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    township = models.ForeignKey(
        "org.Township", verbose_name=_("乡镇(街道)"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    header = models.CharField(_("表头"), max_length=100)
    field = models.CharField(_("对应字段"), max_length=50, blank=True, help_text=_("留空表示忽略该列"))
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设置人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = HeaderMappingQuerySet.as_manager()

    class Meta:
        verbose_name = _("表头对应关系")
        verbose_name_plural = _("表头对应关系")
        ordering = ["kind", "header"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "county", "township", "header"],
                name="header_mapping_unique_per_unit",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(township__isnull=True) | Q(county__isnull=True), name="header_mapping_one_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.header} → {self.field or '（忽略）'}"
