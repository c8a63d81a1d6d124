"""The upload form refuses what is no spreadsheet before anything is stored, by the name
AND by the first bytes; every place that names the accepted formats reads one constant;
a form shown again after an error says to choose the file again."""

import re
from pathlib import Path

import pytest
import xlwt
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports import reading
from imports.models import ImportRecord
from imports.reading import ACCEPTED, ACCEPTED_EXTENSIONS, ImportFileError, check_spreadsheet, read_workbook
from imports.views import UploadForm
from tests.roster_files import HEADER, person, write_roster

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
TEXT = "这是一份工作总结，不是表格。\n".encode()


def _form(name: str, data: bytes) -> UploadForm:
    return UploadForm(data={}, files={"file": SimpleUploadedFile(name, data)})


def _xls(path):
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("花名册")
    for col, header in enumerate(HEADER):
        sheet.write(0, col, header)
    workbook.save(str(path))
    return path


class TestTheForm:
    @pytest.mark.parametrize(
        ("name", "data", "message"),
        [
            ("总结.txt", TEXT, "不支持的文件类型“.txt”"),
            ("通知.pdf", PDF, "不支持的文件类型“.pdf”"),
            ("没有扩展名", TEXT, "不支持的文件类型“没有扩展名”"),
            ("改名的总结.xlsx", TEXT, "无法读取文件“改名的总结.xlsx”：不是有效的表格文件"),
            ("改名的通知.xlsx", PDF, "无法读取文件“改名的通知.xlsx”：不是有效的表格文件"),
            ("改名的通知.xls", PDF, "不是有效的表格文件"),
            ("改名的总结.xls", TEXT, "不是有效的表格文件"),
            ("改名的通知.csv", PDF, "不是有效的表格文件"),
            ("改名的表格.ods", TEXT, "不是有效的表格文件"),
            ("照片.csv", b"\xff\xd8\xff\xe0\x00\x10JFIF", "不是有效的表格文件"),
        ],
    )
    def test_refuses_what_is_no_spreadsheet(self, name, data, message):
        form = _form(name, data)
        assert not form.is_valid()
        assert message in form.errors["file"][0]
        assert f"（支持 {ACCEPTED}）" in form.errors["file"][0] or f"请上传 {ACCEPTED} 文件" in form.errors["file"][0]
        # one error, and the note every form with a file field gives (common.forms)
        assert len(form.errors["file"]) == 1 and form.files_to_choose_again == {"file"}

    def test_accepts_each_real_format(self, tmp_path):
        xlsx = write_roster(tmp_path / "花名册.xlsx", [person()]).read_bytes()
        xls = _xls(tmp_path / "花名册.xls").read_bytes()
        csv = ",".join(HEADER).encode("gbk")
        for name, data in [("a.xlsx", xlsx), ("a.XLSX", xlsx), ("a.xlsm", xlsx), ("a.xls", xls), ("a.csv", csv)]:
            assert _form(name, data).is_valid(), name

    def test_no_file_chosen(self):
        form = UploadForm(data={}, files={})
        assert form.errors == {"file": ["请选择要上传的文件。"]}

    def test_the_file_picker_offers_the_accepted_types(self):
        html = str(UploadForm()["file"])
        assert 'accept=".xlsx,.xlsm,.xls,.ods,.csv"' in html

    def test_the_help_text_lists_the_accepted_types(self):
        assert f"支持 {ACCEPTED}，" in str(UploadForm().fields["file"].help_text)


class TestTheUploadPages:
    def test_a_renamed_pdf_is_refused_on_the_page_and_nothing_is_stored(self, login, county_user):
        upload = SimpleUploadedFile("花名册.xlsx", PDF)
        response = login(county_user).post(reverse("cadre:import"), {"file": upload})
        html = response.content.decode()
        assert response.status_code == 200
        assert "无法读取文件“花名册.xlsx”：不是有效的表格文件" in html
        assert "表单有误，所选文件尚未保存，请重新选择" in html
        assert not ImportRecord.objects.exists()

    @pytest.mark.parametrize("url", ["cadre:import", "mentorship:mentor-import"])
    def test_every_upload_page_lists_the_same_formats(self, login, county_user, url):
        html = login(county_user).get(reverse(url)).content.decode()
        assert f"支持 {ACCEPTED}，" in html and 'accept=".xlsx,.xlsm,.xls,.ods,.csv"' in html


class TestOneList:
    def test_the_engine_takes_every_accepted_type_and_no_other(self):
        for suffix in ACCEPTED_EXTENSIONS:
            try:
                read_workbook(b"\x00garbage", f"a{suffix}")
            except ImportFileError as exc:
                assert "不支持的文件类型" not in str(exc), suffix
        with pytest.raises(ImportFileError, match=re.escape(f"不支持的文件类型“.docx”，请上传 {ACCEPTED} 文件。")):
            read_workbook(b"PK\x03\x04", "a.docx")

    def test_the_engine_refuses_a_renamed_file_with_the_same_list(self):
        with pytest.raises(ImportFileError, match=re.escape(f"不是有效的表格文件（支持 {ACCEPTED}）")):
            read_workbook(PDF, "花名册.xlsx")
        with pytest.raises(ImportFileError, match=re.escape(f"不是有效的表格文件（支持 {ACCEPTED}）")):
            check_spreadsheet(TEXT, "花名册.xls")

    def test_no_page_or_module_writes_its_own_list(self):
        """A list of formats written out (".xlsx、.xls" or ".xlsx/.xls/…") anywhere but in
        imports/reading.py would drift from what the engine takes. The organisation import
        (org, read by common.excel, below the engine) is a separate reader with its own."""
        base = Path(settings.BASE_DIR)
        pattern = re.compile(r"\.xlsx?\s*[、/，,]\s*\.(xls|ods|csv)")
        allowed = {base / "imports/reading.py", base / "common/excel.py"}
        found = []
        for root in ("templates", "imports", "cadre", "mentorship", "assessment", "training"):
            for path in (base / root).rglob("*"):
                mine = path.suffix in (".py", ".html") and path not in allowed and "tests" not in path.parts
                if mine and pattern.search(path.read_text(encoding="utf-8")):
                    found.append(str(path.relative_to(base)))
        assert found == []

    def test_the_list(self):
        assert ACCEPTED == ".xlsx、.xlsm、.xls、.ods、.csv" and reading.ACCEPTED is ACCEPTED
