from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

DASHES = BLANK_CHOICE_DASH[0][1]  # Django's "---------"
PLEASE_CHOOSE = _("请选择…")


def chinese_placeholder(field: forms.Field) -> None:
    """Replace Django's "---------" on a select with 请选择…: the empty label of a model
    choice and the blank choice of a choice field (labels a form set itself stay)."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = PLEASE_CHOOSE
    elif isinstance(field, forms.ChoiceField):
        choices = list(field.choices)
        if any(value in ("", None) and label == DASHES for value, label in choices):
            field.choices = [
                (value, PLEASE_CHOOSE if value in ("", None) and label == DASHES else label) for value, label in choices
            ]


# A browser never fills a file input again: a form shown again with errors says so on each
# file field that had received a file (templates/includes/form_fields.html).
FILE_NOT_KEPT = _("表单有误，所选文件尚未保存，请重新选择")


class BootstrapFormMixin:
    """Give every widget the Bootstrap class it needs, so templates stay plain, and every
    select a Chinese placeholder (请选择…, never "---------"). A form shown again with
    errors names the file fields whose file must be chosen again (``files_to_choose_again``)."""

    size = ""  # "sm" for compact forms such as list filters
    wide_fields: tuple[str, ...] = ()  # fields includes/form_fields.html gives a whole row
    file_not_kept = FILE_NOT_KEPT

    @property
    def files_to_choose_again(self) -> set[str]:
        """The file fields that received a file in a post whose form has errors (the form's
        own, or a service's added after validation): the file was not saved."""
        if not self.is_bound or not self.errors:
            return set()
        return {
            name
            for name, field in self.fields.items()
            if isinstance(field, forms.FileField) and self.files.get(self.add_prefix(name))
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            chinese_placeholder(field)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            if self.size and css != "form-check-input":
                css = f"{css} {css}-{self.size}"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class FilterForm(BootstrapFormMixin, forms.Form):
    size = "sm"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def add_service_errors(form, exc) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form
    has that field, above the form otherwise."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
