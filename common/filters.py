"""Filter pieces the list pages and the API share."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _


class StableOrderingFilter(django_filters.OrderingFilter):
    """Orders by the chosen fields, then by id, so pages never overlap or skip rows; the
    choices read in Chinese (姓名、姓名（降序）…)."""

    descending_fmt = _("%s（降序）")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", _("默认排序"))
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk") if value else qs
