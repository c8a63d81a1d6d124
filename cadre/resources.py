"""The roster's columns for export, as a django-import-export resource: the cadre list's
export (cadre.roster.views) writes its dataset through the formula-safe roster_export.
Imports go through cadre.roster, which validates and writes in bulk."""

from import_export import fields, resources, widgets

from .models import Cadre
from .roster.columns import COLUMNS_BY_KEY, label_of


class ChoiceLabelWidget(widgets.Widget):
    """Writes a coded field as the Chinese label township files use."""

    def __init__(self, key: str):
        super().__init__()
        self.key = key

    def render(self, value, obj=None, **kwargs):
        return label_of(self.key, value) if value else ""


class DateWidget(widgets.Widget):
    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


def _field(key: str, attribute: str | None = None, widget=None) -> fields.Field:
    return fields.Field(
        attribute=attribute or key, column_name=COLUMNS_BY_KEY[key].header, widget=widget or widgets.CharWidget()
    )


class CadreResource(resources.ModelResource):
    township = _field("township", "village__township__name")
    village = _field("village", "village__name")
    name = _field("name")
    gender = _field("gender", widget=ChoiceLabelWidget("gender"))
    ethnicity = _field("ethnicity")
    id_number = _field("id_number")
    birth_date = _field("birth_date", widget=DateWidget())
    phone = _field("phone")
    education = _field("education", widget=ChoiceLabelWidget("education"))
    political_status = _field("political_status", widget=ChoiceLabelWidget("political_status"))
    party_joined_on = _field("party_joined_on", widget=DateWidget())
    source = _field("source", widget=ChoiceLabelWidget("source"))
    tier = _field("tier", widget=ChoiceLabelWidget("tier"))
    entered_on = _field("entered_on", widget=DateWidget())
    current_job = _field("current_job")
    specialty = _field("specialty")
    notes = _field("notes")

    class Meta:
        model = Cadre
        fields = (
            "township", "village", "name", "gender", "ethnicity", "id_number", "birth_date", "phone", "education",
            "political_status", "party_joined_on", "source", "tier", "entered_on", "current_job", "specialty", "notes",
        )  # fmt: skip
        export_order = fields
