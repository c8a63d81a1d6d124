"""Filter pieces the list pages and the API share."""

from typing import Any

import django_filters
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from rest_framework import filters

from .collation import ordering_term


class StableOrderingFilter(django_filters.OrderingFilter):
    """Orders by the chosen fields, then by id, so pages never overlap or skip rows; names
    sort by pinyin (common/collation.py); the choices read in Chinese (姓名、姓名（降序）…)."""

    descending_fmt = _("%s（降序）")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", _("默认排序"))
        # django-filter looks labels up by field name ("village__township__name"); accept
        # them by parameter name ("township") too, so no choice falls back to "Township".
        fields = self.normalize_fields(kwargs.get("fields", {}))
        labels = dict(kwargs.get("field_labels", {}))
        for field, param in fields.items():
            if field not in labels and param in labels:
                labels[field] = labels[param]
        kwargs["field_labels"] = labels
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        terms = [ordering_term(self.get_ordering_value(param)) for param in value if param not in EMPTY_VALUES]
        return qs.order_by(*terms, "pk")


class ApiOrderingFilter(filters.OrderingFilter):
    """DRF's ?ordering= with names sorted by pinyin and the browsable API's choices in
    Chinese (the field's verbose name, 升序/降序), never "township__name - descending"."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if ordering:
            return queryset.order_by(*(ordering_term(term) for term in ordering), "pk")
        return queryset

    def get_template_context(self, request, queryset, view):
        context = super().get_template_context(request, queryset, view)
        options = []
        for key, _label in self.get_valid_fields(queryset, view, context):
            label = field_label(queryset.model, key)
            options.append((key, _("%s（升序）") % label))
            options.append(("-" + key, _("%s（降序）") % label))
        context["options"] = options
        return context


def field_label(model, path: str) -> str:
    """The verbose name of the field a lookup path ("township__name") ends on, with the
    related model's name for a trailing "name" (乡镇(街道)); the path itself otherwise."""
    parts = path.split("__")
    try:
        for part in parts[:-1]:
            model = model._meta.get_field(part).related_model
        field = model._meta.get_field(parts[-1])
    except (FieldDoesNotExist, AttributeError):
        return path
    if len(parts) > 1 and parts[-1] == "name":
        return str(model._meta.verbose_name)
    return str(field.verbose_name)
