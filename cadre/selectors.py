from django.shortcuts import get_object_or_404

from accounts.scoping import township_scope

from .models import Cadre

HISTORY_TYPES = {"+": "新建", "~": "修改", "-": "删除"}


def cadre_list(*, user):
    """Cadres the user may see, with the units every list shows."""
    return Cadre.objects.filter(township_scope(user, path="village__township")).select_related(
        "village", "village__township"
    )


def cadre_get(*, user, pk) -> Cadre:
    """One cadre in the user's scope; anything outside it is a 404, not a 403, so that a
    township secretary cannot even learn that another township's record exists."""
    return get_object_or_404(cadre_list(user=user).select_related("seat"), pk=pk)


def cadre_history(*, cadre: Cadre) -> list[dict]:
    """The change history, newest first: who changed which fields from what to what."""
    records = list(cadre.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = {f.name: f for f in Cadre._meta.get_fields() if hasattr(f, "verbose_name")}
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                field = fields[change.field]
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _display(field, change.old),
                        "new": _display(field, change.new),
                    }
                )
        entries.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "type": HISTORY_TYPES[record.history_type],
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
        previous = record
    entries.reverse()
    return entries


def _display(field, value):
    if value in (None, ""):
        return "—"
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    return value
