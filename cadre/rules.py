"""Rules on a reserve's record that depend on the county's settings, in one place for the
cadre form, the roster import, the API and the cadre page."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from org.models import Village

from .models import PARTY_MEMBERS

# The county asks for it (County.party_joined_on_required): the record is refused.
PARTY_DATE_REQUIRED = _("中共党员（预备党员）须填写入党时间（县委组织部要求）")
# The county does not: the record is saved, and the user is asked for the date.
PARTY_DATE_ASKED = _("未填写入党时间")


def party_joined_on_missing(*, political_status: str | None, party_joined_on: dt.date | None) -> bool:
    """A Party member or probationary member without the date they joined."""
    return political_status in PARTY_MEMBERS and not party_joined_on


def party_joined_on_required(*, village_id: int | None) -> bool:
    """Whether the county of this village refuses a member's record without 入党时间."""
    if village_id is None:
        return False
    flag = "township__county__party_joined_on_required"
    return bool(Village.objects.filter(pk=village_id).values_list(flag, flat=True).first())


def check_party_joined_on(
    *, political_status: str | None, party_joined_on: dt.date | None, village_id: int | None
) -> None:
    """Raise the error on 入党时间 when the record lacks it and its county requires it (one
    query, only for a member without the date)."""
    if party_joined_on_missing(political_status=political_status, party_joined_on=party_joined_on) and (
        party_joined_on_required(village_id=village_id)
    ):
        raise ValidationError({"party_joined_on": PARTY_DATE_REQUIRED})
