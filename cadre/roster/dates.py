"""Dates as township files write them: 1990.05, 1990年5月, 1990/5/3, 1990-5-3, 19900503,
Excel date cells and Excel serial numbers."""

import datetime as dt
import re
from enum import IntEnum

from django.utils.translation import gettext as _

from common.excel import cell_text

EXCEL_EPOCH = dt.date(1899, 12, 30)
_YMD = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*(?:[.\-/月]\s*(\d{1,2})\s*日?|月)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_YEAR = re.compile(r"^(\d{4})\s*年?$")


class Precision(IntEnum):
    YEAR = 1
    MONTH = 2
    DAY = 3


class DateError(ValueError):
    pass


def parse_roster_date(value) -> tuple[dt.date, Precision] | None:
    """A date and how precisely it was written; None for an empty cell.
    Raises DateError with a Chinese message for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date(), Precision.DAY
    if isinstance(value, dt.date):
        return value, Precision.DAY
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if 1900 <= number < 2100 and not number.is_integer():
            # 1990.05 typed into a number cell. Rosters write months with two digits
            # (1990.01 ... 1990.12) and Excel shows 1990.10 as 1990.1, so 1990.1 is October.
            year, month = f"{number:.2f}".split(".")
            return _build(int(year), int(month), None, value)
        if number.is_integer() and 1900 <= number < 2100:
            return dt.date(int(number), 1, 1), Precision.YEAR
        if number.is_integer() and (19000101 <= number <= 21001231 or 190001 <= number <= 210012):
            return _from_text(str(int(number)), value)
        if 1 <= number < 80000:
            return EXCEL_EPOCH + dt.timedelta(days=int(number)), Precision.DAY
        raise DateError(_message(value))
    return _from_text("".join(cell_text(value).split()), value)


def _from_text(text: str, raw) -> tuple[dt.date, Precision] | None:
    if not text:
        return None
    if match := _YMD.match(text):
        year, month, day = match.groups()
        return _build(int(year), int(month), int(day) if day else None, raw)
    if match := _COMPACT.match(text):
        year, month, day = match.groups()
        return _build(int(year), int(month), int(day) if day else None, raw)
    if match := _YEAR.match(text):
        return _build(int(match.group(1)), None, None, raw)
    raise DateError(_message(raw))


def _build(year: int, month: int | None, day: int | None, raw) -> tuple[dt.date, Precision]:
    try:
        if month is None:
            return dt.date(year, 1, 1), Precision.YEAR
        if day is None:
            return dt.date(year, month, 1), Precision.MONTH
        return dt.date(year, month, day), Precision.DAY
    except ValueError:
        raise DateError(_message(raw)) from None


def _message(raw) -> str:
    return _("无法识别的日期“%(text)s”，请写成1990-05-03、1990.05或1990年5月") % {"text": cell_text(raw)}


def same_as(written: tuple[dt.date, Precision], actual: dt.date) -> bool:
    """Whether a date written with some precision agrees with an exact date."""
    date, precision = written
    if precision == Precision.YEAR:
        return date.year == actual.year
    if precision == Precision.MONTH:
        return (date.year, date.month) == (actual.year, actual.month)
    return date == actual
