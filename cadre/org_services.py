"""Who holds a village's two-committee seats, where it touches the registry: a reserve of
the village is promoted into a vacant seat, and any incumbent's term is ended, through
the registry's own lifecycle (cadre.services.cadre_change_status) when the holder is a
seated reserve. Incumbents outside the registry are kept by org.services."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from org.models import Seat
from org.services import check_term_end, ensure_may_manage_seat, seat_holder_assign, seat_holder_end

from .models import Cadre, Status
from .services import cadre_change_status, seat_free_since

PROMOTABLE = (Status.RESERVE, Status.KEY_TRAINING)


@transaction.atomic
def seat_reserve_promote(*, user: User, seat: Seat, cadre: Cadre, on: dt.date) -> Cadre:
    """Seat a reserve of the seat's own village (储备中 or 重点培养) on a vacant seat."""
    ensure_may_manage_seat(user=user, seat=seat)
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if cadre.village_id != seat.village_id:
        raise ValidationError({"cadre": _("只能从本村的后备干部中选任。")})
    if cadre.status not in PROMOTABLE:
        message = _("%(name)s当前为“%(status)s”，不能选任。")
        raise ValidationError({"cadre": message % {"name": cadre.name, "status": cadre.get_status_display()}})
    return cadre_change_status(user=user, cadre=cadre, to=Status.SEATED, on=on, seat=seat)


@transaction.atomic
def seat_outsider_assign(*, user: User, seat: Seat, name: str, since: dt.date) -> Seat:
    """Record an incumbent outside the registry on a vacant seat (org.services), not before
    the seat's last holder left, a seated reserve who left included (which org cannot see)."""
    ensure_may_manage_seat(user=user, seat=seat)
    free_since = seat_free_since(seat)
    if free_since and since < free_since:
        raise ValidationError(
            {"since": _("任职时间不能早于上一任的离任时间（%(date)s）。") % {"date": free_since.isoformat()}}
        )
    return seat_holder_assign(user=user, seat=seat, name=name, since=since)


@transaction.atomic
def seat_incumbency_end(*, user: User, seat: Seat, on: dt.date, reason: str) -> Seat:
    """End the current holder's term. A seated reserve leaves through the registry (status
    已退出, with the date and reason); an incumbent outside it is cleared from the seat."""
    ensure_may_manage_seat(user=user, seat=seat)
    seat = Seat.objects.select_for_update().get(pk=seat.pk)
    holder = seat.cadres.filter(status=Status.SEATED).first()
    if holder is None:
        return seat_holder_end(user=user, seat=seat, on=on, reason=reason)
    check_term_end(since=holder.seated_on, on=on, reason=reason)
    cadre_change_status(user=user, cadre=holder, to=Status.LEFT, on=on, reason=reason.strip())
    return seat
