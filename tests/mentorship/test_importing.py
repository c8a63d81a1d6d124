import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from mentorship.importing import mentor_import
from mentorship.models import Mentor, MentorKind

pytestmark = pytest.mark.django_db

HEADER = ["乡镇(街道)", "姓名", "导师类别", "工作单位", "职务", "联系电话", "专长", "可带人数"]


def workbook(path, rows, header=HEADER, title="白水镇导师库"):
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


ROWS = [
    ["白水镇", "王建华", "乡镇干部", "白水镇人民政府", "党委副书记", "13907461234", "基层治理、产业发展", 2],
    ["白水镇", "刘德明", "老干部", "原白水镇人大", "主席", "１３９０７４６５６７８"[:11], "矛盾调解", ""],
]


class TestMentorImport:
    def test_messy_file_imports_and_reimport_changes_nothing(self, tmp_path, county_user, township):
        path = workbook(tmp_path / "导师.xlsx", [*ROWS, [], ["合计", "2人"]])
        report = mentor_import(path, user=county_user, dry_run=False)
        assert report.ok and report.counts["created"] == 2
        wang = Mentor.objects.get(name="王建华")
        assert (wang.kind, wang.max_mentees, wang.specialties) == (MentorKind.TOWNSHIP_CADRE, 2, "基层治理、产业发展")
        liu = Mentor.objects.get(name="刘德明")
        assert (liu.kind, liu.phone, liu.max_mentees) == (MentorKind.RETIRED_CADRE, "13907465678", 1)
        assert liu.history.get().history_user == county_user
        again = mentor_import(path, user=county_user, dry_run=False)
        assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "errors": 0}

    def test_a_changed_row_updates_only_that_mentor(self, tmp_path, county_user, township):
        mentor_import(workbook(tmp_path / "a.xlsx", ROWS), user=county_user, dry_run=False)
        changed = [ROWS[0][:4] + ["党委书记"] + ROWS[0][5:], ROWS[1]]
        report = mentor_import(workbook(tmp_path / "b.xlsx", changed), user=county_user, dry_run=False)
        assert report.counts == {"created": 0, "updated": 1, "unchanged": 1, "errors": 0}
        assert [o.changes for o in report.outcomes if o.changes] == [[("post", "党委副书记", "党委书记")]]
        assert Mentor.objects.get(name="王建华").post == "党委书记"

    def test_one_bad_row_imports_nothing_and_every_error_is_explained(self, tmp_path, county_user, township):
        rows = [
            ROWS[0],
            ["白水镇", "赵六", "县长", "", "", "12345", "", 30],
            ["白水真", "钱七", "村书记", "", "", "13800000000", "", 1],
            ROWS[0],
        ]
        report = mentor_import(workbook(tmp_path / "bad.xlsx", rows), user=county_user, dry_run=False)
        assert [str(e) for e in report.errors] == [
            "第4行 导师类别: 无法识别“县长”，应为：县级领导、乡镇干部、村党组织书记、离退休干部、产业发展带头人、其他",
            "第4行 联系电话: 号码格式不正确：“12345”",
            "第4行 可带人数: 应为1到20之间的整数，表中为“30”",
            "第5行 乡镇(街道): 找不到乡镇(街道)“白水真”，是否为“白水镇”？",
            "第6行 姓名: 与第3行重复（同一乡镇、姓名和电话）",
        ]
        assert not Mentor.objects.exists()

    def test_a_wrong_phone_number_is_repeated_as_typed(self, tmp_path, county_user, township):
        typed = "１３８ ０００"  # full-width digits and a space, as typed with a Chinese input method
        rows = [["白水镇", "赵六", "乡镇干部", "", "", f" {typed} ", "", 1]]
        report = mentor_import(workbook(tmp_path / "bad.xlsx", rows), user=county_user, dry_run=True)
        assert [str(e) for e in report.errors] == [f"第3行 联系电话: 号码格式不正确：“{typed}”"]

    def test_township_secretary_imports_only_their_own(self, tmp_path, township_secretary, township, other_township):
        header = [h for h in HEADER if h != "乡镇(街道)"]
        own = mentor_import(workbook(tmp_path / "own.xlsx", [r[1:] for r in ROWS], header=header),
                            user=township_secretary, dry_run=False)  # fmt: skip
        assert own.ok and set(Mentor.objects.values_list("township__name", flat=True)) == {"白水镇"}
        other = mentor_import(workbook(tmp_path / "other.xlsx", [["龙山乡", *ROWS[0][1:]]]),
                              user=township_secretary, dry_run=True)  # fmt: skip
        assert [str(e) for e in other.errors] == ["第3行 乡镇(街道): 只能导入本乡镇（白水镇）的导师，表中为“龙山乡”"]

    def test_the_template_example_row_is_skipped(self, login, county_user, township):
        response = login(county_user).get(reverse("mentorship:mentor-import-template"))
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [c.value for c in sheet[1]] == [*HEADER[:7], "可带人数", "是否在库"]
        report = mentor_import(response.content, user=county_user, dry_run=True, filename="模板.xlsx")
        assert [str(e) for e in report.errors] == ["表格中没有可导入的数据行。"]


class TestMentorUploadPages:
    def test_upload_preview_confirm(self, login, county_user, township, tmp_path, django_capture_on_commit_callbacks):
        client = login(county_user)
        with open(workbook(tmp_path / "导师.xlsx", ROWS), "rb") as handle:
            preview = client.post(reverse("mentorship:mentor-import"), {"file": handle}, follow=True)
        record = preview.context["record"]
        assert record.counts["created"] == 2 and not Mentor.objects.exists()
        assert "联系电话</th>" in preview.content.decode()  # the identifier column of a mentor pool
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(reverse("imports:confirm", args=[record.pk]), follow=True)
        assert "导入完成" in done.content.decode() and reverse("mentorship:mentor-list") in done.content.decode()
        assert Mentor.objects.count() == 2

    def test_command(self, tmp_path, county_user, township):
        out = io.StringIO()
        call_command("import_mentors", str(workbook(tmp_path / "m.xlsx", ROWS)), "--user", "county", stdout=out)
        assert "新增2，更新0，无变化0，错误0" in out.getvalue()
        bad = workbook(tmp_path / "bad.xlsx", [["白水镇", "", "", "", "", "", "", ""]])
        with pytest.raises(CommandError):
            call_command("import_mentors", str(bad), "--user", "county", stdout=io.StringIO())
