"""Real file formats, written by the tools that write them: a legacy BIFF .xls (xlwt), an
OpenDocument .ods, a CSV saved by Excel in GBK, and an .xlsx whose cells are formulas with
their cached values."""

import zipfile
from xml.sax.saxutils import escape

import pytest
import xlsxwriter
import xlwt

from cadre.models import Cadre
from cadre.roster import roster_import
from tests.roster_files import HEADER, person

pytestmark = pytest.mark.django_db

PEOPLE = [person(seq=101), person(name="王芳", seq=102)]
ROWS = [[row.get(h, "") if h != "序号" else str(i) for h in HEADER] for i, row in enumerate(PEOPLE, start=1)]
EXPECTED = {"created": 2, "updated": 0, "unchanged": 0, "errors": 0}


def _import(path, user):
    report = roster_import(path, user=user, dry_run=False)
    assert [str(e) for e in report.errors] == [] and report.counts == EXPECTED
    return dict(Cadre.objects.values_list("name", "id_number"))


def test_legacy_xls_written_as_biff(tmp_path, county_user, village):
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("花名册")
    sheet.write_merge(0, 0, 0, len(HEADER) - 1, "白水镇村级后备干部花名册")
    for col, header in enumerate(HEADER):
        sheet.write(1, col, header)
    for r, row in enumerate(ROWS, start=2):
        for col, value in enumerate(row):
            sheet.write(r, col, value)
    path = tmp_path / "花名册.xls"
    workbook.save(str(path))
    assert path.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE2 compound file
    assert _import(path, county_user) == {"李明": ROWS[0][6], "王芳": ROWS[1][6]}


def _ods(path, rows):
    """A minimal OpenDocument spreadsheet, as LibreOffice writes one."""
    body = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'
            for v in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="花名册">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


def test_ods(tmp_path, county_user, village):
    path = _ods(tmp_path / "花名册.ods", [HEADER, *ROWS])
    assert _import(path, county_user) == {"李明": ROWS[0][6], "王芳": ROWS[1][6]}


def test_csv_saved_in_gbk_without_a_bom(tmp_path, county_user, village):
    text = "\r\n".join(",".join(row) for row in [HEADER, *ROWS]) + "\r\n"
    path = tmp_path / "花名册.csv"
    path.write_bytes(text.encode("gbk"))
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert _import(path, county_user) == {"李明": ROWS[0][6], "王芳": ROWS[1][6]}


def test_a_workbook_of_formulas_is_read_by_their_cached_values(tmp_path, county_user, village):
    """Clerks build names and dates with formulas (=B3&C3, =TEXT(...)); the file holds the
    values Excel computed, which are the data."""
    path = tmp_path / "公式.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    data = workbook.add_worksheet("数据")
    roster = workbook.add_worksheet("花名册")
    data.write_row(0, 0, ["姓", "名"])
    for r, row in enumerate(ROWS, start=1):
        name = row[HEADER.index("姓名")]
        data.write_row(r, 0, [name[0], name[1:]])
    roster.write_row(0, 0, HEADER)
    for r, row in enumerate(ROWS, start=1):
        for col, value in enumerate(row):
            if HEADER[col] == "姓名":
                roster.write_formula(r, col, f"=数据!A{r + 1}&数据!B{r + 1}", None, value)
            elif HEADER[col] == "序号":
                roster.write_formula(r, col, "=ROW()-1", None, r)
            else:
                roster.write_string(r, col, value)
    workbook.close()
    with zipfile.ZipFile(path) as archive:
        assert "<f>" in archive.read("xl/worksheets/sheet2.xml").decode()
    # The 数据 sheet has no roster header: it is listed as skipped, the roster sheet is read.
    report = roster_import(path, user=county_user, dry_run=True)
    assert [(s.name, s.header is None) for s in report.table.sheets] == [("数据", True), ("花名册", False)]
    assert _import(path, county_user) == {"李明": ROWS[0][6], "王芳": ROWS[1][6]}
