"""Opening an uploaded file safely: size and row caps are checked before the cells are
parsed, and a zip bomb or a file that is no spreadsheet gets a clear message. Every sheet
of a workbook is read; a CSV file is one sheet."""

import csv
import io
import zipfile
from pathlib import PurePath

from django.utils.translation import gettext as _

from common.excel import SUPPORTED_FORMATS, read_sheets

MAX_FILE_BYTES = 40 * 1024 * 1024
MAX_ROWS = 200_000
# An .xlsx is a zip of XML. Real rosters unzip to 5-20 times their size; a zip bomb to
# hundreds or thousands.
MAX_UNZIPPED_BYTES = 800 * 1024 * 1024
MAX_ZIP_RATIO = 100
ZIP_FORMATS = {".xlsx", ".xlsm", ".ods"}
ACCEPTED = ".xlsx、.xls、.ods、.csv"
CSV_SHEET = "CSV"


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message says why, in Chinese."""


def read_workbook(data: bytes, filename: str) -> list[tuple[str, list[list]]]:
    """Every sheet of the file as ``(sheet name, rows of raw cell values)``."""
    suffix = PurePath(filename).suffix.lower()
    if len(data) > MAX_FILE_BYTES:
        size, limit = len(data) / 1024 / 1024, MAX_FILE_BYTES // 1024 // 1024
        raise ImportFileError(
            _("文件过大（%(size)sMB），单个文件不能超过%(limit)sMB，请分批导入。")
            % {"size": format(size, ".1f"), "limit": limit}
        )
    if not data:
        raise ImportFileError(_("文件是空的。"))
    if suffix == ".csv":
        return [(CSV_SHEET, _read_csv(data))]
    if suffix in ZIP_FORMATS:
        _check_zip(data, filename)
    elif suffix != ".xls":
        raise ImportFileError(
            _("不支持的文件类型“%(value)s”，请上传 %(ACCEPTED)s 文件。")
            % {"value": suffix or filename, "ACCEPTED": ACCEPTED}
        )
    buffer = io.BytesIO(data)
    buffer.name = filename
    try:
        return read_sheets(buffer, max_rows=MAX_ROWS)
    except ValueError as exc:
        raise ImportFileError(str(exc)) from None


def _check_zip(data: bytes, filename: str) -> None:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(
            _("无法读取文件“%(filename)s”：不是有效的 Excel 表格（支持 %(SUPPORTED_FORMATS)s）。")
            % {"filename": filename, "SUPPORTED_FORMATS": SUPPORTED_FORMATS}
        )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
    if unzipped > MAX_UNZIPPED_BYTES or unzipped > MAX_ZIP_RATIO * max(len(data), 64 * 1024):
        raise ImportFileError(
            _("文件“%(filename)s”解压后异常庞大（%(value)sMB），疑似恶意文件，已拒绝导入。")
            % {"filename": filename, "value": format(unzipped / 1024 / 1024, ".0f")}
        )


def _read_csv(data: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("无法识别CSV文件的编码，请另存为UTF-8编码的CSV或.xlsx文件。"))
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _("文件有%(len)s行，超过单次导入上限%(MAX_ROWS)s行，请分批导入。")
            % {"len": len(rows), "MAX_ROWS": MAX_ROWS}
        )
    return rows
