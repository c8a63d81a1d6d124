"""What a status change will do, in words, for the confirmation step of the status page.

The cadre app describes its own effects; apps that react to the cadre events (ending a
mentor pairing, say) register a describer in their ``AppConfig.ready()``, so the page can
say everything that will happen without importing them. Describers only read."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from .models import Cadre, Status

# describer(cadre=, to=, on=, reason=) -> sentences, in the user's language
Describer = Callable[..., list[str]]

_describers: dict[str, Describer] = {}


def register_status_effect(key: str, describer: Describer) -> None:
    _describers[key] = describer


def leaves_pool(to: str) -> bool:
    """Entering a seat or leaving takes a reserve out of the reserve pool."""
    return to in (Status.SEATED, Status.LEFT)


def describe_status_change(*, cadre: Cadre, to: str, on: dt.date, seat: Any = None, reason: str = "") -> list[str]:
    """Sentences that say what confirming the change will do."""
    to = Status(to)
    date = f"{on:%Y-%m-%d}"
    effects = [
        _("%(name)s的状态将从“%(old)s”变更为“%(new)s”，日期 %(date)s。")
        % {"name": cadre.name, "old": cadre.get_status_display(), "new": to.label, "date": date}
    ]
    if to == Status.KEY_TRAINING:
        effects.append(_("将列入重点培养名单，重点培养起始日期记为 %(date)s。") % {"date": date})
    elif to == Status.RESERVE:
        effects.append(_("将移出重点培养名单，回到一般储备。"))
    elif to == Status.SEATED:
        effects.append(_("将担任%(seat)s，该职位不再空缺。") % {"seat": seat or _("（未选择职位）")})
    elif to == Status.LEFT:
        effects.append(_("将退出后备干部队伍，退出原因：%(reason)s。此操作不能撤回。") % {"reason": reason or "—"})
    if leaves_pool(to):
        effects.append(_("离开后备库后，不再计入在库后备干部的统计。"))
        for key in sorted(_describers):
            effects.extend(_describers[key](cadre=cadre, to=to, on=on, reason=reason))
    return effects
