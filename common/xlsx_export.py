"""Writing .xlsx files that look alike everywhere: a title row, a line saying what, when and
by whom, bold Chinese headers on a fill, frozen and repeated on every printed page, A4
landscape fitted to the page width, column widths and an autofilter.

Text is always written as a string, never parsed: a name starting with "=", "+", "-" or "@"
stays text (no formula runs when the file is opened) and an 18-digit ID number keeps every
digit. Workbooks are written in xlsxwriter's constant-memory mode: each row goes to disk
when the next one starts, so an export of a whole province costs no more memory than one
of a village (rows must be written top to bottom, one sheet after another or interleaved).

The monthly reports (reports.builders) build on ``Table``; page exports use ``Export``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.utils import timezone
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

MONEY = "#,##0.00"
PERCENT = "0.0%"
HEADER_ROW = 2  # rows 0-1: title and subtitle


def workbook(target: Path | IO[bytes]) -> Workbook:
    """A constant-memory workbook written to ``target`` (a path or a binary file object)."""
    book = xlsxwriter.Workbook(
        str(target) if isinstance(target, Path | str) else target,
        {"constant_memory": True, "default_date_format": "yyyy-mm-dd"},
    )
    book.formats[0].set_font_name("宋体")
    book.set_properties({"author": "村级后备干部管理系统", "company": "县委组织部"})
    return book


class Formats:
    def __init__(self, book: Workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
        self.title = book.add_format({"font_name": "黑体", "bold": True, "font_size": 16, "align": "center"})
        self.subtitle = book.add_format({"font_name": "宋体", "font_size": 10, "align": "left"})
        self.header = book.add_format(
            {**base, "bold": True, "align": "center", "bg_color": "#D9E1F2", "text_wrap": True}
        )
        self.text = book.add_format(base)
        self.int = book.add_format({**base, "num_format": "0"})
        self.number = book.add_format({**base, "num_format": "0.0"})
        self.money = book.add_format({**base, "num_format": MONEY})
        self.percent = book.add_format({**base, "num_format": PERCENT})
        self.date = book.add_format({**base, "num_format": "yyyy-mm-dd"})
        bold = {**base, "bold": True, "bg_color": "#F2F2F2"}
        self.total_text = book.add_format(bold)
        self.total_int = book.add_format({**bold, "num_format": "0"})
        self.total_number = book.add_format({**bold, "num_format": "0.0"})
        self.total_money = book.add_format({**bold, "num_format": MONEY})
        self.total_percent = book.add_format({**bold, "num_format": PERCENT})
        self.section = book.add_format({"font_name": "黑体", "bold": True, "font_size": 11})
        self.note = book.add_format({"font_name": "宋体", "font_size": 9, "italic": True})


# Column kinds: how a value is written and which format it gets (plain and total).
KINDS = {
    "text": ("text", "total_text"),
    "int": ("int", "total_int"),
    "number": ("number", "total_number"),
    "money": ("money", "total_money"),
    "percent": ("percent", "total_percent"),
    "date": ("date", "total_text"),
}


class Table:
    """One worksheet holding one table, written top to bottom (constant-memory mode
    writes each row once, in order). ``columns``: (header, width, kind)."""

    def __init__(
        self, book: Workbook, formats: Formats, name: str, *, title: str, subtitle: str, columns: list[tuple]
    ) -> None:
        self.book, self.formats, self.name = book, formats, name
        self.sheet: Worksheet = book.add_worksheet(name)
        self.columns = columns
        self.row = 0
        last = len(columns) - 1
        sheet = self.sheet
        for index, (_header, width, _kind) in enumerate(columns):
            sheet.set_column(index, index, width)
        sheet.set_row(0, 28)
        sheet.merge_range(0, 0, 0, last, title, formats.title)
        sheet.merge_range(1, 0, 1, last, subtitle, formats.subtitle)
        sheet.set_row(HEADER_ROW, 30)  # room for a header that wraps
        for index, (header, _width, _kind) in enumerate(columns):
            sheet.write_string(HEADER_ROW, index, header, formats.header)
        self.row = HEADER_ROW + 1
        self.first_data_row = self.row
        sheet.freeze_panes(self.row, 0)
        print_setup(sheet, repeat_to=HEADER_ROW)

    def write(self, values: list[Any], *, total: bool = False) -> int:
        """Write a row; returns its index."""
        for index, value in enumerate(values):
            kind = self.columns[index][2]
            fmt = getattr(self.formats, KINDS[kind][1 if total else 0])
            write_cell(self.sheet, self.row, index, value, fmt)
        self.row += 1
        return self.row - 1

    def autofilter(self) -> None:
        """Filter buttons on the header over the rows written so far (call it before a
        totals row, which should not be sorted in with the data)."""
        self.sheet.autofilter(HEADER_ROW, 0, max(self.row - 1, HEADER_ROW), len(self.columns) - 1)

    def section(self, text: str) -> int:
        """A heading line between parts of a sheet (leave a blank line before it)."""
        self.row += 1
        self.sheet.write_string(self.row, 0, text, self.formats.section)
        self.row += 1
        return self.row - 1

    def headers(self, names: list[str]) -> None:
        self.sheet.set_row(self.row, 30)  # room for a header that wraps, as the first one has
        for index, header in enumerate(names):
            self.sheet.write_string(self.row, index, header, self.formats.header)
        self.row += 1

    def note(self, text: str) -> None:
        self.row += 1
        self.sheet.write_string(self.row, 0, text, self.formats.note)
        self.row += 1


def write_cell(sheet: Worksheet, row: int, col: int, value: Any, fmt: Any) -> None:
    """Numbers as numbers, dates as dates, anything else as a string (never a formula)."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, Decimal | int | float):
        sheet.write_number(row, col, float(value), fmt)
    elif hasattr(value, "isoformat"):
        sheet.write_datetime(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)


def print_setup(sheet: Worksheet, *, repeat_to: int) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    sheet.repeat_rows(0, repeat_to)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&C第 &P 页，共 &N 页")
    sheet.center_horizontally()


def labels(choices) -> dict[str, str]:
    """A choices class's labels by value, translated once (not once per exported row)."""
    return {value: str(label) for value, label in choices.choices}


def exported_line(user) -> str:
    return f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}    导出人：{user}"


class Export:
    """A page's data as a workbook of one or more sheets, each a titled table with the
    export line under the title. Rows may be any iterable (a queryset's ``iterator()``):
    they are written as they come. ``content()`` closes the book and returns its bytes."""

    def __init__(self, *, user) -> None:
        self.buffer = io.BytesIO()
        self.book = workbook(self.buffer)
        self.formats = Formats(self.book)
        self.subtitle = exported_line(user)

    def sheet(
        self, name: str, *, title: str, columns: list[tuple], rows: Iterable[list], totals: list | None = None
    ) -> int:
        """Add a sheet; returns how many rows (not counting ``totals``) it holds."""
        table = Table(self.book, self.formats, name, title=title, subtitle=self.subtitle, columns=columns)
        for values in rows:
            table.write(values)
        table.autofilter()
        if totals is not None:
            table.write(totals, total=True)
        return table.row - table.first_data_row - (totals is not None)

    def content(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()
