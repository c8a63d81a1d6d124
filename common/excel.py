"""Reading hand-made Excel sheets (.xlsx, also .xls and .ods) with python-calamine.

Township files carry a merged title row above the header, header names that vary a little,
full-width characters and stray spaces. ``read_sheet_rows`` returns the raw cell values of
the first sheet, row 0 being the sheet's first row (so row index + 1 is the row number
Excel shows); ``read_sheets`` every sheet. Headers are matched by common.headers.
"""

import datetime as dt
import os
import unicodedata

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook, PasswordError

SUPPORTED_FORMATS = ".xlsx、.xlsm、.xls、.ods"
# A row whose first text starts with one of these is a total, not data.
TOTAL_ROW_PREFIXES = ("合计", "总计", "小计", "共计")


class TooManyRows(Exception):
    pass


def cell_text(value) -> str:
    """A cell as text: NFKC-normalised (full-width to half-width), ends stripped.
    Whole-number floats lose their ".0"; dates are written as ISO dates."""
    if type(value) is str:  # the common case, kept fast: a roster has millions of cells
        if not unicodedata.is_normalized("NFKC", value):
            value = unicodedata.normalize("NFKC", value)
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.datetime):
        value = value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    elif isinstance(value, dt.date):
        value = value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def compact_text(value) -> str:
    """``cell_text`` with every space removed, for names and headers: Chinese place and
    person names carry no spaces, so "城关 镇" and "城关镇" are the same name."""
    text = cell_text(value)
    return "".join(text.split()) if " " in text or not text.isprintable() else text


def _display_name(path_or_file) -> str:
    if isinstance(path_or_file, str | os.PathLike):
        return os.path.basename(os.fspath(path_or_file))
    return os.path.basename(str(getattr(path_or_file, "name", "") or "")) or _("上传的文件")


def read_sheet_rows(path_or_file, *, max_rows: int | None = None) -> list[list]:
    """The cells of the first sheet (see ``read_sheets``)."""
    sheets = read_sheets(path_or_file, max_rows=max_rows, first_only=True)
    return sheets[0][1] if sheets else []


def read_sheets(path_or_file, *, max_rows: int | None = None, first_only: bool = False) -> list[tuple[str, list]]:
    """Every sheet as ``(name, rows)``, rows being lists of raw cell values (str, float,
    int, bool, date, datetime ...; "" for an empty cell). A merged cell's value is
    repeated over the whole merged range, as the sheet shows it. ``max_rows`` caps the
    rows of all sheets together. Raises ValueError with a Chinese message when the file
    cannot be read as a spreadsheet."""
    name = _display_name(path_or_file)
    sheets = []
    try:
        with CalamineWorkbook.from_object(path_or_file) as workbook:
            total = 0
            for sheet_name in workbook.sheet_names[:1] if first_only else workbook.sheet_names:
                sheet = workbook.get_sheet_by_name(sheet_name)
                # total_height is the index of the last row, counted from 0 (0 for an empty sheet too).
                total += sheet.total_height + 1
                if max_rows is not None and total > max_rows:
                    raise TooManyRows(
                        _("文件“%(name)s”有%(value)s行，超过单次导入上限%(max_rows)s行，请分批导入。")
                        % {"name": name, "value": total, "max_rows": max_rows}
                    )
                rows = [list(row) for row in sheet.to_python(skip_empty_area=False)]
                _fill_merged(rows, sheet.merged_cell_ranges or [])
                sheets.append((sheet_name, rows))
    except TooManyRows as exc:
        raise ValueError(str(exc)) from None
    except FileNotFoundError:
        raise ValueError(_("找不到文件：%(name)s") % {"name": name}) from None
    except PasswordError:
        raise ValueError(_("文件“%(name)s”设置了密码，请取消密码保护后再导入。") % {"name": name}) from None
    except OSError as exc:
        raise ValueError(
            _("无法打开文件“%(name)s”：%(value)s") % {"name": name, "value": exc.strerror or exc}
        ) from None
    except Exception:  # CalamineError and its kin: not a workbook calamine can read
        raise ValueError(
            _("无法读取文件“%(name)s”：不是有效的 Excel 表格（支持 %(SUPPORTED_FORMATS)s）。")
            % {"name": name, "SUPPORTED_FORMATS": SUPPORTED_FORMATS}
        ) from None
    return sheets


def _fill_merged(rows: list[list], merged) -> None:
    """Repeat each merged cell's value over its range. A row that is blank in the file
    stays blank: it separates groups even when a merged county or township cell spans it."""
    blank = {i for i, row in enumerate(rows) if all(v in ("", None) for v in row)}
    for (top, left), (bottom, right) in merged:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            if r in blank:
                continue
            row = rows[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                if (r, c) != (top, left) and row[c] in ("", None):
                    row[c] = value
