"""Creating and updating sign-in accounts (used by the add_user and load_demo commands)."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.excel import compact_text
from org.models import County, Township

from .models import Role, User

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


def _password_validate(password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        messages = []
        for error in exc.error_list:
            template = _PASSWORD_MESSAGES.get(error.code)
            params = error.params or {}
            messages.append(str(template) % params if template else " ".join(error.messages))
        raise ValidationError(messages) from None


@transaction.atomic
def user_create_or_update(
    *, username: str, role: str, unit_name: str, password: str | None, full_name: str = ""
) -> User:
    """Create the account, or update it if the username exists (so re-running is safe).

    County staff and leaders belong to a county: ``unit_name`` is the county's name and may
    be empty when the system holds exactly one county. A township secretary belongs to a
    township: ``unit_name`` is its name, or "县名/乡镇名" when the name occurs in several
    counties; the user's county is the township's. ``password`` is checked against the
    password validators; None keeps an existing user's password. An empty ``full_name``
    keeps the stored name. Raises ValidationError with Chinese messages.
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
    user.role = role
    user.county = county
    user.township = township
    if full_name.strip():
        user.last_name, user.first_name = split_chinese_name(full_name)

    if password is not None or is_new:
        if not password:
            raise ValidationError(_("密码不能为空。") if password is not None else _("新用户必须设置密码。"))
        _password_validate(password, user)
        user.set_password(password)
    user.full_clean()
    user.save()
    return user
