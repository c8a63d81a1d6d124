"""A select that searches the server as the user types (Tom Select, static/js/remote-select.js),
so a form never renders thousands of options: only the empty choice and the chosen one are
rendered; the field's queryset still validates whatever id comes back."""

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _


class RemoteSelect(forms.Select):
    def __init__(self, url_name: str, params: str = "", attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.url_name = url_name
        self.params = params

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        url = reverse(self.url_name) + (f"?{self.params}" if self.params else "")
        attrs = {**(attrs or {}), "data-search-url": url, "data-placeholder": _("输入姓名或名称搜索…")}
        return super().get_context(name, value, attrs)

    def optgroups(self, name: str, value: list, attrs: dict | None = None) -> list:
        iterator = self.choices
        field = getattr(iterator, "field", None)
        if field is None:  # plain choices: nothing to narrow
            return super().optgroups(name, value, attrs)
        ids = [v for v in value if str(v).isdigit()]
        chosen = field.queryset.filter(pk__in=ids) if ids else field.queryset.none()
        empty = field.empty_label if field.empty_label is not None else _("请选择…")
        self.choices = [("", empty), *((str(obj.pk), field.label_from_instance(obj)) for obj in chosen)]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = iterator
