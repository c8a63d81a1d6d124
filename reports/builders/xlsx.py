"""The look every report shares (common.xlsx_export: a title row, a line saying what and
when, Chinese headers frozen and repeated on every printed page, totals in bold, A4
landscape fitted to the page width, money as #,##0.00), plus what only reports need."""

from __future__ import annotations

from django.utils import timezone
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from common.xlsx_export import HEADER_ROW, MONEY, PERCENT, Formats, Table, workbook

__all__ = ["HEADER_ROW", "MONEY", "PERCENT", "Formats", "Table", "add_chart", "generated_line", "rate", "workbook"]


def generated_line(what: str) -> str:
    return f"{what}    生成时间：{timezone.localtime():%Y-%m-%d %H:%M}"


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def add_chart(
    book: Workbook, sheet: Worksheet, *, kind: str, title: str, name: str, categories: tuple, values: tuple,
    at: tuple[int, int], percent: bool = False, subtype: str | None = None,
) -> None:  # fmt: skip
    """A native Excel chart of one series; ``categories``/``values`` are (sheet, first_row,
    col, last_row, col) ranges."""
    options = {"type": kind}
    if subtype:
        options["subtype"] = subtype
    chart = book.add_chart(options)
    series = {"name": name, "categories": list(categories), "values": list(values)}
    if kind == "pie":
        series["data_labels"] = {"percentage": True, "category": True}
    else:
        # Whole numbers with thousands separators (counts, yuan): "114,400" reads better on a bar
        # than "114400.00" or an axis of "140000".
        series["data_labels"] = {"value": True, "num_format": "0.0%" if percent else "#,##0"}
    chart.add_series(series)
    chart.set_title({"name": title, "name_font": {"name": "黑体", "size": 12}})
    if kind != "pie":
        chart.set_legend({"none": True})
        value_axis = chart.set_x_axis if kind == "bar" else chart.set_y_axis
        value_axis({"num_format": "0%", "min": 0, "max": 1} if percent else {"min": 0, "num_format": "#,##0"})
        if kind == "bar":  # horizontal bars: first row at the top, as in the table
            chart.set_y_axis({"reverse": True})
    chart.set_size({"width": 640, "height": 360})
    sheet.insert_chart(at[0], at[1], chart)
