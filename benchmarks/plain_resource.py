"""The baseline: the django-import-export resource a Django developer would write first.

A plain ModelResource for Cadre keyed on the ID number, with the file's columns mapped by
``column_name``, the village looked up by name with ForeignKeyWidget, the coded fields
mapped from their Chinese labels by a small widget, and dates read by a widget that knows
the usual formats (a date written to the month, 1990.05, becomes the 1st). Everything else
is the default: the default instance loader (one query per row), one save per row (so
django-simple-history writes one history row per save), diffs computed for the result, no
bulk mode, and the default validation (``clean_model_instances`` off: the model's
full_clean() is not called).

One small widget beyond that is needed for the file to import at all: the ID number is
stripped and upper-cased, because a lower-case x would break the table's check constraint
and, with errors, import-export rolls the whole import back.

``PlainCadreResourceWithClean`` is the same with ``clean_model_instances = True`` (the
model's own validation: the ID number, gender and birth date checked against each other,
every check constraint validated by a query). It is measured only with
``--with-clean-baseline``. The birth date column is left out there: a date written to the
month would contradict the day in the ID number; Cadre.clean() fills it from the ID.

The file is read as a plain developer would: openpyxl, drop the title row, take the next
row as the header, leave out blank rows and the total row, build a tablib Dataset.
"""

import datetime as dt
import re
from itertools import islice

import openpyxl
import tablib
from import_export import fields, resources, widgets

from benchmarks.roster_files import HEADERS
from cadre.models import Cadre
from cadre.roster.columns import code_lookup
from org.models import Village

COLUMN = dict(HEADERS)  # row key -> header written in the benchmark's files


class IdNumberWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs).strip().upper()


class ChoiceLabelWidget(widgets.Widget):
    """Chinese label in the file -> choice code in the model."""

    def __init__(self, key: str, **kwargs):
        super().__init__(**kwargs)
        self.codes = code_lookup(key)

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return ""
        if text not in self.codes:
            raise ValueError(f"无法识别“{text}”")
        return self.codes[text]


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?|月)?$")


class LooseDateWidget(widgets.DateWidget):
    """Excel dates, 1990-5-3, 1990/5/3, 1990.05 and 1990年5月 (the 1st of the month)."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        match = _DATE.match(str(value).strip())
        if not match:
            raise ValueError(f"无法识别的日期“{value}”")
        year, month, day = match.groups()
        return dt.date(int(year), int(month), int(day or 1))


def _field(attribute: str, widget=None) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=COLUMN[attribute], widget=widget or widgets.CharWidget())


class PlainCadreResource(resources.ModelResource):
    name = _field("name")
    gender = _field("gender", ChoiceLabelWidget("gender"))
    ethnicity = _field("ethnicity")
    id_number = _field("id_number", IdNumberWidget())
    birth_date = _field("birth_date", LooseDateWidget())
    phone = _field("phone")
    education = _field("education", ChoiceLabelWidget("education"))
    political_status = _field("political_status", ChoiceLabelWidget("political_status"))
    party_joined_on = _field("party_joined_on", LooseDateWidget())
    source = _field("source", ChoiceLabelWidget("source"))
    tier = _field("tier", ChoiceLabelWidget("tier"))
    village = _field("village", widgets.ForeignKeyWidget(Village, "name"))
    current_job = _field("current_job")
    specialty = _field("specialty")
    notes = _field("notes")

    class Meta:
        model = Cadre
        import_id_fields = ["id_number"]
        fields = [
            "name",
            "gender",
            "ethnicity",
            "id_number",
            "birth_date",
            "phone",
            "education",
            "political_status",
            "party_joined_on",
            "source",
            "tier",
            "village",
            "current_job",
            "specialty",
            "notes",
        ]


class PlainCadreResourceWithClean(PlainCadreResource):
    class Meta(PlainCadreResource.Meta):
        exclude = ["birth_date"]
        fields = [f for f in PlainCadreResource.Meta.fields if f != "birth_date"]
        clean_model_instances = True


def load_dataset(path, limit: int | None = None) -> tablib.Dataset:
    """The roster as a tablib Dataset: title row dropped, header from the next row, blank
    rows and the total row left out; only the first ``limit`` data rows when given."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        next(rows)  # the title row
        dataset = tablib.Dataset(headers=[str(h) for h in next(rows)])
        width = len(dataset.headers)
        data = (
            (list(row) + [None] * width)[:width]
            for row in rows
            if any(v not in (None, "") for v in row) and not str(row[0] or "").startswith("合计")
        )
        for row in islice(data, limit):
            dataset.append(row)
    finally:
        workbook.close()
    return dataset
