from typing import Any, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from common.scope import Scope, ScopedQuerySet


class Role(models.TextChoices):
    COUNTY = "county", _("县委组织部")
    TOWNSHIP = "township", _("乡镇党委")
    LEADER = "leader", _("县领导")


class UserQuerySet(ScopedQuerySet):
    def visible_to(self, who: Any) -> Self:
        """Accounts under the scope: a township's own, or a county's staff, leaders and
        township secretaries."""
        scope = Scope.of(who)
        if scope.is_township:
            return self.filter(township_id=scope.township_id)
        return self.filter(scope.q("township") | scope.county_q("county"))


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in. What they see is decided by role and unit, see accounts.scoping.

    County staff and leaders belong to a county (none: a superuser who sees every county);
    a township secretary belongs to one township and sees nothing else.
    """

    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.COUNTY)
    county = models.ForeignKey(
        "org.County",
        verbose_name=_("所属县(区)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    township = models.ForeignKey(
        "org.Township",
        verbose_name=_("所属乡镇(街道)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    must_change_password = models.BooleanField(
        _("下次登录须修改密码"),
        default=False,
        help_text=_("密码由他人设置（新建账号或重置密码）时为是，本人修改密码后为否。"),
    )

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
            models.CheckConstraint(
                condition=(
                    Q(role=Role.TOWNSHIP, township__isnull=False)
                    | Q(role__in=[Role.COUNTY, Role.LEADER], township__isnull=True)
                ),
                name="user_township_iff_township_role",
            ),
            models.CheckConstraint(
                condition=Q(is_superuser=True) | Q(role=Role.TOWNSHIP) | Q(county__isnull=False),
                name="user_county_staff_has_county",
            ),
            # "Zhang" and "zhang" would be two people who cannot tell their logins apart.
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_ci_unique",
                violation_error_message=_("该用户名已被使用（用户名不区分大小写），请换一个。"),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def may_write(self) -> bool:
        """Leaders only read; county staff and township secretaries write within their scope."""
        return self.is_superuser or self.role in (Role.COUNTY, Role.TOWNSHIP)

    @property
    def scope(self) -> Scope:
        """What this user may see (see common.scope)."""
        if self.role == Role.TOWNSHIP:
            return Scope.township(self.township_id)
        if self.county_id:
            return Scope.county(self.county_id)
        if self.is_superuser:
            return Scope.everything()
        return Scope.nothing()

    def get_full_name(self):
        # Chinese order: family name first, no space.
        return f"{self.last_name}{self.first_name}".strip()


class AccountAction(models.TextChoices):
    CREATE = "create", _("新建账号")
    UPDATE = "update", _("修改账号")
    DEACTIVATE = "deactivate", _("停用账号")
    REACTIVATE = "reactivate", _("启用账号")
    PASSWORD_RESET = "password_reset", _("重置密码")
    PASSWORD_CHANGE = "password_change", _("本人修改密码")


class AccountEventQuerySet(ScopedQuerySet):
    def visible_to(self, who: Any) -> Self:
        """Events about the accounts the user sees."""
        return self.filter(target__in=User.objects.visible_to(who))


class AccountEvent(models.Model):
    """Who did what to which account, and when (an audit row, never changed).

    ``actor`` is None when the change came from the command line (``manage.py add_user``).
    ``changes`` maps a field's name to ``[before, after]`` as shown to people.
    """

    actor = models.ForeignKey(
        User, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="account_events")
    action = models.CharField(_("操作"), max_length=20, choices=AccountAction.choices)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    objects = AccountEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("账号操作记录")
        verbose_name_plural = _("账号操作记录")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target", "-created_at"], name="accountevent_target_time")]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=AccountAction.values), name="accountevent_action_valid"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.target}"

    # Labels of the fields ``changes`` may name.
    FIELD_LABELS = {
        "username": _("用户名"),
        "name": _("姓名"),
        "role": _("角色"),
        "unit": _("所属单位"),
    }

    def change_lines(self) -> list[tuple[str, str, str]]:
        """(label, before, after) for each changed field, in a stable order."""
        order = list(self.FIELD_LABELS)
        fields = sorted(self.changes, key=lambda f: (order.index(f) if f in order else len(order), f))
        return [
            (str(self.FIELD_LABELS.get(field, field)), self.changes[field][0] or "—", self.changes[field][1] or "—")
            for field in fields
        ]
