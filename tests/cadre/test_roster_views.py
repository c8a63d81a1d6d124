import datetime as dt
import io
import os
import time

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cadre.models import Cadre
from cadre.roster import roster_import
from imports.models import ImportRecord
from tests.factories import CadreFactory
from tests.queries import REQUEST_TRANSACTION
from tests.roster_files import person, write_roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(tmp_path, village):
    return write_roster(tmp_path / "白水镇花名册.xlsx", [person(name="李明", seq=101), person(name="王芳", seq=102)])


def _upload(client, path):
    """Upload through the page; the check runs in-process (the embedded mode) and the
    browser lands on the record page, which shows the preview."""
    with open(path, "rb") as handle:
        return client.post(reverse("cadre:import"), {"file": handle}, follow=True)


def _confirm(client, record, capture):
    with capture(execute=True):
        return client.post(reverse("imports:confirm", args=[record.pk]), follow=True)


def _assert_refused(record, reason):
    """A refused confirmation is recorded (not rolled back with the refusal) and the
    uploaded file, personal data, is gone from the disk."""
    path = record.file.path
    record.refresh_from_db()
    assert (record.state, record.refused_reason) == (ImportRecord.State.REFUSED, reason)
    assert not record.file and not os.path.exists(path)


class TestUploadAndConfirm:
    def test_preview_writes_nothing_and_confirm_imports(
        self, login, township_secretary, roster, django_capture_on_commit_callbacks
    ):
        client = login(township_secretary)
        preview = _upload(client, roster)
        assert preview.status_code == 200
        record = preview.context["record"]
        assert record.state == ImportRecord.State.PREVIEWED
        assert record.counts == {"created": 2, "updated": 0, "unchanged": 0, "errors": 0}
        assert "共2行：将新增2人，将更新0人，0人无变化。" in preview.content.decode()
        assert not Cadre.objects.exists()
        response = _confirm(client, record, django_capture_on_commit_callbacks)
        assert "导入完成。共2行：已新增2人，已更新0人，0人无变化。" in response.content.decode()
        assert set(Cadre.objects.values_list("name", flat=True)) == {"李明", "王芳"}
        record.refresh_from_db()
        assert record.state == ImportRecord.State.APPLIED and record.counts["created"] == 2
        assert not record.file  # the uploaded copy is deleted once imported
        history = Cadre.objects.get(name="李明").history.get()
        assert (history.history_user, history.history_change_reason) == (
            township_secretary,
            "花名册导入：白水镇花名册.xlsx",
        )

    def test_a_preview_cannot_be_confirmed_twice(self, login, county_user, roster, django_capture_on_commit_callbacks):
        client = login(county_user)
        record = _upload(client, roster).context["record"]
        _confirm(client, record, django_capture_on_commit_callbacks)
        again = _confirm(client, record, django_capture_on_commit_callbacks)
        assert "这份预览已经处理过，不能重复导入。" in again.content.decode()
        assert Cadre.objects.count() == 2

    def test_a_stale_preview_is_refused(self, login, county_user, roster, django_capture_on_commit_callbacks):
        client = login(county_user)
        record = _upload(client, roster).context["record"]
        ImportRecord.objects.filter(pk=record.pk).update(previewed_at=timezone.now() - dt.timedelta(minutes=31))
        response = _confirm(client, record, django_capture_on_commit_callbacks)
        assert "预览已超过30分钟，请重新上传文件并预览。" in response.content.decode()
        assert not Cadre.objects.exists()
        _assert_refused(record, "预览已超过30分钟，请重新上传文件并预览。")

    def test_a_preview_whose_file_changed_is_refused(
        self, login, county_user, roster, django_capture_on_commit_callbacks
    ):
        client = login(county_user)
        record = _upload(client, roster).context["record"]
        with record.file.open("wb") as handle:
            handle.write(b"tampered")
        response = _confirm(client, record, django_capture_on_commit_callbacks)
        assert "预览之后文件已被改动，请重新上传并预览。" in response.content.decode()
        assert not Cadre.objects.exists()
        _assert_refused(record, "预览之后文件已被改动，请重新上传并预览。")

    def test_a_preview_is_refused_when_the_database_changed_since(
        self, login, county_user, roster, village, django_capture_on_commit_callbacks
    ):
        client = login(county_user)
        record = _upload(client, roster).context["record"]
        roster_import(roster, user=county_user, dry_run=False)  # someone imported it meanwhile
        response = _confirm(client, record, django_capture_on_commit_callbacks)
        assert "预览之后，文件或系统中的数据已发生变化，请重新上传并预览。" in response.content.decode()
        assert Cadre.objects.count() == 2
        _assert_refused(record, "预览之后，文件或系统中的数据已发生变化，请重新上传并预览。")

    def test_another_users_preview_is_not_found(self, login, county_user, township_secretary, roster):
        record = _upload(login(county_user), roster).context["record"]
        other = login(township_secretary)
        assert other.get(reverse("imports:record", args=[record.pk])).status_code == 404
        assert other.post(reverse("imports:confirm", args=[record.pk])).status_code == 404
        assert not Cadre.objects.exists()

    def test_a_file_with_errors_shows_them_by_row_and_column(
        self, login, county_user, tmp_path, village, django_capture_on_commit_callbacks
    ):
        path = write_roster(tmp_path / "bad.xlsx", [person(seq=101), person(name="王芳", seq=102, 性别="男")])
        with django_capture_on_commit_callbacks(execute=True):
            preview = _upload(login(county_user), path)
        html = preview.content.decode()
        assert "性别：与身份证号不符，身份证号中为女" in html
        assert "未导入任何数据" in html and "确认导入</button>" not in html
        record = preview.context["record"]
        record.refresh_from_db()
        assert record.state == ImportRecord.State.REFUSED and not record.file  # fix the file, upload again

    def test_leaders_cannot_import(self, login, leader, roster):
        client = login(leader)
        assert client.get(reverse("cadre:import")).status_code == 403
        assert _upload(client, roster).status_code == 403

    def test_a_file_that_is_no_spreadsheet_is_refused_on_the_form(self, login, county_user, tmp_path):
        path = tmp_path / "照片.jpg"
        path.write_bytes(b"\xff\xd8\xff")
        response = _upload(login(county_user), path)
        html = response.content.decode()
        assert response.status_code == 200 and response.redirect_chain == []  # the upload page again
        assert "不支持的文件类型“.jpg”" in html and "表单有误，所选文件尚未保存，请重新选择" in html
        assert not ImportRecord.objects.exists()  # nothing stored for it

    def test_a_roster_preview_names_the_id_number_as_typed(
        self, login, county_user, tmp_path, village, django_capture_on_commit_callbacks
    ):
        path = write_roster(tmp_path / "bad.xlsx", [person(seq=101, **{"身份证号": "4311211995031410"})])
        with django_capture_on_commit_callbacks(execute=True):
            html = _upload(login(county_user), path).content.decode()
        assert "身份证号应为18位，实际为16位（表中填写为“4311211995031410”）" in html
        # At phone width the rows are stacked, the error under the name at full width.
        phone = html[html.index('id="preview-rows"') : html.index("</ul>", html.index('id="preview-rows"'))]
        assert "（表中填写为“4311211995031410”）" in phone

    def test_county_staff_follow_a_township_preview_but_only_its_uploader_confirms_it(
        self, login, county_user, township_secretary, tmp_path, village, django_capture_on_commit_callbacks
    ):
        path = write_roster(tmp_path / "白水镇.xlsx", [person(seq=101)])
        with django_capture_on_commit_callbacks(execute=True):
            record = _upload(login(township_secretary), path).context["record"]
        county = login(county_user)
        page = county.get(reverse("imports:record", args=[record.pk]))
        html = page.content.decode()
        assert page.status_code == 200 and "确认导入</button>" not in html and "您只能查看" in html
        assert county.post(reverse("imports:confirm", args=[record.pk])).status_code == 404
        assert county.post(reverse("imports:mapping", args=[record.pk]), {"headers": 0}).status_code == 404
        record.refresh_from_db()
        assert record.state == ImportRecord.State.PREVIEWED


class TestTemplateAndExport:
    def test_the_template_has_headers_drop_downs_and_an_example_that_is_not_imported(self, login, county_user):
        response = login(county_user).get(reverse("cadre:import-template"))
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [c.value for c in sheet[1]][:8] == [
            "序号",
            "乡镇(街道)",
            "村(社区)",
            "姓名",
            "性别",
            "民族",
            "身份证号",
            "出生年月",
        ]
        lists = [dv.formula1 for dv in sheet.data_validations.dataValidation]
        assert '"男,女"' in lists
        assert '"初中及以下,高中/中专,大专,本科,研究生"' in lists
        assert len(lists) == 5  # gender, education, political status, source, tier
        assert sheet["A2"].value == "示例"
        report = roster_import(response.content, user=county_user, dry_run=True, filename="模板.xlsx")
        assert [str(e) for e in report.errors] == ["表格中没有可导入的数据行。"]

    def test_export_reimports_unchanged_and_escapes_formulas(self, login, county_user, cadre, other_cadre):
        Cadre.objects.filter(pk=cadre.pk).update(notes='=HYPERLINK("http://evil","点我")', phone="13800001111")
        client = login(county_user)
        response = client.get(reverse("cadre:export"))
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(response.content)).active
        notes_col = [c.value for c in sheet[1]].index("备注")
        row = next(r for r in sheet.iter_rows(min_row=2) if r[2].value == "李明")
        assert row[notes_col].data_type == "s" and row[notes_col].quotePrefix
        assert row[notes_col].value == '=HYPERLINK("http://evil","点我")'
        report = roster_import(response.content, user=county_user, dry_run=True, filename="export.xlsx")
        assert report.ok and report.counts == {"created": 0, "updated": 0, "unchanged": 2, "errors": 0}

    def test_export_follows_the_filters_and_the_township(
        self, login, township_secretary, county_user, cadre, other_cadre
    ):
        sheet = load_workbook(io.BytesIO(login(township_secretary).get(reverse("cadre:export")).content)).active
        assert [r[2].value for r in sheet.iter_rows(min_row=2)] == ["李明"]
        filtered = login(county_user).get(reverse("cadre:export"), {"q": "王芳"})
        sheet = load_workbook(io.BytesIO(filtered.content)).active
        assert [r[2].value for r in sheet.iter_rows(min_row=2)] == ["王芳"]

    def test_export_query_count_does_not_grow_with_rows(
        self, login, county_user, village, django_assert_max_num_queries
    ):
        for _ in range(30):
            CadreFactory(village=village)
        client = login(county_user)
        # session, user, the cadres with their units
        with django_assert_max_num_queries(3 + REQUEST_TRANSACTION):
            client.get(reverse("cadre:export"))

    def test_leaders_export_what_they_read_masked(self, login, leader, cadre):
        Cadre.objects.filter(pk=cadre.pk).update(phone="13800001111")
        response = login(leader).get(reverse("cadre:export"))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        headers = [c.value for c in sheet[1]]
        row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[2] == "李明")
        id_number, phone = row[headers.index("身份证号")], row[headers.index("联系电话")]
        assert id_number == cadre.id_number[:4] + "*" * 10 + cadre.id_number[-4:]
        assert phone == "138****1111"
        assert cadre.id_number.encode() not in response.content
        page = login(leader).get(reverse("cadre:list")).content.decode()
        assert "导出当前列表" in page and "导入花名册" not in page


class TestCommand:
    def test_dry_run_reports_and_writes_nothing(self, roster, county_user):
        out = io.StringIO()
        call_command("import_roster", str(roster), "--dry-run", "--user", "county", stdout=out)
        assert "新增2，更新0，无变化0，错误0" in out.getvalue()
        assert not Cadre.objects.exists()

    def test_import_then_reimport_reports_no_changes(self, roster, county_user):
        call_command("import_roster", str(roster), "--user", "county", stdout=io.StringIO())
        out = io.StringIO()
        call_command("import_roster", str(roster), "--user", "county", stdout=out)
        assert "与系统中的数据完全一致，没有需要导入的变化" in out.getvalue()
        assert Cadre.objects.count() == 2

    def test_errors_exit_non_zero_and_write_nothing(self, tmp_path, village, county_user):
        path = write_roster(
            tmp_path / "bad.xlsx", [person(seq=101), person(name="王芳", seq=102, **{"村(社区)": "不存在村"})]
        )
        out = io.StringIO()
        with pytest.raises(CommandError) as exc:
            call_command("import_roster", str(path), "--user", "county", stdout=out)
        assert "第4行 村(社区): 白水镇下找不到村(社区)“不存在村”" in out.getvalue()
        assert "共2行，其中1行有错误" in str(exc.value)
        assert not Cadre.objects.exists()


class TestExpiredPreviews:
    def test_the_purge_task_run_by_a_worker_deletes_unconfirmed_files(self, celery_worker, county_user, roster):
        from imports.tasks import purge_expired_previews

        old, fresh = (_checked(county_user, roster, name) for name in ("旧.xlsx", "新.xlsx"))
        ImportRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(minutes=31))
        old_path, fresh_path = old.file.path, fresh.file.path

        assert purge_expired_previews.delay().get(timeout=30) == 1

        _assert_refused(old, "预览超过30分钟未确认，已作废，上传的文件已删除。")
        fresh.refresh_from_db()
        assert fresh.state == ImportRecord.State.PREVIEWED and os.path.exists(fresh_path)
        assert not os.path.exists(old_path)
        assert purge_expired_previews.delay().get(timeout=30) == 0  # nothing left to purge


def _checked(user, path, filename):
    """An uploaded file the worker has checked (the preview)."""
    from imports.services import import_upload

    record = import_upload(user=user, kind="roster", filename=filename, data=path.read_bytes())
    for _ in range(100):
        record.refresh_from_db()
        if record.state != ImportRecord.State.CHECKING:
            return record
        time.sleep(0.1)
    raise AssertionError("the worker did not check the file")
