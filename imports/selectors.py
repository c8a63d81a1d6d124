"""Reads of the import records: the 导入记录 list and one record, each scoped to the user
(a township sees its own accounts' imports, county staff those of their county's accounts)."""

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User

from .models import ImportRecord


def import_record_list(*, user: User) -> QuerySet[ImportRecord]:
    """Every import and preview the user may see, newest first, with who made it."""
    return (
        ImportRecord.objects.visible_to(user)
        .select_related("user", "user__township", "user__county")
        .defer("result", "options")  # the stored preview can be large; the list needs none of it
        .order_by("-created_at", "-pk")
    )


def import_record_get(*, user: User, pk: uuid.UUID | str) -> ImportRecord:
    """One record the user may see; 404 otherwise."""
    try:
        return ImportRecord.objects.visible_to(user).select_related("user").get(pk=pk)
    except ImportRecord.DoesNotExist:
        raise Http404 from None


def import_record_file(*, user: User, pk: uuid.UUID | str) -> tuple[ImportRecord, Any]:
    """The record and its uploaded file opened for reading, while the file is kept; 404
    outside the user's scope or once the file was deleted."""
    record = import_record_get(user=user, pk=pk)
    if not record.file:
        raise Http404
    try:
        return record, record.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None


def import_users(*, user: User) -> QuerySet[User]:
    """The accounts under the user's scope that imported anything (the list's user filter)."""
    return (
        User.objects.visible_to(user)
        .filter(imports__isnull=False)
        .distinct()
        .select_related("township", "county")
        .order_by("username")
    )
