import datetime as dt
from typing import Any

from django.db.models import Case, CharField, Count, F, Field, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from simple_history.models import ModelChange

from accounts.models import User
from common.collation import pinyin_ordering
from common.idcard import years_before
from common.scope import Scope
from org.models import Village

from .models import (
    COLLEGE_OR_ABOVE,
    PARTY_MEMBERS,
    YOUNG_AGE_LIMIT,
    Cadre,
    Education,
    PoliticalStatus,
    Source,
    Status,
    Tier,
)

HISTORY_TYPES = {"+": _("新建"), "~": _("修改"), "-": _("删除")}


def cadre_list(*, user: User) -> QuerySet[Cadre]:
    """Cadres the user may see, with the units every list shows."""
    return (
        Cadre.objects.visible_to(user)
        .select_related("village", "village__township")
        .order_by(*pinyin_ordering("village__township__name", "village__name", "name", "pk"))
    )


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


# The monthly reports ---------------------------------------------------------------------
# Counts for reports/ (a job, no user): each takes a Scope and counts in the database.


def in_pool_on(day: dt.date, path: str = "") -> Q:
    """在册 on ``day``, the one meaning every page and report uses: listed by then (entered
    the pool), and neither seated in the two committees nor left by then."""
    return (
        Q(**{f"{path}entered_on__lte": day}) & ~Q(**{f"{path}left_on__lte": day}) & ~Q(**{f"{path}seated_on__lte": day})
    )


def report_reserves(*, scope: Scope, month_end: dt.date) -> QuerySet[Cadre]:
    """Reserves on the roster (在册) at the end of the month."""
    return Cadre.objects.visible_to(scope).filter(in_pool_on(month_end)).order_by()


def status_on(day: dt.date) -> Case:
    """A cadre's lifecycle status on ``day``, read from their dates."""
    return Case(
        When(left_on__lte=day, then=Value(Status.LEFT.value)),
        When(seated_on__lte=day, then=Value(Status.SEATED.value)),
        When(key_training_since__lte=day, then=Value(Status.KEY_TRAINING.value)),
        default=Value(Status.RESERVE.value),
        output_field=CharField(),
    )


AGE_BANDS = (("lt30", _("30岁以下")), ("30_34", _("30-34岁")), ("35_39", _("35-39岁")), ("40plus", _("40岁及以上")))


def age_band(*, month_end: dt.date) -> Case:
    """The age band at the month's end, computed in the database from birth_date: aged
    at least N on ``month_end`` means born on or before the same day N years earlier."""
    return Case(
        When(birth_date__gt=years_before(month_end, 30), then=Value("lt30")),
        When(birth_date__gt=years_before(month_end, 35), then=Value("30_34")),
        When(birth_date__gt=years_before(month_end, 40), then=Value("35_39")),
        default=Value("40plus"),
        output_field=CharField(),
    )


def report_reserve_breakdowns(*, scope: Scope, month_end: dt.date) -> dict[str, list[tuple[str, int]]]:
    """The reserves on the roster by tier, political status, age band, education and
    source, and everyone listed by the month's end by their status then (every choice
    listed, zeros included), one grouped query each."""
    reserves = report_reserves(scope=scope, month_end=month_end)
    listed = Cadre.objects.visible_to(scope).filter(entered_on__lte=month_end).order_by()
    result = {"status": _counts(listed, status_on(month_end), Status.choices)}
    dimensions = {
        "tier": (F("tier"), Tier.choices),
        "political_status": (F("political_status"), PoliticalStatus.choices),
        "age_band": (age_band(month_end=month_end), [(k, str(v)) for k, v in AGE_BANDS]),
        "education": (F("education"), Education.choices),
        "source": (F("source"), Source.choices),
    }
    for name, (expression, choices) in dimensions.items():
        result[name] = _counts(reserves, expression, choices)
    return {name: result[name] for name in ("tier", "status", *list(dimensions)[1:])}


def _counts(cadres: QuerySet[Cadre], expression: Any, choices: list[tuple[str, Any]]) -> list[tuple[str, int]]:
    counts = dict(cadres.annotate(key=expression).values_list("key").annotate(n=Count("pk")))
    return [(str(label), counts.get(value, 0)) for value, label in choices]


def report_township_counts(*, scope: Scope, month_end: dt.date) -> dict[int, dict[str, int]]:
    """Per township id: reserves, under 35, 大专 or above, Party members (incl. probationary)."""
    young_from = years_before(month_end, YOUNG_AGE_LIMIT)
    rows = (
        report_reserves(scope=scope, month_end=month_end)
        .values("village__township_id")
        .annotate(
            reserves=Count("pk"),
            young=Count("pk", filter=Q(birth_date__gt=young_from)),
            college=Count("pk", filter=Q(education__in=COLLEGE_OR_ABOVE)),
            members=Count("pk", filter=Q(political_status__in=PARTY_MEMBERS)),
        )
    )
    return {row.pop("village__township_id"): row for row in rows}


def report_villages_below_minimum(*, scope: Scope, month_end: dt.date) -> QuerySet[Village]:
    """Villages with fewer reserves than their county's minimum (每村后备干部最低人数), with
    ``reserve_count`` and ``minimum``; ordered by township and village."""
    counted = in_pool_on(month_end, "cadres__")
    return (
        Village.objects.visible_to(scope)
        .annotate(
            reserve_count=Count("cadres", filter=counted), minimum=F("township__county__min_reserves_per_village")
        )
        .filter(reserve_count__lt=F("minimum"))
        .order_by(*pinyin_ordering("township__name", "name"))
    )


def report_promotions(*, scope: Scope, month: dt.date, month_end: dt.date) -> QuerySet[Cadre]:
    """Reserves who entered a two-committee seat in the month (seated_on in it)."""
    return (
        Cadre.objects.visible_to(scope)
        .filter(seated_on__gte=month, seated_on__lte=month_end)
        .order_by(*pinyin_ordering("village__township__name", "village__name", "name"))
    )
