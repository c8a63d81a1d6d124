"""How mentoring follows the registry: reactions to the cadre app's domain events
(connected in MentorshipConfig.ready)."""

import datetime as dt
from typing import Any

from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from cadre.events import cadre_moved, reserve_left_pool
from cadre.models import Cadre, Status
from org.models import Village

from .models import Pairing
from .services import pairing_end_date, pairing_end_for_cadre


def _leaving_reason(*, to: str, reason: str) -> str:
    return "后备干部进入村“两委”班子" if to == Status.SEATED else f"后备干部退出：{reason}"


@receiver(reserve_left_pool, sender=Cadre, dispatch_uid="mentorship.end_pairing_on_leaving_pool")
def end_pairing_on_leaving_pool(*, user: User, cadre: Cadre, to: str, on: dt.date, **kwargs: Any) -> None:
    """A reserve who enters a seat or leaves no longer takes a mentor's place."""
    pairing_end_for_cadre(user=user, cadre=cadre, on=on, reason=_leaving_reason(to=to, reason=cadre.left_reason))


def describe_leaving_pool(*, cadre: Cadre, to: str, on: dt.date, reason: str, **kwargs: Any) -> list[str]:
    """For the status page's confirmation step: what end_pairing_on_leaving_pool will do."""
    pairing = Pairing.objects.filter(cadre=cadre, ended_on__isnull=True).select_related("mentor").first()
    if pairing is None:
        return []
    ended_on = pairing_end_date(pairing=pairing, on=on)
    values = {
        "mentor": pairing.mentor.name,
        "date": f"{ended_on:%Y-%m-%d}",
        "reason": _leaving_reason(to=to, reason=reason),
    }
    return [gettext("与导师%(mentor)s的结对将于 %(date)s 结束，结束原因：%(reason)s。") % values]


@receiver(cadre_moved, sender=Cadre, dispatch_uid="mentorship.end_pairing_on_county_change")
def end_pairing_on_county_change(*, user: User, cadre: Cadre, to_village_id: int, **kwargs: Any) -> None:
    """Mentor and reserve belong to one county: a reserve moved to another county's
    village ends the pairing (a move within the county keeps it)."""
    pairing = Pairing.objects.filter(cadre=cadre, ended_on__isnull=True).select_related("mentor__township").first()
    if pairing is None:
        return
    county_id = Village.objects.filter(pk=to_village_id).values_list("township__county_id", flat=True).get()
    if county_id != pairing.mentor.township.county_id:
        pairing_end_for_cadre(user=user, cadre=cadre, on=timezone.localdate(), reason="后备干部调往其他县(区)")
