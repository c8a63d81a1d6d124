"""Who sees what, and who may change it. Every list, detail, export and API query is
narrowed by ``Model.objects.visible_to(user or Scope)`` (see common.scope and
``User.scope``); this module holds the role rules on top of it.

A township secretary sees their own township; county staff and leaders their county; a
superuser without a county sees every county (a city-level deployment).
"""

from .models import Role, User


def can_write(user: User) -> bool:
    """Leaders only read; county staff and township secretaries write within their scope."""
    return user.is_authenticated and user.may_write


def can_manage_county(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.COUNTY)


def user_county_id(user: User) -> int | None:
    """The county a user works in (a township secretary's through their township)."""
    if user.township_id:
        return user.township.county_id
    return user.county_id
