"""Opening an uploaded file safely: size and row caps are checked before the cells are
parsed, and a zip bomb or a file that is no spreadsheet gets a clear message. Every sheet
of a workbook is read; a CSV file is one sheet.

``ACCEPTED_EXTENSIONS`` is the one list of the file types an import takes: the engine,
the upload form (its check, its help text and the browser's file picker) and every page
that names the formats read it from here."""

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
OLE2_FORMATS = {".xls"}  # the legacy BIFF workbook, an OLE2 compound file
TEXT_FORMATS = {".csv"}
ACCEPTED_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
ACCEPTED = "、".join(ACCEPTED_EXTENSIONS)  # as the pages list them: .xlsx、.xlsm、.xls、.ods、.csv
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
# What a file whose name says .csv must not start with: other formats' signatures.
BINARY_MAGICS = (ZIP_MAGIC, OLE2_MAGIC, b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf")
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
    check_spreadsheet(data, filename)
    if suffix in TEXT_FORMATS:
        return [(CSV_SHEET, _read_csv(data))]
    if suffix in ZIP_FORMATS:
        _check_zip(data, filename)
    buffer = io.BytesIO(data)
    buffer.name = filename
    try:
        return read_sheets(buffer, max_rows=MAX_ROWS)
    except ValueError as exc:
        if str(exc) == _calamine_refusal(filename):  # common.excel's words: say it with our list
            raise ImportFileError(not_a_spreadsheet(filename)) from None
        raise ImportFileError(str(exc)) from None


def unsupported_type(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    return _("不支持的文件类型“%(value)s”，请上传 %(ACCEPTED)s 文件。") % {
        "value": suffix or filename,
        "ACCEPTED": ACCEPTED,
    }


def not_a_spreadsheet(filename: str) -> str:
    return _("无法读取文件“%(filename)s”：不是有效的表格文件（支持 %(ACCEPTED)s）。") % {
        "filename": filename,
        "ACCEPTED": ACCEPTED,
    }


def _calamine_refusal(filename: str) -> str:
    return _("无法读取文件“%(name)s”：不是有效的 Excel 表格（支持 %(SUPPORTED_FORMATS)s）。") % {
        "name": filename,
        "SUPPORTED_FORMATS": SUPPORTED_FORMATS,
    }


def check_spreadsheet(data: bytes, filename: str) -> None:
    """Refuse a file whose name or content is no spreadsheet of ACCEPTED_EXTENSIONS: the
    name must end in one of them, and the first bytes must be what that format starts
    with (a zip for .xlsx/.xlsm/.ods, an OLE2 file for .xls, text for .csv), so that a
    renamed .txt or .pdf is refused before anything reads it. Cheap: the upload form
    calls it."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in ACCEPTED_EXTENSIONS:
        raise ImportFileError(unsupported_type(filename))
    if not data:
        raise ImportFileError(_("文件是空的。"))
    head = data[:8]
    if suffix in ZIP_FORMATS:
        looks_right = head.startswith(ZIP_MAGIC)
    elif suffix in OLE2_FORMATS:
        looks_right = head.startswith(OLE2_MAGIC)
    else:
        # Text: no other format's signature and no NUL byte, except in UTF-16 (with its
        # byte order mark), which _read_csv refuses with a message about the encoding.
        utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
        looks_right = not head.startswith(BINARY_MAGICS) and (utf16 or b"\x00" not in data[:4096])
    if not looks_right:
        raise ImportFileError(not_a_spreadsheet(filename))


def _check_zip(data: bytes, filename: str) -> None:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(not_a_spreadsheet(filename))
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
