"""Creating and updating sign-in accounts: the add_user command (``user_create_or_update``)
and the account pages of county staff (``account_*``), and each user's own password change.
Every change is written to ``AccountEvent``; a password set by someone else must be changed
at the next login (``User.must_change_password``)."""

from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.authtoken.models import Token

from common.excel import compact_text
from org.models import County, Township

from .models import AccountAction, AccountEvent, Role, User
from .scoping import can_manage_county

# Two-character surnames, so that 欧阳明 splits as 欧阳 + 明 rather than 欧 + 阳明.
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 令狐 夏侯 司徒 慕容 尉迟 公孙 长孙 宇文 端木 独孤 南宫 "
    "西门 百里 呼延 轩辕 万俟 申屠 澹台 太史 闻人 左丘 东郭 拓跋 钟离".split()
)


def split_chinese_name(full_name: str) -> tuple[str, str]:
    """Split a Chinese full name into (surname, given name): 张伟 → (张, 伟)."""
    name = compact_text(full_name)
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    if len(name) >= 2:
        return name[0], name[1:]
    return name, ""


def _county_resolve(unit_name: str) -> County:
    if unit_name:
        county = County.objects.filter(name=unit_name).first()
        if county is None:
            raise ValidationError(_("找不到单位：%(unit_name)s") % {"unit_name": unit_name})
        return county
    counties = list(County.objects.all()[:2])
    if not counties:
        raise ValidationError(_("系统中还没有县(区)，请先导入组织架构（import_units）。"))
    if len(counties) > 1:
        raise ValidationError(_("系统中有多个县(区)，请指定所属县(区)。"))
    return counties[0]


def _township_resolve(unit_name: str) -> Township:
    if not unit_name:
        raise ValidationError(_("乡镇党委用户必须指定所属乡镇(街道)。"))
    if "/" in unit_name:
        county_name, _sep, township_name = unit_name.partition("/")
        township = Township.objects.filter(county__name=county_name, name=township_name).first()
        if township is None:
            raise ValidationError(_("找不到单位：%(unit_name)s") % {"unit_name": unit_name})
        return township
    townships = list(Township.objects.filter(name=unit_name).select_related("county")[:2])
    if not townships:
        raise ValidationError(_("找不到单位：%(unit_name)s") % {"unit_name": unit_name})
    if len(townships) > 1:
        raise ValidationError(
            _("乡镇(街道)“%(unit_name)s”在多个县(区)中重名，请写成“县名/乡镇名”，如“%(name)s/%(unit_name2)s”。")
            % {"unit_name": unit_name, "name": townships[0].county.name, "unit_name2": unit_name}
        )
    return townships[0]


# Chinese wording for Django's password validators, by error code (the zh-hans catalogue
# shipped with Django lacks some of them, e.g. the minimum length message).
_PASSWORD_MESSAGES = {
    "password_too_short": gettext_lazy("密码太短，至少需要%(min_length)s个字符。"),
    "password_too_common": gettext_lazy("密码太常见，请换一个不易猜到的密码。"),
    "password_entirely_numeric": gettext_lazy("密码不能全是数字。"),
    "password_too_similar": gettext_lazy("密码与用户名或姓名太相似。"),
}


def password_validate(password: str, user: User) -> None:
    """Django's password validators, with Chinese messages."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        messages = []
        for error in exc.error_list:
            template = _PASSWORD_MESSAGES.get(error.code)
            params = error.params or {}
            messages.append(str(template) % params if template else " ".join(error.messages))
        raise ValidationError(messages) from None


def _unit_text(user: User) -> str:
    if user.township_id:
        return f"{user.township.county.name}{user.township.name}"
    return user.county.name if user.county_id else ""


def _snapshot(user: User) -> dict[str, str]:
    """What the account pages show of an account, to record what an edit changed."""
    return {
        "username": user.username,
        "name": user.get_full_name(),
        "role": str(Role(user.role).label) if user.role in Role.values else user.role,
        "unit": _unit_text(user),
    }


def _diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {field: [before.get(field, ""), value] for field, value in after.items() if before.get(field, "") != value}


def _event(*, actor: User | None, target: User, action: str, changes: dict | None = None) -> AccountEvent:
    return AccountEvent.objects.create(actor=actor, target=target, action=action, changes=changes or {})


def _account_apply(
    user: User,
    *,
    role: str,
    county: County | None,
    township: Township | None,
    full_name: str,
    password: str | None,
) -> None:
    """Set role, unit, name and (when given) a password set by someone else, check and save."""
    user.role = role
    user.county = township.county if township is not None else county
    user.township = township
    if full_name.strip():
        user.last_name, user.first_name = split_chinese_name(full_name)
    if password is not None:
        if not password:
            raise ValidationError(_("密码不能为空。"))
        password_validate(password, user)
        user.set_password(password)
        user.must_change_password = True
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        # Two requests took the name at once (full_clean saw it free): the database decides.
        if "username" not in str(exc):
            raise
        raise ValidationError({"username": _username_taken(user.username)}) from None


def _username_taken(username: str) -> str:
    return _("用户名“%(username)s”已被使用，请换一个。") % {"username": username}


@transaction.atomic
def user_create_or_update(
    *, username: str, role: str, unit_name: str, password: str | None, full_name: str = ""
) -> User:
    """Create the account, or update it if the username exists (so re-running is safe).

    County staff and leaders belong to a county: ``unit_name`` is the county's name and may
    be empty when the system holds exactly one county. A township secretary belongs to a
    township: ``unit_name`` is its name, or "县名/乡镇名" when the name occurs in several
    counties; the user's county is the township's. ``password`` is checked against the
    password validators; None keeps an existing user's password. A password set here must
    be changed by its user at the next login. An empty ``full_name`` keeps the stored name.
    Recorded as an account event without an actor. Raises ValidationError with Chinese
    messages.
    """
    username = (username or "").strip()
    if not username:
        raise ValidationError(_("用户名不能为空。"))
    if role not in Role.values:
        raise ValidationError(
            _("未知角色：%(role)s（可选：county 县委组织部、township 乡镇党委、leader 县领导）") % {"role": role}
        )
    unit_name = compact_text(unit_name)

    if role == Role.TOWNSHIP:
        township = _township_resolve(unit_name)
        county = township.county
    else:
        township = None
        county = _county_resolve(unit_name)

    user = User.objects.filter(username=username).first() or User(username=username)
    is_new = user.pk is None
    if is_new and User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_username_taken(username))
    if is_new and not password:
        raise ValidationError(_("密码不能为空。") if password is not None else _("新用户必须设置密码。"))
    before = {} if is_new else _snapshot(user)
    _account_apply(user, role=role, county=county, township=township, full_name=full_name, password=password)
    if is_new:
        _event(actor=None, target=user, action=AccountAction.CREATE, changes=_diff({}, _snapshot(user)))
    else:
        if changes := _diff(before, _snapshot(user)):
            _event(actor=None, target=user, action=AccountAction.UPDATE, changes=changes)
        if password is not None:
            _event(actor=None, target=user, action=AccountAction.PASSWORD_RESET)
    return user


# The account pages: county staff manage their county's township secretaries and leaders.


def manageable_roles(actor: User) -> list[str]:
    """The roles an actor may give: only a superuser makes county staff."""
    if actor.is_superuser:
        return [Role.TOWNSHIP, Role.LEADER, Role.COUNTY]
    return [Role.TOWNSHIP, Role.LEADER]


def _check_actor(actor: User) -> None:
    if not can_manage_county(actor):
        raise PermissionDenied(_("只有县委组织部可以管理账号。"))


def _check_account(actor: User, account: User) -> None:
    """The account is one the actor manages (the pages 404 before getting here)."""
    _check_actor(actor)
    if not User.objects.visible_to(actor).filter(pk=account.pk).exists():
        raise PermissionDenied(_("该账号不在您的管辖范围内。"))
    if not actor.is_superuser and (account.is_superuser or account.role == Role.COUNTY):
        raise PermissionDenied(_("只有系统管理员可以管理县委组织部的账号。"))


def _check_unit(actor: User, *, role: str, county: County | None, township: Township | None) -> None:
    if role not in manageable_roles(actor):
        raise ValidationError({"role": _("您不能设置该角色。")})
    if role == Role.TOWNSHIP:
        if township is None:
            raise ValidationError({"township": _("乡镇党委账号必须选择所属乡镇(街道)。")})
        if not Township.objects.visible_to(actor).filter(pk=township.pk).exists():
            raise ValidationError({"township": _("该乡镇(街道)不在您的管辖范围内。")})
        return
    if township is not None:
        raise ValidationError({"township": _("只有乡镇党委账号属于乡镇(街道)，请清空所属乡镇。")})
    if county is None:
        raise ValidationError({"county": _("请选择所属县(区)。")})
    if not County.objects.visible_to(actor).filter(pk=county.pk).exists():
        raise ValidationError({"county": _("该县(区)不在您的管辖范围内。")})


@transaction.atomic
def account_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    role: str,
    county: County | None,
    township: Township | None,
    password: str,
) -> User:
    """A new account in the actor's county; its user must change the password at first login."""
    _check_actor(actor)
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("用户名不能为空。")})
    if User.objects.filter(username__iexact=username).exists():  # the database refuses it too
        raise ValidationError({"username": _username_taken(username)})
    if not full_name.strip():
        raise ValidationError({"full_name": _("请填写姓名。")})
    _check_unit(actor, role=role, county=county, township=township)
    user = User(username=username)
    try:
        _account_apply(user, role=role, county=county, township=township, full_name=full_name, password=password)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"password1": exc.messages}) from None
    _event(actor=actor, target=user, action=AccountAction.CREATE, changes=_diff({}, _snapshot(user)))
    return user


@transaction.atomic
def account_update(
    *, actor: User, account: User, full_name: str, role: str, county: County | None, township: Township | None
) -> User:
    """Change an account's name, role and unit (within the actor's scope)."""
    _check_account(actor, account)
    if account.pk == actor.pk:
        raise ValidationError(_("不能在这里修改自己的账号。"))
    _check_unit(actor, role=role, county=county, township=township)
    before = _snapshot(account)
    _account_apply(account, role=role, county=county, township=township, full_name=full_name, password=None)
    if changes := _diff(before, _snapshot(account)):
        _event(actor=actor, target=account, action=AccountAction.UPDATE, changes=changes)
    return account


def _sessions_end(user: User) -> int:
    """Delete the user's sessions (sessions live in the database). Each session's data is
    encoded, so the unexpired ones are decoded to find the user's."""
    keys = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(session_key__in=keys).delete()
    return len(keys)


@transaction.atomic
def account_deactivate(*, actor: User, account: User) -> User:
    """The account can no longer sign in: its sessions end and its API tokens are deleted."""
    _check_account(actor, account)
    if account.pk == actor.pk:
        raise ValidationError(_("不能停用自己的账号。"))
    if not account.is_active:
        raise ValidationError(_("该账号已停用。"))
    account.is_active = False
    account.save(update_fields=["is_active"])
    _sessions_end(account)
    Token.objects.filter(user=account).delete()
    _event(actor=actor, target=account, action=AccountAction.DEACTIVATE)
    return account


@transaction.atomic
def account_reactivate(*, actor: User, account: User) -> User:
    _check_account(actor, account)
    if account.is_active:
        raise ValidationError(_("该账号已是启用状态。"))
    account.is_active = True
    account.save(update_fields=["is_active"])
    _event(actor=actor, target=account, action=AccountAction.REACTIVATE)
    return account


@transaction.atomic
def account_password_reset(*, actor: User, account: User, password: str) -> User:
    """Set a temporary password that the user must change at the next login. Their sessions
    end (the password is part of the session) and their API tokens are deleted."""
    _check_account(actor, account)
    if account.pk == actor.pk:
        raise ValidationError(_("请在“修改密码”页面修改自己的密码。"))
    try:
        _account_apply(
            account, role=account.role, county=account.county, township=account.township, full_name="",
            password=password,
        )  # fmt: skip
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from None
    _sessions_end(account)
    Token.objects.filter(user=account).delete()
    _event(actor=actor, target=account, action=AccountAction.PASSWORD_RESET)
    return account


@transaction.atomic
def password_change(*, user: User, password: str) -> User:
    """The user's own new password (already confirmed and validated by the form)."""
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    _event(actor=user, target=user, action=AccountAction.PASSWORD_CHANGE)
    return user
