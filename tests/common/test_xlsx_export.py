"""The shared export workbook: text stays text (no formulas, every digit of an ID number),
numbers and dates keep their type, and every sheet has the title, the export line, a
frozen bold header with an autofilter, A4 landscape with the header repeated on print."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from common.xlsx_export import Export
from tests.factories import UserFactory

COLUMNS = [("姓名", 10, "text"), ("身份证号", 20, "text"), ("人数", 8, "int"), ("日期", 12, "date")]


@pytest.mark.django_db
def test_an_export_writes_text_as_text_and_sets_up_every_sheet_for_print():
    user = UserFactory(username="writer", first_name="", last_name="")
    export = Export(user=user)
    rows = [
        ["=1+1", "110101199003071234", 3, dt.date(2026, 3, 1)],
        ["+86", "-5", 0, None],
        ["@SUM(A1)", "", 12, dt.date(2026, 1, 2)],
    ]
    assert export.sheet("名单", title="测试名单", columns=COLUMNS, rows=iter(rows), totals=["合计", "", 15, ""]) == 3
    assert export.sheet("空表", title="空的", columns=COLUMNS, rows=[]) == 0
    book = load_workbook(io.BytesIO(export.content()))

    assert book.sheetnames == ["名单", "空表"]
    sheet = book["名单"]
    assert sheet["A1"].value == "测试名单"
    assert sheet["A2"].value.startswith("导出时间：") and "导出人：writer" in sheet["A2"].value
    assert [c.value for c in sheet[3]] == ["姓名", "身份证号", "人数", "日期"]
    assert sheet["A3"].font.b and sheet["A3"].fill.fgColor.rgb.endswith("D9E1F2")
    # text that looks like a formula or a number is a string cell, never a formula
    assert [(c.value, c.data_type) for c in sheet[4][:2]] == [("=1+1", "s"), ("110101199003071234", "s")]
    assert [c.value for c in sheet[5][:2]] == ["+86", "-5"]
    assert sheet["A6"].value == "@SUM(A1)" and sheet["A6"].data_type == "s"
    assert sheet["C4"].value == 3 and sheet["D4"].value == dt.datetime(2026, 3, 1)
    assert [c.value for c in sheet[7]][:3] == ["合计", None, 15] and sheet["A7"].font.b
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:D6"  # the data rows, not the totals
    assert sheet.column_dimensions["B"].width == pytest.approx(20, abs=1)
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.print_title_rows == "$1:$3"
    assert book["空表"].auto_filter.ref == "A3:D3"
