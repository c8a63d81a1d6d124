from django import forms


class BootstrapFormMixin:
    """Give every widget the Bootstrap class it needs, so templates stay plain."""

    size = ""  # "sm" for compact forms such as list filters

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
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
