"""Who sees what. Every list, detail, export and API query is narrowed through here.

A township secretary sees their own township; county staff and leaders their county; a
superuser without a county sees every county (a city-level deployment).
"""

from django.db.models import Q

from .models import Role


def township_scope(user, *, path: str = "") -> Q:
    """A Q that keeps only rows under the user's units; ``path`` leads from the row to
    its township: ``"township"`` for a village, ``"village__township"`` for a cadre, and
    ``""`` for a township itself."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.role == Role.TOWNSHIP:
        return Q(**{f"{path}_id" if path else "pk": user.township_id})
    if user.county_id:
        return Q(**{f"{path}__county_id" if path else "county_id": user.county_id})
    if user.is_superuser:
        return Q()
    return Q(pk__in=[])


def can_write(user) -> bool:
    """Leaders only read; county staff and township secretaries write within their scope."""
    return user.is_authenticated and (user.is_superuser or user.role in (Role.COUNTY, Role.TOWNSHIP))


def can_manage_county(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.COUNTY)


def user_county_id(user) -> int | None:
    """The county a user works in (a township secretary's through their township)."""
    if user.township_id:
        return user.township.county_id
    return user.county_id
