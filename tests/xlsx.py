"""Reading back the workbooks the pages export (common.xlsx_export): rows below the title,
the export line and the header."""

import io

from openpyxl import load_workbook

from common.xlsx_export import HEADER_ROW


def read_workbook(response) -> dict[str, list[list]]:
    """Every sheet of an .xlsx response as rows of values, starting at the header row."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
        for sheet in book.worksheets
    }
