"""Files nobody here wrote: a column the importer does not know is mapped in the preview
(and remembered for the unit), unknown columns are ignored explicitly, every sheet with a
header is read, and the command line takes the same mapping."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from cadre.models import Cadre
from imports.models import HeaderMapping, ImportRecord
from tests.queries import REQUEST_TRANSACTION
from tests.roster_files import HEADER, person, write_roster

pytestmark = pytest.mark.django_db

OWN_WORDS = [h if h != "来源" else "人员类型" for h in HEADER]  # a header no rule maps


def _upload(client, path):
    with open(path, "rb") as handle:
        return client.post(reverse("cadre:import"), {"file": handle}, follow=True)


def _map(client, record, choices: dict[str, str], sheets=None):
    """Post the mapping form as the browser does: every select sends its value, the
    automatic matches unchanged unless ``choices`` changes them."""
    headers = record.result["headers"]
    data = {"headers": len(headers)}
    for index, header in enumerate(headers):
        data[f"header-{index}"] = header["text"]
        data[f"map-{index}"] = choices.get(header["text"], header["key"] or "")
    if sheets is not None:
        data["sheet-panel"] = "1"
        data["sheet"] = sheets
    return client.post(reverse("imports:mapping", args=[record.pk]), data, follow=True)


@pytest.fixture
def own_words_file(tmp_path, village):
    people = [person(seq=101, 人员类型="返乡农民工"), person(name="王芳", seq=102, 人员类型="退役军人")]
    return write_roster(tmp_path / "自制花名册.xlsx", people, header=OWN_WORDS)


class TestColumnMapping:
    def test_a_missing_column_is_chosen_in_the_preview_and_remembered(self, login, township_secretary, own_words_file):
        client = login(township_secretary)
        page = _upload(client, own_words_file)
        record = page.context["record"]
        html = page.content.decode()
        # Not a dead end: the preview shows the mapping with the closest field first.
        assert record.state == ImportRecord.State.PREVIEWED and not record.result["ok"]
        assert "第2行的表头缺少以下列：来源。请为其选择对应的表格列。" in html
        # ... pre-selected for the header closest to the missing field, for the user to confirm.
        assert '<optgroup label="建议"><option value="source" selected>来源</option>' in html
        assert "还差一步：请确认表格列的对应" in html
        (header,) = [h for h in record.result["headers"] if h["text"] == "人员类型"]
        assert header["key"] is None and header["suggestions"][0] == "source"

        page = _map(client, record, {"人员类型": "source"})
        record.refresh_from_db()
        assert record.result["ok"] and record.counts["created"] == 2
        assert "共2行：将新增2人" in page.content.decode()
        mapping = HeaderMapping.objects.get()  # only what the user decided: not 姓名 → 姓名
        assert (mapping.township, mapping.header, mapping.field, mapping.chosen_by) == (
            township_secretary.township, "人员类型", "source", township_secretary,
        )  # fmt: skip

        # The next file from this township maps itself, and imports.
        again = _upload(client, own_words_file).context["record"]
        assert again.result["ok"] and not again.result["needs_mapping"]
        assert [h["how"] for h in again.result["headers"] if h["text"] == "人员类型"] == ["chosen"]
        client.post(reverse("imports:confirm", args=[again.pk]))
        assert dict(Cadre.objects.values_list("name", "source")) == {"李明": "returned_migrant", "王芳": "veteran"}

    def test_another_township_does_not_inherit_the_mapping(
        self, login, township_secretary, county_user, own_words_file
    ):
        HeaderMapping.objects.create(
            kind="roster", township=township_secretary.township, header="人员类型", field="source"
        )
        record = _upload(login(county_user), own_words_file).context["record"]
        assert record.result["missing"] == ["source"]

    def test_remembered_mappings_can_be_seen_and_reset(self, login, township_secretary, own_words_file):
        client = login(township_secretary)
        record = _upload(client, own_words_file).context["record"]
        _map(client, record, {"人员类型": "source"})
        page = client.get(reverse("imports:mappings"))
        assert "人员类型" in page.content.decode()
        client.post(reverse("imports:mappings"), {"pk": HeaderMapping.objects.get().pk})
        assert not HeaderMapping.objects.exists()
        assert _upload(client, own_words_file).context["record"].result["missing"] == ["source"]

    def test_an_unknown_column_is_shown_and_can_be_ignored_explicitly(self, login, county_user, tmp_path, village):
        header = [*HEADER, "家庭住址"]
        path = write_roster(tmp_path / "多一列.xlsx", [person(家庭住址="枫树村3组")], header=header)
        client = login(county_user)
        record = _upload(client, path).context["record"]
        # The people are fine: the preview can be confirmed, the extra column is flagged.
        assert record.result["ok"] and record.result["needs_mapping"]
        assert [h["text"] for h in record.result["headers"] if h["key"] is None] == ["家庭住址"]
        _map(client, record, {"家庭住址": "__ignore__"})
        record.refresh_from_db()
        assert record.result["ok"] and not record.result["needs_mapping"]
        assert HeaderMapping.objects.get().field == ""


def _sheets_workbook(path):
    """One sheet per village, a notes sheet without a header, and Excel's empty Sheet3."""
    workbook = Workbook()
    first = workbook.active
    first.title = "枫树村"
    second = workbook.create_sheet("石桥村")
    for sheet, people in ((first, [person(seq=101)]), (second, [person(name="王芳", seq=102, 性别="男")])):
        sheet.append(["白水镇村级后备干部花名册"])
        sheet.append(HEADER)
        for row in people:
            sheet.append([row.get(h, "") for h in HEADER])
    notes = workbook.create_sheet("填表说明")
    notes.append(["1. 身份证号请设为文本格式"])
    notes.append(["2. 学历填最高学历"])
    workbook.create_sheet("Sheet3")
    workbook.save(path)
    return path


class TestSeveralSheets:
    def test_every_sheet_with_a_header_is_read_and_rows_name_their_sheet(self, login, county_user, tmp_path, village):
        client = login(county_user)
        page = _upload(client, _sheets_workbook(tmp_path / "白水镇.xlsx"))
        record = page.context["record"]
        html = page.content.decode()
        assert record.counts == {"created": 1, "updated": 0, "unchanged": 0, "errors": 1}
        assert [(s["name"], s["rows"], s["skipped"]) for s in record.result["sheets"]] == [
            ("枫树村", 1, False), ("石桥村", 1, False), ("填表说明", 0, True),
        ]  # fmt: skip
        assert "填表说明（未找到表头，已跳过）" in html
        assert "石桥村!第3行" in html and "性别：与身份证号不符，身份证号中为女" in html

        # Untick the sheet with the bad row: the rest can be imported.
        _map(client, record, {}, sheets=["枫树村"])
        record.refresh_from_db()
        assert record.result["ok"] and record.counts == {"created": 1, "updated": 0, "unchanged": 0, "errors": 0}
        client.post(reverse("imports:confirm", args=[record.pk]))
        assert list(Cadre.objects.values_list("name", flat=True)) == ["李明"]

    def test_messages_name_the_sheet(self, county_user, tmp_path, village):
        from cadre.roster import roster_import

        report = roster_import(_sheets_workbook(tmp_path / "白水镇.xlsx"), user=county_user, dry_run=True)
        assert [str(e) for e in report.errors] == ["石桥村!第3行 性别: 与身份证号不符，身份证号中为女"]


class TestCommandLineMapping:
    def test_unmapped_headers_are_listed_with_suggestions(self, county_user, own_words_file):
        err = io.StringIO()
        with pytest.raises(CommandError):
            call_command("import_roster", str(own_words_file), "--user", "county", stdout=io.StringIO(), stderr=err)
        assert "未能对应的表头“人员类型”（可能是：来源" in err.getvalue()
        assert "第2行的表头缺少以下列：来源。" in err.getvalue()

    def test_map_option(self, county_user, own_words_file):
        out = io.StringIO()
        call_command("import_roster", str(own_words_file), "--user", "county", "--map", "人员类型=来源", stdout=out)
        assert "新增2" in out.getvalue() and Cadre.objects.count() == 2

    def test_a_map_to_an_unknown_field_says_which_fields_exist(self, county_user, own_words_file):
        with pytest.raises(CommandError, match="没有名为“人员”的字段，可选：序号、乡镇"):
            call_command("import_roster", str(own_words_file), "--user", "county", "--map", "人员类型=人员")


def test_a_step_that_fails_unexpectedly_refuses_the_record_instead_of_spinning(county_user):
    from imports.services import import_check

    record = ImportRecord.objects.create(
        user=county_user, kind="roster", filename="花名册.xlsx", sha256="0" * 64, file="roster_imports/gone.bin"
    )
    with pytest.raises(FileNotFoundError):
        import_check(record.pk)
    record.refresh_from_db()
    assert (record.state, record.refused_reason) == (
        ImportRecord.State.REFUSED,
        "处理文件时出错，未导入任何数据。请稍后重试，或联系管理员。",
    )
    import_check(record.pk)  # delivered again: nothing to do


class TestQueryCounts:
    @pytest.mark.parametrize("people", [2, 40])
    def test_the_record_page_does_not_grow_with_the_file(
        self, login, county_user, tmp_path, village, people, django_assert_num_queries
    ):
        path = write_roster(tmp_path / "花名册.xlsx", [person(seq=100 + i, name=f"人{i}") for i in range(people)])
        client = login(county_user)
        record = _upload(client, path).context["record"]
        # session, user, the record (the preview is stored with it)
        with django_assert_num_queries(3 + REQUEST_TRANSACTION):
            assert client.get(reverse("imports:record", args=[record.pk])).status_code == 200

    @pytest.mark.parametrize("mappings", [1, 30])
    def test_the_mappings_page(self, login, township_secretary, mappings, django_assert_num_queries):
        for i in range(mappings):
            HeaderMapping.objects.create(
                kind="roster", township=township_secretary.township, header=f"列{i}", field="source",
                chosen_by=township_secretary,
            )  # fmt: skip
        client = login(township_secretary)
        # session, user, the mappings with their units and who chose them
        with django_assert_num_queries(3 + REQUEST_TRANSACTION):
            assert client.get(reverse("imports:mappings")).status_code == 200
