"""Every change to a cadre goes through here, so that the rules and the history record
hold for the pages, the API, the admin, the importer and the commands alike."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scoping import can_write
from org.models import Seat, Village

from .events import cadre_moved, reserve_left_pool
from .models import Cadre, Status
from .rules import check_party_joined_on
from .status_effects import leaves_pool

EDITABLE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "id_number",
    "birth_date",
    "phone",
    "education",
    "political_status",
    "party_joined_on",
    "source",
    "tier",
    "entered_on",
    "village",
    "current_job",
    "specialty",
    "notes",
    "photo",
)


def _ensure_village_in_scope(*, user: User, village_id: int) -> None:
    if not can_write(user):
        raise PermissionDenied(_("您的角色只能查看，不能修改。"))
    in_scope = Village.objects.visible_to(user).filter(pk=village_id)
    if not in_scope.exists():
        raise PermissionDenied(_("只能管理本辖区的村(社区)。"))


def _save(cadre: Cadre, *, user: User, reason: str = "") -> Cadre:
    cadre.full_clean()
    cadre._history_user = user
    if reason:
        cadre._change_reason = reason
    cadre.save()
    return cadre


@transaction.atomic
def cadre_create(*, user: User, data: dict) -> Cadre:
    _ensure_village_in_scope(user=user, village_id=data["village"].pk)
    # Left empty, the reserve entered the pool today (the model's default).
    cadre = Cadre(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS and not (k == "entered_on" and not v)})
    _check_county_rules(cadre)
    return _save(cadre, user=user)


@transaction.atomic
def cadre_update(*, user: User, cadre: Cadre, data: dict) -> Cadre:
    # The stored village decides whether the user may touch the record at all (callers
    # such as a ModelForm may already have changed the instance), the new one where it may go.
    stored_village_id = Cadre.objects.values_list("village_id", flat=True).get(pk=cadre.pk)
    _ensure_village_in_scope(user=user, village_id=stored_village_id)
    for key, value in data.items():
        if key in EDITABLE_FIELDS and not (key == "entered_on" and not value):
            setattr(cadre, key, value)
    if cadre.village_id != stored_village_id:
        _ensure_village_in_scope(user=user, village_id=cadre.village_id)
        cadre_moved.send(
            sender=Cadre, user=user, cadre=cadre, from_village_id=stored_village_id, to_village_id=cadre.village_id
        )
    _check_county_rules(cadre)
    return _save(cadre, user=user)


def _check_county_rules(cadre: Cadre) -> None:
    """What the reserve's county requires of a record it keeps (see cadre.rules)."""
    check_party_joined_on(
        political_status=cadre.political_status, party_joined_on=cadre.party_joined_on, village_id=cadre.village_id
    )


@transaction.atomic
def cadre_change_status(
    *,
    user: User,
    cadre: Cadre,
    to: str,
    on: dt.date,
    seat: Seat | None = None,
    reason: str = "",
) -> Cadre:
    """Move a cadre along the lifecycle: reserve ⇄ key training → two-committee seat → left."""
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    _ensure_village_in_scope(user=user, village_id=cadre.village_id)
    to = Status(to)
    if to not in cadre.allowed_transitions():
        raise ValidationError(
            _("不能从“%(get_status_display)s”变更为“%(label)s”。")
            % {"get_status_display": cadre.get_status_display(), "label": to.label}
        )
    if to == Status.KEY_TRAINING:
        cadre.key_training_since = on
    elif to == Status.RESERVE:
        cadre.key_training_since = None
    elif to == Status.SEATED:
        _seat_take(user=user, cadre=cadre, seat=seat, on=on)
    elif to == Status.LEFT:
        if not reason.strip():
            raise ValidationError({"left_reason": _("请填写退出原因。")})
        cadre.left_on = on
        cadre.left_reason = reason.strip()
    if leaves_pool(to):
        # A reserve who enters a seat or leaves no longer takes a mentor's place (and
        # whatever else other apps attach to being in the pool).
        reserve_left_pool.send(sender=Cadre, user=user, cadre=cadre, to=to, on=on)
    cadre.status = to
    return _save(cadre, user=user, reason=f"状态变更为{to.label}")


def _seat_take(*, user: User, cadre: Cadre, seat: Seat | None, on: dt.date) -> None:
    if seat is None:
        raise ValidationError({"seat": _("请选择所任两委职位。")})
    # The lock serialises everyone who fills this seat; its holder is then read fresh.
    seat = Seat.objects.select_for_update().get(pk=seat.pk)
    _ensure_village_in_scope(user=user, village_id=seat.village_id)
    if not seat.is_vacant:
        raise ValidationError(
            {
                "seat": _("%(seat)s已由%(holder_name)s担任，请先空出该职位。")
                % {"seat": seat, "holder_name": seat.holder}
            }
        )
    _seat_date_check(cadre=cadre, seat=seat, on=on)
    cadre.seat = seat
    cadre.seated_on = on


def seat_free_since(seat: Seat) -> dt.date | None:
    """The day the seat's last holder left: an outside incumbent's ``vacated_on`` or a
    seated reserve's ``left_on``, whichever is later; None for a seat nobody has left."""
    last_left = seat.cadres.filter(status=Status.LEFT).aggregate(last=Max("left_on"))["last"]
    return max((d for d in (seat.vacated_on, last_left) if d), default=None)


def _seat_date_check(*, cadre: Cadre, seat: Seat, on: dt.date) -> None:
    """A term starts neither in the future, nor before the reserve was listed, nor before
    the seat's last holder left (an outside incumbent's ``vacated_on`` or a seated
    reserve's ``left_on``)."""
    if on > timezone.localdate():
        raise ValidationError({"on": _("任职时间不能晚于今天。")})
    if on < cadre.entered_on:
        raise ValidationError(
            {"on": _("任职时间不能早于列入后备时间（%(date)s）。") % {"date": cadre.entered_on.isoformat()}}
        )
    previous_end = seat_free_since(seat)
    if previous_end and on < previous_end:
        raise ValidationError(
            {"on": _("任职时间不能早于上一任的离任时间（%(date)s）。") % {"date": previous_end.isoformat()}}
        )
