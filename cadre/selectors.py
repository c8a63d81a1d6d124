from typing import Any

from django.db.models import Field, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from simple_history.models import ModelChange

from accounts.models import User

from .models import Cadre

HISTORY_TYPES = {"+": _("新建"), "~": _("修改"), "-": _("删除")}


def cadre_list(*, user: User) -> QuerySet[Cadre]:
    """Cadres the user may see, with the units every list shows."""
    return Cadre.objects.visible_to(user).select_related("village", "village__township")


def cadre_get(*, user: User, pk: int | str) -> Cadre:
    """One cadre in the user's scope; anything outside it is a 404, not a 403, so that a
    township secretary cannot even learn that another township's record exists."""
    return get_object_or_404(cadre_list(user=user).select_related("seat"), pk=pk)


def cadre_history(*, cadre: Cadre) -> list[dict]:
    """The change history, newest first: who changed which fields from what to what.
    Related records (village, seat) are shown by name, loaded in one query per kind."""
    records = list(cadre.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = {f.name: f for f in Cadre._meta.get_fields() if hasattr(f, "verbose_name")}
    deltas = [
        record.diff_against(previous, foreign_keys_are_objs=False).changes
        for previous, record in zip(records, records[1:], strict=False)
    ]
    names = _related_names(fields, deltas)
    entries = []
    for index, record in enumerate(records):
        changes = [
            {
                "field": fields[change.field].verbose_name,
                "old": _display(fields[change.field], change.old, names),
                "new": _display(fields[change.field], change.new, names),
            }
            for change in (deltas[index - 1] if index else [])
        ]
        entries.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "type": str(HISTORY_TYPES[record.history_type]),
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
    entries.reverse()
    return entries


def _related_names(fields: dict[str, Field], deltas: list[list[ModelChange]]) -> dict[tuple[str, Any], str]:
    """{(field name, pk): label} for the foreign keys that appear in the changes."""
    wanted = {}
    for changes in deltas:
        for change in changes:
            field = fields[change.field]
            if field.is_relation:
                wanted.setdefault(field, set()).update(v for v in (change.old, change.new) if v)
    names = {}
    for field, pks in wanted.items():
        related = field.related_model.objects.filter(pk__in=pks)
        if field.name == "seat":
            related = related.select_related("village")
        names.update({(field.name, obj.pk): str(obj) for obj in related})
    return names


def _display(field: Field, value: Any, names: dict[tuple[str, Any], str]) -> Any:
    if value in (None, ""):
        return "—"
    if field.is_relation:
        return names.get((field.name, value), value)
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    return value
