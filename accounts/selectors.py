"""Reads for the account pages: the accounts a county staff member manages and their history."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import AccountEvent, Role, User


def account_list(*, user: User) -> QuerySet[User]:
    """The accounts the user manages: their county's township secretaries and leaders (a
    superuser: every account in their scope, county staff included)."""
    accounts = User.objects.visible_to(user).select_related("county", "township", "township__county")
    if not user.is_superuser:
        accounts = accounts.exclude(role=Role.COUNTY).exclude(is_superuser=True)
    return accounts


def account_get(*, user: User, pk: int | str) -> User:
    """One managed account; any other is a 404."""
    return get_object_or_404(account_list(user=user), pk=pk)


def account_event_list(*, user: User, account: User | None = None) -> QuerySet[AccountEvent]:
    events = AccountEvent.objects.visible_to(user).select_related("actor", "target")
    if account is not None:
        events = events.filter(target=account)
    return events
