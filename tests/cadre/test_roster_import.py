"""The roster importer against small hand-made workbooks, one quirk of real township files
at a time: each test asserts the exact rows written and the exact messages shown."""

import csv
import datetime as dt
import io
import os
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from cadre.models import Cadre, Education, PoliticalStatus, Source, Status, Tier
from cadre.roster import roster_import
from cadre.services import cadre_update
from imports import reading
from tests.factories import CadreFactory, CountyFactory, TownshipFactory, VillageFactory, make_id_number
from tests.roster_files import HEADER, person, write_roster

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1995, 3, 14)
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Sheet rows as Excel numbers them in a write_roster file: title, header, then the people.
FIRST = 3
ALLOWED_EDUCATION = "初中及以下、高中/中专、大专、本科、研究生"


def run(path, user, *, dry_run=False, **kwargs):
    return roster_import(path, user=user, dry_run=dry_run, **kwargs)


def errors(report) -> list[str]:
    return [str(error) for error in report.errors]


def number(seq=101, birth=BIRTH) -> str:
    return make_id_number(birth=birth, seq=seq)


def serial(day: dt.date) -> int:
    return (day - EXCEL_EPOCH).days


def history_count() -> int:
    return Cadre.history.model.objects.count()


def assert_nothing_written():
    assert not Cadre.objects.exists()
    assert history_count() == 0


def write_sheet(path, rows, *, merges=()):
    """Cells exactly as given (lists of values, [] for a blank row), with merged ranges."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    workbook.save(path)
    return path


def cells(row: dict, header=HEADER) -> list:
    """A person() row as the cells under ``header`` (序号 left blank)."""
    return [row.get(h, "") for h in header]


def write_csv(path, rows, *, encoding="utf-8", header=HEADER):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["白水镇村级后备干部花名册"])
    writer.writerow(header)
    for index, row in enumerate(rows, start=1):
        writer.writerow([index if h == "序号" else row.get(h, "") for h in header])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


@pytest.fixture
def baili(township):
    """A second village of 白水镇."""
    return VillageFactory(township=township, name="八里村")


class TestSheetLayout:
    @pytest.mark.parametrize("id_header", ["身份证号", "身份证号码", "公民身份号码"])
    def test_the_header_is_found_below_the_merged_title_under_any_of_its_names(
        self, tmp_path, county_user, village, id_header
    ):
        header = [id_header if h == "身份证号" else h for h in HEADER]
        header = ["出生日期" if h == "出生年月" else "文化程度" if h == "学历" else h for h in header]
        path = write_roster(tmp_path / "花名册.xlsx", [person(**{"学历": "本科"})], header=header)

        report = run(path, county_user)

        assert errors(report) == []
        assert report.counts == {"created": 1, "updated": 0, "unchanged": 0, "errors": 0}
        assert [(o.row, o.action, o.name) for o in report.outcomes] == [(FIRST, "create", "李明")]
        cadre = Cadre.objects.get()
        assert cadre.id_number == number()
        assert cadre.education == Education.BACHELOR
        assert cadre.birth_date == BIRTH
        assert cadre.village == village

    def test_header_spellings_with_full_width_brackets_stars_and_name_suffix(self, tmp_path, county_user, village):
        header = ["序号", "乡镇（街道）", "村名称", "* 姓 名", "性别", "*身份证号码", "联系方式", "*文化程度",
                  "*政治面貌", "入党日期", "*人员来源", "后备层级"]  # fmt: skip
        row = ["1", "白水镇", "枫树村", "李明", "男", number(), "13812345678", "大专", "中共党员", "2018.07",
               "退伍军人", "镇级"]  # fmt: skip
        path = write_sheet(
            tmp_path / "花名册.xlsx",
            [
                ["白水镇村级后备干部花名册"],
                ["填报单位：白水镇党委（盖章）", "", "", "", "填报时间：2024年3月"],
                header,
                row,
            ],
            merges=["A1:L1"],
        )

        report = run(path, county_user)

        assert errors(report) == []
        assert [(o.row, o.action) for o in report.outcomes] == [(4, "create")]
        cadre = Cadre.objects.get()
        assert (cadre.name, cadre.phone, cadre.political_status, cadre.party_joined_on, cadre.source, cadre.tier) == (
            "李明",
            "13812345678",
            PoliticalStatus.MEMBER,
            dt.date(2018, 7, 1),
            Source.VETERAN,
            Tier.TOWNSHIP,
        )
        # Columns the file does not have take their defaults.
        assert (cadre.ethnicity, cadre.current_job, cadre.specialty, cadre.notes) == ("汉族", "", "", "")

    def test_blank_rows_between_villages_and_the_total_row_are_ignored(self, tmp_path, county_user, village, baili):
        rows = [
            person(name="李明", seq=101),
            person(name="王芳", seq=102),
            None,
            None,
            person(village="八里村", name="赵强", seq=103),
        ]
        path = write_roster(tmp_path / "花名册.xlsx", rows)  # ends with the row "合计 | 3人"

        report = run(path, county_user)

        assert errors(report) == []
        assert [(o.row, o.action, o.name) for o in report.outcomes] == [
            (3, "create", "李明"),
            (4, "create", "王芳"),
            (7, "create", "赵强"),
        ]
        assert sorted(Cadre.objects.values_list("name", "village__name")) == [
            ("李明", "枫树村"),
            ("王芳", "枫树村"),
            ("赵强", "八里村"),
        ]

    def test_a_section_title_merged_across_the_row_is_ignored(self, tmp_path, county_user, village, baili):
        rows = [
            ["白水镇村级后备干部花名册"],
            HEADER,
            ["一、枫树村"],
            cells(person(name="李明", seq=101)),
            [],
            ["二、八里村"],
            cells(person(village="八里村", name="赵强", seq=103)),
        ]
        path = write_sheet(tmp_path / "花名册.xlsx", rows, merges=["A1:Q1", "A3:Q3", "A6:Q6"])

        report = run(path, county_user)

        assert errors(report) == []
        assert [(o.row, o.name) for o in report.outcomes] == [(4, "李明"), (7, "赵强")]
        assert Cadre.objects.count() == 2

    def test_a_section_title_in_a_single_cell_is_ignored(self, tmp_path, county_user, village):
        rows = [["白水镇村级后备干部花名册"], HEADER, ["", "一、枫树村"], cells(person())]
        path = write_sheet(tmp_path / "花名册.xlsx", rows, merges=["A1:Q1"])

        report = run(path, county_user)

        assert errors(report) == []
        assert [(o.row, o.name) for o in report.outcomes] == [(4, "李明")]

    def test_signature_rows_are_ignored(self, tmp_path, county_user, village):
        signature = ["", "填表人：张三", "", "", "", "", "", "", "", "审核人：李四", "", "", "填表日期：2024年3月1日"]
        rows = [["白水镇村级后备干部花名册"], HEADER, cells(person()), signature]
        path = write_sheet(tmp_path / "花名册.xlsx", rows, merges=["A1:Q1"])

        report = run(path, county_user)

        assert errors(report) == []
        assert [(o.row, o.name) for o in report.outcomes] == [(3, "李明")]

    @pytest.mark.parametrize(
        "total",
        [
            ["合计", "2人"],  # write_roster's own total row
            ["", "合计", "", "2人"],
            ["合计", "", "", "2人"],  # the label under 序号, the count under 姓名
            ["总计：2人"],
        ],
    )
    def test_a_total_row_at_the_end_is_ignored(self, tmp_path, county_user, village, total):
        people = [cells(person(seq=101)), cells(person(seq=103, name="王强"))]
        rows = [["白水镇村级后备干部花名册"], HEADER, *people, total]
        path = write_sheet(tmp_path / "花名册.xlsx", rows, merges=["A1:Q1"])

        report = run(path, county_user)

        assert errors(report) == []
        assert [(o.row, o.name) for o in report.outcomes] == [(3, "李明"), (4, "王强")]
        assert Cadre.objects.count() == 2

    def test_a_township_cell_merged_down_over_its_villages_applies_to_every_row(
        self, tmp_path, county_user, village, baili
    ):
        first, second = person(name="李明", seq=101), person(village="八里村", name="赵强", seq=103)
        second["乡镇(街道)"] = ""
        rows = [["白水镇村级后备干部花名册"], HEADER, cells(first), cells(second)]
        path = write_sheet(tmp_path / "花名册.xlsx", rows, merges=["A1:Q1", "B3:B4"])

        report = run(path, county_user)

        assert errors(report) == []
        assert sorted(Cadre.objects.values_list("name", "village__township__name", "village__name")) == [
            ("李明", "白水镇", "枫树村"),
            ("赵强", "白水镇", "八里村"),
        ]


class TestNormalisation:
    def test_full_width_digits_and_spaces_in_id_numbers_phones_and_names(self, tmp_path, county_user, village):
        full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in number())
        row = person(
            name="李\u3000明",
            **{"身份证号": f" {full_width[:6]} {full_width[6:14]}\u3000{full_width[14:]} ",
               "联系电话": "１３８ １２３４ ５６７８", "村(社区)": "枫树 村", "民族": "汉"},
        )  # fmt: skip
        path = write_roster(tmp_path / "花名册.xlsx", [row])

        report = run(path, county_user)

        assert errors(report) == []
        cadre = Cadre.objects.get()
        assert (cadre.name, cadre.id_number, cadre.phone, cadre.village, cadre.ethnicity) == (
            "李明",
            number(),
            "13812345678",
            village,
            "汉族",
        )

    def test_a_lower_case_x_check_digit_is_accepted_and_stored_as_x(self, tmp_path, county_user, village):
        upper = number(seq=118)
        assert upper.endswith("X")
        path = write_roster(tmp_path / "花名册.xlsx", [person(seq=118, **{"身份证号": upper.lower()})])

        report = run(path, county_user)

        assert errors(report) == []
        assert Cadre.objects.get().id_number == upper
        # The same file again finds the stored record.
        assert run(path, county_user).counts["unchanged"] == 1

    def test_a_phone_typed_as_a_number_cell_is_read_as_digits(self, tmp_path, county_user, village):
        path = write_roster(tmp_path / "花名册.xlsx", [person(**{"联系电话": 13812345678})])

        report = run(path, county_user)

        assert errors(report) == []
        assert Cadre.objects.get().phone == "13812345678"

    def test_a_malformed_phone_is_reported(self, tmp_path, county_user, village):
        rows = [person(seq=101, **{"联系电话": "138 1234 567"}), person(seq=103, **{"联系电话": "0759-2345678"})]
        path = write_roster(tmp_path / "花名册.xlsx", rows)

        report = run(path, county_user)

        assert errors(report) == ["第3行 联系电话: 号码格式不正确：“1381234567”"]
        assert_nothing_written()


class TestDates:
    BORN = dt.date(1990, 5, 3)

    @pytest.mark.parametrize(
        "written",
        ["1990.05", "1990年5月", "1990/5/3", "1990-5-3", "1990年5月3日", "19900503", 1990.05,
         dt.date(1990, 5, 3), dt.datetime(1990, 5, 3), serial(dt.date(1990, 5, 3)), float(serial(BORN))],
    )  # fmt: skip
    def test_birth_dates_in_every_shape_agree_with_the_id_number(self, tmp_path, county_user, village, written):
        path = write_roster(tmp_path / "花名册.xlsx", [person(birth=self.BORN, **{"出生年月": written})])

        report = run(path, county_user)

        assert errors(report) == []
        assert Cadre.objects.get().birth_date == self.BORN

    @pytest.mark.parametrize(
        ("written", "stored"),
        [
            ("2015.07", dt.date(2015, 7, 1)),
            ("2015年7月", dt.date(2015, 7, 1)),
            ("2015/7/3", dt.date(2015, 7, 3)),
            ("2015-7-3", dt.date(2015, 7, 3)),
            (dt.date(2015, 7, 3), dt.date(2015, 7, 3)),
            (serial(dt.date(2015, 7, 3)), dt.date(2015, 7, 3)),
            (2015.07, dt.date(2015, 7, 1)),
            (2015.1, dt.date(2015, 10, 1)),  # Excel shows 2015.10 typed into a number cell as 2015.1
            ("", None),
        ],
    )
    def test_party_joining_dates_in_every_shape(self, tmp_path, county_user, village, written, stored):
        row = person(**{"政治面貌": "中共党员", "入党时间": written})
        path = write_roster(tmp_path / "花名册.xlsx", [row])

        report = run(path, county_user)

        assert errors(report) == []
        assert Cadre.objects.get().party_joined_on == stored

    def test_an_unreadable_date_is_reported_with_the_accepted_shapes(self, tmp_path, county_user, village):
        rows = [
            person(seq=101, **{"政治面貌": "党员", "入党时间": "2015.13"}),
            person(seq=103, **{"出生年月": "九五年三月"}),
        ]
        path = write_roster(tmp_path / "花名册.xlsx", rows)

        report = run(path, county_user)

        assert errors(report) == [
            "第3行 入党时间: 无法识别的日期“2015.13”，请写成1990-05-03、1990.05或1990年5月",
            "第4行 出生年月: 无法识别的日期“九五年三月”，请写成1990-05-03、1990.05或1990年5月",
        ]
        assert_nothing_written()

    def test_a_party_joining_date_for_a_non_member_is_refused(self, tmp_path, county_user, village):
        path = write_roster(tmp_path / "花名册.xlsx", [person(**{"政治面貌": "团员", "入党时间": "2015.07"})])

        report = run(path, county_user)

        assert errors(report) == ["第3行 入党时间: 只有中共党员或预备党员才能填写入党时间"]
        assert_nothing_written()

    def test_a_party_joining_date_before_the_birth_date_is_refused(self, tmp_path, county_user, village):
        # The rule of Cadre.clean: a record imported this way could never be saved again.
        path = write_roster(tmp_path / "花名册.xlsx", [person(**{"政治面貌": "党员", "入党时间": "1990.07"})])

        report = run(path, county_user)

        assert errors(report) == ["第3行 入党时间: 入党时间不能早于出生日期"]
        assert_nothing_written()


class TestIdNumber:
    def test_an_id_number_excel_turned_into_a_number_is_reported_as_damaged_and_never_saved(
        self, tmp_path, county_user, village
    ):
        rows = [person(seq=101), person(seq=103, name="王强", **{"身份证号": 4.40902199005e17})]
        path = write_roster(tmp_path / "花名册.xlsx", rows)

        report = run(path, county_user)

        assert errors(report) == [
            "第4行 身份证号: 已被Excel存成数字（4.40902E+17），后几位已经丢失；请把该列设为“文本”格式后重新填写"
        ]
        assert [(o.row, o.action) for o in report.outcomes] == [(3, "create"), (4, "error")]
        assert report.outcomes[1].id_number == ""
        assert_nothing_written()

    def test_the_scientific_notation_text_of_a_damaged_number_is_reported_too(self, tmp_path, county_user, village):
        path = write_csv(tmp_path / "花名册.csv", [person(**{"身份证号": "4.40902E+17"})])

        report = run(path, county_user)

        assert errors(report) == [
            "第3行 身份证号: 已被Excel存成数字（4.40902E+17），后几位已经丢失；请把该列设为“文本”格式后重新填写"
        ]
        assert_nothing_written()

    def test_a_gender_that_contradicts_the_id_number(self, tmp_path, county_user, village):
        path = write_roster(tmp_path / "花名册.xlsx", [person(seq=101, **{"性别": "女"})])

        report = run(path, county_user)

        assert errors(report) == ["第3行 性别: 与身份证号不符，身份证号中为男"]
        assert_nothing_written()

    def test_an_unknown_gender_label(self, tmp_path, county_user, village):
        path = write_roster(tmp_path / "花名册.xlsx", [person(**{"性别": "M"})])

        assert errors(run(path, county_user)) == ["第3行 性别: 无法识别“M”，应为：男、女"]

    @pytest.mark.parametrize(
        ("written", "message"),
        [
            ("1995.04", "与身份证号不符，身份证号中为1995年3月"),
            ("1995-03-15", "与身份证号不符，身份证号中为1995年3月14日"),
            (dt.date(1995, 3, 15), "与身份证号不符，身份证号中为1995年3月14日"),
            (1995.04, "与身份证号不符，身份证号中为1995年3月"),
        ],
    )
    def test_a_birth_date_that_contradicts_the_id_number(self, tmp_path, county_user, village, written, message):
        path = write_roster(tmp_path / "花名册.xlsx", [person(**{"出生年月": written})])

        report = run(path, county_user)

        assert errors(report) == [f"第3行 出生年月: {message}"]
        assert_nothing_written()

    def test_the_birth_date_and_gender_come_from_the_id_number_when_the_columns_are_blank(
        self, tmp_path, county_user, village
    ):
        path = write_roster(tmp_path / "花名册.xlsx", [person(seq=102, **{"性别": "", "出生年月": ""})])

        run(path, county_user)

        cadre = Cadre.objects.get()
        assert (cadre.birth_date, cadre.gender) == (BIRTH, "F")

    @pytest.mark.parametrize(
        ("written", "message"),
        [
            ("", "不能为空"),
            ("43112119950314101", "身份证号应为18位，实际为17位"),
            (number()[:17] + ("0" if number()[17] != "0" else "1"), f"校验位错误，应为{number()[17]}"),
            ("99112119950314101X", "身份证号地区码无效：991121"),
            ("431121199502301015", "身份证号中的出生日期无效：19950230"),
            ("43112119950314A01X", "身份证号前17位应为数字，末位为数字或X"),
        ],
    )
    def test_an_invalid_id_number(self, tmp_path, county_user, village, written, message):
        path = write_roster(tmp_path / "花名册.xlsx", [person(**{"身份证号": written})])

        report = run(path, county_user)

        typed = f"（表中填写为“{written}”）" if written else ""  # the cell as typed, to find the typo
        assert errors(report) == [f"第3行 身份证号: {message}{typed}"]
        assert_nothing_written()

    def test_a_wrong_id_number_is_repeated_as_typed_with_its_full_width_digits(self, tmp_path, county_user, village):
        typed = "４３１１２１１９９５０３１４１０１"  # 17 full-width digits, as a Chinese input method types them
        path = write_roster(tmp_path / "花名册.xlsx", [person(**{"身份证号": f" {typed} "})])

        report = run(path, county_user)

        assert errors(report) == [f"第3行 身份证号: 身份证号应为18位，实际为17位（表中填写为“{typed}”）"]
        assert report.outcomes[0].id_number == ""  # nothing valid to mask

    def test_the_same_id_number_twice_in_one_file_is_an_error_on_both_rows(self, tmp_path, county_user, village):
        twice = number(seq=118)
        rows = [person(seq=118, name="李明"), person(seq=103, name="王强"), person(seq=118, name="李明明")]
        rows[2]["身份证号"] = twice.lower()  # the same number, written differently
        path = write_roster(tmp_path / "花名册.xlsx", rows)

        report = run(path, county_user)

        masked = f"{twice[:4]}**********{twice[-4:]}"
        assert errors(report) == [
            f"第3行 身份证号: {masked}在本表中重复出现（第3、5行：李明、李明明）",
            f"第5行 身份证号: {masked}在本表中重复出现（第3、5行：李明、李明明）",
        ]
        assert [o.action for o in report.outcomes] == ["error", "create", "error"]
        assert_nothing_written()


class TestPlaces:
    def test_an_unknown_township_suggests_the_closest_name(self, tmp_path, county_user, village, other_village):
        path = write_roster(tmp_path / "花名册.xlsx", [person(township="白水乡")])

        report = run(path, county_user)

        assert errors(report) == ["第3行 乡镇(街道): 找不到乡镇(街道)“白水乡”，是否为“白水镇”？"]
        assert_nothing_written()

    def test_an_unknown_village_suggests_the_closest_name_in_its_township(
        self, tmp_path, county_user, village, other_village
    ):
        path = write_roster(tmp_path / "花名册.xlsx", [person(village="枫树屯"), person(seq=103, village="石桥村")])

        report = run(path, county_user)

        assert errors(report) == [
            "第3行 村(社区): 白水镇下找不到村(社区)“枫树屯”，是否为“枫树村”？",
            # 石桥村 exists, but in 龙山乡.
            "第4行 村(社区): 白水镇下找不到村(社区)“石桥村”",
        ]
        assert_nothing_written()

    def test_a_name_with_nothing_close_gets_no_suggestion(self, tmp_path, county_user, village):
        path = write_roster(tmp_path / "花名册.xlsx", [person(township="火星镇")])

        assert errors(run(path, county_user)) == ["第3行 乡镇(街道): 找不到乡镇(街道)“火星镇”"]

    def test_empty_place_and_name_cells(self, tmp_path, county_user, village):
        rows = [person(township=""), person(seq=103, village="", name="")]
        path = write_roster(tmp_path / "花名册.xlsx", rows)

        assert errors(run(path, county_user)) == [
            "第3行 乡镇(街道): 不能为空",
            "第4行 姓名: 不能为空",
            "第4行 村(社区): 不能为空",
        ]


class TestCodedFields:
    def test_labels_in_their_synonyms_map_to_codes(self, tmp_path, county_user, village):
        rows = [
            person(seq=101, **{"政治面貌": "党员", "学历": "本科", "来源": "退役军人", "层级": "县级",
                               "入党时间": "2016.07"}),
            person(seq=103, **{"政治面貌": "团员", "学历": "专科", "来源": "致富能手", "层级": ""}),
            person(seq=105, **{"政治面貌": "预备党员", "学历": "中专", "来源": "小组长", "层级": "镇"}),
        ]  # fmt: skip
        path = write_roster(tmp_path / "花名册.xlsx", rows)

        report = run(path, county_user)

        assert errors(report) == []
        got = Cadre.objects.order_by("id_number").values_list("political_status", "education", "source", "tier")
        assert list(got) == [
            (PoliticalStatus.MEMBER, Education.BACHELOR, Source.VETERAN, Tier.COUNTY),
            (PoliticalStatus.LEAGUE, Education.COLLEGE, Source.BUSINESS_LEADER, Tier.VILLAGE),
            (PoliticalStatus.PROBATIONARY, Education.SENIOR, Source.GROUP_LEADER, Tier.TOWNSHIP),
        ]

    def test_an_unknown_label_lists_the_allowed_ones(self, tmp_path, county_user, village):
        row = person(**{"学历": "中学", "政治面貌": "民主党派", "来源": "村干部", "层级": "省级"})
        path = write_roster(tmp_path / "花名册.xlsx", [row])

        report = run(path, county_user)

        assert errors(report) == [
            f"第3行 学历: 无法识别“中学”，应为：{ALLOWED_EDUCATION}",
            "第3行 政治面貌: 无法识别“民主党派”，应为：中共党员、中共预备党员、入党积极分子、已递交入党申请书、"
            "共青团员、群众",
            "第3行 来源: 无法识别“村干部”，应为：返乡农民工、返乡创业大学生、退伍军人、农村致富带头人、乡土实用人才、"
            "志愿服务队/党员突击队、村民小组长、其他",
            "第3行 层级: 无法识别“省级”，应为：村级、镇级、县级",
        ]
        assert_nothing_written()

    def test_a_required_coded_field_left_empty(self, tmp_path, county_user, village):
        path = write_roster(tmp_path / "花名册.xlsx", [person(**{"学历": "", "来源": " "})])

        assert errors(run(path, county_user)) == ["第3行 学历: 不能为空", "第3行 来源: 不能为空"]


class TestUpsert:
    def test_a_second_import_of_the_same_file_changes_nothing(self, tmp_path, county_user, village):
        rows = [
            person(seq=101, **{"政治面貌": "党员", "入党时间": 2016.1, "备注": "优秀"}),
            person(seq=103, name="王强", **{"联系电话": "", "民族": "", "现任职务": "村民小组长"}),
        ]
        path = write_roster(tmp_path / "花名册.xlsx", rows)
        first = run(path, county_user)
        assert first.counts == {"created": 2, "updated": 0, "unchanged": 0, "errors": 0}
        stamps = dict(Cadre.objects.values_list("id_number", "updated_at"))
        histories = history_count()
        assert histories == 2

        second = run(path, county_user)

        assert second.ok and second.applied
        assert second.counts == {"created": 0, "updated": 0, "unchanged": 2, "errors": 0}
        assert second.summary() == "共2行，与系统中的数据完全一致，没有需要导入的变化。"
        assert [o.changes for o in second.outcomes] == [[], []]
        assert history_count() == histories
        assert dict(Cadre.objects.values_list("id_number", "updated_at")) == stamps

    def test_a_changed_row_updates_only_the_fields_that_changed(self, tmp_path, county_user, village, baili):
        path = write_roster(tmp_path / "花名册.xlsx", [person(seq=101), person(seq=103, name="王强")])
        run(path, county_user)
        before = {c.id_number: c for c in Cadre.objects.all()}
        changed = person(seq=101, **{"联系电话": "13900001111", "学历": "本科", "政治面貌": "党员",
                                      "入党时间": "2020.07", "村(社区)": "八里村"})  # fmt: skip
        path = write_roster(tmp_path / "花名册（修订）.xlsx", [changed, person(seq=103, name="王强")])

        report = run(path, county_user)

        assert report.counts == {"created": 0, "updated": 1, "unchanged": 1, "errors": 0}
        assert report.summary() == "共2行：已新增0人，已更新1人，1人无变化。"
        assert report.outcomes[0].changes == [
            ("联系电话", "13812345678", "13900001111"),
            ("学历", "大专", "本科"),
            ("政治面貌", "群众", "中共党员"),
            ("入党时间", "—", "2020-07-01"),
            ("村(社区)", "白水镇枫树村", "白水镇八里村"),
        ]
        cadre = Cadre.objects.get(id_number=number(seq=101))
        old = before[cadre.id_number]
        assert (cadre.phone, cadre.education, cadre.political_status, cadre.party_joined_on, cadre.village) == (
            "13900001111",
            Education.BACHELOR,
            PoliticalStatus.MEMBER,
            dt.date(2020, 7, 1),
            baili,
        )
        for name in ("pk", "name", "gender", "birth_date", "ethnicity", "source", "tier", "status", "created_at"):
            assert getattr(cadre, name) == getattr(old, name), name
        assert cadre.updated_at > old.updated_at
        untouched = Cadre.objects.get(id_number=number(seq=103))
        assert untouched.updated_at == before[untouched.id_number].updated_at

        records = list(cadre.history.order_by("history_date", "history_id"))
        assert [(r.history_type, r.history_user, r.history_change_reason) for r in records] == [
            ("+", county_user, "花名册导入：花名册.xlsx"),
            ("~", county_user, "花名册导入：花名册（修订）.xlsx"),
        ]
        assert (records[1].phone, records[1].education, records[1].village_id) == (
            "13900001111",
            Education.BACHELOR,
            baili.pk,
        )
        assert untouched.history.count() == 1

    def test_an_existing_cadre_entered_by_hand_is_updated_and_keeps_what_the_file_lacks(
        self, tmp_path, county_user, village
    ):
        cadre = CadreFactory(
            village=village, name="李明", id_number=number(), phone="13700000000", specialty="养殖",
            status=Status.KEY_TRAINING, key_training_since=dt.date(2024, 1, 1),
        )  # fmt: skip
        header = [h for h in HEADER if h not in ("联系电话", "特长")]
        path = write_roster(tmp_path / "花名册.xlsx", [person(**{"现任职务": "村文书"})], header=header)

        report = run(path, county_user)

        assert report.outcomes[0].changes == [("现任职务", "—", "村文书")]
        cadre.refresh_from_db()
        assert (cadre.current_job, cadre.phone, cadre.specialty, cadre.status, cadre.key_training_since) == (
            "村文书",
            "13700000000",
            "养殖",
            Status.KEY_TRAINING,
            dt.date(2024, 1, 1),
        )

    def test_history_records_of_updates_are_complete_when_the_same_file_also_creates(
        self, tmp_path, county_user, village
    ):
        cadre = CadreFactory(
            village=village, name="李明", id_number=number(), status=Status.KEY_TRAINING,
            key_training_since=dt.date(2024, 1, 1), political_status=PoliticalStatus.MEMBER,
            party_joined_on=dt.date(2018, 7, 1),
        )  # fmt: skip
        header = [h for h in HEADER if h != "入党时间"]
        rows = [person(name="王强", seq=103), person(**{"政治面貌": "党员", "现任职务": "村文书", "联系电话": ""})]
        path = write_roster(tmp_path / "花名册.xlsx", rows, header=header)

        report = run(path, county_user)

        assert [o.action for o in report.outcomes] == ["create", "update"]
        latest = cadre.history.latest("history_date")
        cadre.refresh_from_db()
        assert latest.history_type == "~"
        assert (latest.current_job, latest.status, latest.key_training_since, latest.party_joined_on) == (
            "村文书",
            Status.KEY_TRAINING,
            dt.date(2024, 1, 1),
            dt.date(2018, 7, 1),
        )
        assert latest.diff_against(cadre.history.earliest("history_date")).changed_fields == ["current_job"]


class TestAllOrNothing:
    def test_one_bad_row_leaves_the_database_unchanged(self, tmp_path, county_user, village):
        existing = CadreFactory(village=village, name="赵强", id_number=number(seq=105), phone="13700000000")
        histories = history_count()
        rows = [
            person(seq=101),
            person(seq=103, name="王强"),
            person(seq=105, name="赵强", **{"联系电话": "13900001111"}),
            person(seq=107, name="孙丽", **{"学历": "中学"}),
        ]
        path = write_roster(tmp_path / "花名册.xlsx", rows)

        report = run(path, county_user)

        assert not report.ok and not report.applied
        assert report.counts == {"created": 2, "updated": 1, "unchanged": 0, "errors": 1}
        assert errors(report) == [f"第6行 学历: 无法识别“中学”，应为：{ALLOWED_EDUCATION}"]
        assert report.summary() == "共4行，其中1行有错误；未导入任何数据，请修改后重新导入。"
        assert list(Cadre.objects.values_list("id_number", flat=True)) == [existing.id_number]
        existing.refresh_from_db()
        assert existing.phone == "13700000000"
        assert history_count() == histories

    def test_a_dry_run_reports_the_plan_and_writes_nothing(self, tmp_path, county_user, village):
        existing = CadreFactory(village=village, name="赵强", id_number=number(seq=105), phone="13700000000")
        histories = history_count()
        rows = [person(seq=101), person(seq=105, name="赵强", **{"联系电话": "13900001111"})]
        path = write_roster(tmp_path / "花名册.xlsx", rows)

        report = run(path, county_user, dry_run=True)

        assert report.ok and not report.applied
        assert report.counts == {"created": 1, "updated": 1, "unchanged": 0, "errors": 0}
        assert report.summary() == "共2行：将新增1人，将更新1人，0人无变化。"
        assert report.outcomes[1].changes == [("联系电话", "13700000000", "13900001111")]
        assert report.outcomes[0].id_number != number(seq=101)  # masked for display
        assert list(Cadre.objects.values_list("id_number", "phone")) == [(existing.id_number, "13700000000")]
        assert history_count() == histories

    def test_a_previewed_plan_is_applied_only_while_it_still_holds(self, tmp_path, county_user, village):
        path = write_roster(tmp_path / "花名册.xlsx", [person(seq=101)])
        preview = run(path, county_user, dry_run=True)

        stale = CadreFactory(village=village, name="李明", id_number=number(seq=101), phone="13700000000")
        refused = run(path, county_user, expected_digest=preview.digest)
        assert errors(refused) == ["预览之后，文件或系统中的数据已发生变化，请重新上传并预览。"]
        assert not refused.applied
        stale.delete()

        applied = run(path, county_user, expected_digest=preview.digest)
        assert applied.applied
        assert Cadre.objects.get().phone == "13812345678"


class TestTownshipSecretary:
    def test_their_file_may_leave_out_the_township_column(self, tmp_path, township_secretary, village):
        header = [h for h in HEADER if h != "乡镇(街道)"]
        path = write_roster(tmp_path / "花名册.xlsx", [person(township="")], header=header)

        report = run(path, township_secretary)

        assert errors(report) == []
        cadre = Cadre.objects.get()
        assert cadre.village == village
        assert cadre.history.get().history_user == township_secretary

    def test_a_county_file_needs_the_township_column(self, tmp_path, county_user, village):
        header = [h for h in HEADER if h != "乡镇(街道)"]
        path = write_roster(tmp_path / "花名册.xlsx", [person()], header=header)

        report = run(path, county_user)

        assert errors(report) == ["第2行的表头缺少以下列：乡镇(街道)。请为其选择对应的表格列。"]
        assert report.outcomes == []
        assert_nothing_written()

    def test_a_row_of_another_township_names_their_own(self, tmp_path, township_secretary, village, other_village):
        rows = [person(seq=101), person(seq=103, township="龙山乡", village="石桥村")]
        path = write_roster(tmp_path / "花名册.xlsx", rows)

        report = run(path, township_secretary)

        assert errors(report) == ["第4行 乡镇(街道): 只能导入本乡镇（白水镇）的后备干部，表中为“龙山乡”"]
        assert_nothing_written()

    def test_an_id_number_registered_in_another_township(self, tmp_path, township_secretary, village, other_village):
        theirs = CadreFactory(village=other_village, name="王芳", id_number=number(seq=102), phone="13700000000")
        histories = history_count()
        path = write_roster(tmp_path / "花名册.xlsx", [person(seq=101), person(seq=102, name="王小芳")])

        report = run(path, township_secretary)

        # Nothing about the other township's reserve: not the name, not the township.
        assert errors(report) == ["第4行 身份证号: 该身份证号已在其他乡镇登记，请联系县委组织部"]
        assert "王芳" not in str(report.errors[0]) and other_village.township.name not in str(report.errors[0])
        assert [o.action for o in report.outcomes] == ["create", "error"]
        assert list(Cadre.objects.values_list("pk", flat=True)) == [theirs.pk]
        theirs.refresh_from_db()
        assert (theirs.village, theirs.phone) == (other_village, "13700000000")
        assert history_count() == histories

    @pytest.mark.parametrize("who", ["county_user", "township_secretary"])
    def test_an_id_number_of_another_reserve_in_scope_says_whose_and_where(self, request, tmp_path, village, who):
        theirs = CadreFactory(village=village, name="赵强", id_number=number(seq=105), phone="13700000000")
        path = write_roster(tmp_path / "花名册.xlsx", [person(seq=101), person(seq=105, name="王小芳")])

        report = run(path, request.getfixturevalue(who))

        assert errors(report) == [
            "第4行 身份证号: 该身份证号已登记为赵强（白水镇枫树村），与本行姓名“王小芳”不一致；请核对身份证号，"
            "如确为同一人改名，请先在该后备干部的页面修改姓名"
        ]
        assert not report.applied
        theirs.refresh_from_db()
        assert (theirs.name, theirs.phone) == ("赵强", "13700000000")

    def test_an_id_number_registered_in_another_county(self, tmp_path, county_user, village):
        elsewhere = VillageFactory(township=TownshipFactory(county=CountyFactory(name="绿水县"), name="远山镇"))
        CadreFactory(village=elsewhere, name="赵敏", id_number=number(seq=102))
        path = write_roster(tmp_path / "花名册.xlsx", [person(seq=101), person(seq=102, name="王小芳")])

        report = run(path, county_user)

        assert errors(report) == ["第4行 身份证号: 该身份证号已在其他县(区)登记，请联系县委组织部核实"]
        assert "赵敏" not in str(report.errors[0]) and "远山镇" not in str(report.errors[0])

    def test_county_staff_may_move_a_cadre_between_townships(self, tmp_path, county_user, village, other_village):
        cadre = CadreFactory(village=other_village, name="王芳", id_number=number(seq=102), phone="13812345678")
        path = write_roster(tmp_path / "花名册.xlsx", [person(seq=102, name="王芳")])

        report = run(path, county_user)

        assert report.outcomes[0].changes == [("村(社区)", "龙山乡石桥村", "白水镇枫树村")]
        cadre.refresh_from_db()
        assert cadre.village == village

    def test_a_leader_may_not_import(self, tmp_path, leader, village):
        path = write_roster(tmp_path / "花名册.xlsx", [person()])

        with pytest.raises(PermissionDenied):
            run(path, leader)
        with pytest.raises(PermissionDenied):
            run(path, leader, dry_run=True)
        assert_nothing_written()


class TestBrokenFiles:
    def assert_refused(self, report, message):
        assert [str(e) for e in report.file_errors] == [message]
        assert not report.ok and not report.applied
        assert report.outcomes == []
        assert report.summary() == "未导入任何数据。"
        assert_nothing_written()

    def test_a_text_file_renamed_xlsx(self, tmp_path, county_user, village):
        path = tmp_path / "花名册.xlsx"
        path.write_text("姓名,身份证号\n李明,431121199503141015\n", encoding="utf-8")

        report = run(path, county_user)

        self.assert_refused(report, f"无法读取文件“花名册.xlsx”：不是有效的表格文件（支持 {reading.ACCEPTED}）。")

    def test_a_zip_that_is_no_workbook(self, tmp_path, county_user, village):
        path = tmp_path / "花名册.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "不是表格")

        report = run(path, county_user)

        self.assert_refused(report, f"无法读取文件“花名册.xlsx”：不是有效的表格文件（支持 {reading.ACCEPTED}）。")

    def test_an_empty_file(self, tmp_path, county_user, village):
        path = tmp_path / "花名册.xlsx"
        path.write_bytes(b"")

        self.assert_refused(run(path, county_user), "文件是空的。")

    def test_a_word_document(self, tmp_path, county_user, village):
        path = tmp_path / "花名册.docx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")

        self.assert_refused(
            run(path, county_user), "不支持的文件类型“.docx”，请上传 .xlsx、.xlsm、.xls、.ods、.csv 文件。"
        )

    def test_a_zip_bomb(self, tmp_path, county_user, village):
        path = tmp_path / "炸弹.xlsx"
        chunk = b"0" * (1024 * 1024)
        with (
            zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
            archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
        ):
            for _ in range(200):  # 200 MB of zeros, written a megabyte at a time
                member.write(chunk)
        assert path.stat().st_size < 1024 * 1024

        report = run(path, county_user)

        self.assert_refused(report, "文件“炸弹.xlsx”解压后异常庞大（200MB），疑似恶意文件，已拒绝导入。")

    def test_a_file_over_the_size_cap(self, tmp_path, county_user, village, monkeypatch):
        monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1024 * 1024)
        path = tmp_path / "花名册.xlsx"
        workbook = Workbook()
        workbook.active.append(HEADER)
        workbook.active.append(cells(person()))
        padding = workbook.create_sheet("附件")
        for _ in range(500):
            padding.append([os.urandom(2500).hex()])
        workbook.save(path)
        size = path.stat().st_size
        assert size > 1024 * 1024

        report = run(path, county_user)

        self.assert_refused(report, f"文件过大（{size / 1024 / 1024:.1f}MB），单个文件不能超过1MB，请分批导入。")

    def test_a_workbook_over_the_row_cap(self, tmp_path, county_user, village, monkeypatch):
        monkeypatch.setattr(reading, "MAX_ROWS", 6)
        # Title, header, five people and the total row: eight rows.
        path = write_roster(tmp_path / "花名册.xlsx", [person(seq=101 + 2 * i, name=f"李{i}") for i in range(5)])

        report = run(path, county_user)

        self.assert_refused(report, "文件“花名册.xlsx”有8行，超过单次导入上限6行，请分批导入。")

    def test_a_workbook_one_row_over_the_row_cap(self, tmp_path, county_user, village, monkeypatch):
        monkeypatch.setattr(reading, "MAX_ROWS", 7)
        path = write_roster(tmp_path / "花名册.xlsx", [person(seq=101 + 2 * i, name=f"李{i}") for i in range(5)])

        report = run(path, county_user)

        self.assert_refused(report, "文件“花名册.xlsx”有8行，超过单次导入上限7行，请分批导入。")

    def test_a_workbook_at_the_row_cap_is_read(self, tmp_path, county_user, village, monkeypatch):
        monkeypatch.setattr(reading, "MAX_ROWS", 8)
        path = write_roster(tmp_path / "花名册.xlsx", [person(seq=101 + 2 * i, name=f"李{i}") for i in range(5)])

        report = run(path, county_user)

        assert errors(report) == []
        assert Cadre.objects.count() == 5

    def test_a_csv_file_over_the_row_cap(self, tmp_path, county_user, village, monkeypatch):
        monkeypatch.setattr(reading, "MAX_ROWS", 6)
        path = write_csv(tmp_path / "花名册.csv", [person(seq=101 + 2 * i, name=f"李{i}") for i in range(5)])

        self.assert_refused(run(path, county_user), "文件有7行，超过单次导入上限6行，请分批导入。")

    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
    def test_a_csv_file_is_imported_in_utf8_and_gbk(self, tmp_path, county_user, village, encoding):
        rows = [person(seq=101, **{"学历": "本科", "备注": "致富带头人，养殖大户"}), person(seq=102, name="王芳")]
        path = write_csv(tmp_path / "花名册.csv", rows, encoding=encoding)

        report = run(path, county_user)

        assert errors(report) == []
        assert [(o.row, o.action, o.name) for o in report.outcomes] == [(3, "create", "李明"), (4, "create", "王芳")]
        assert sorted(Cadre.objects.values_list("name", "education", "notes", "village__name")) == [
            ("李明", Education.BACHELOR, "致富带头人，养殖大户", "枫树村"),
            ("王芳", Education.COLLEGE, "", "枫树村"),
        ]

    def test_a_csv_file_in_an_unknown_encoding(self, tmp_path, county_user, village):
        path = write_csv(tmp_path / "花名册.csv", [person()], encoding="utf-16")

        self.assert_refused(run(path, county_user), "无法识别CSV文件的编码，请另存为UTF-8编码的CSV或.xlsx文件。")

    def test_a_sheet_without_the_roster_header(self, tmp_path, county_user, village):
        path = write_sheet(tmp_path / "花名册.xlsx", [["白水镇2024年工作总结"], ["一、基本情况"], ["二、主要做法"]])

        self.assert_refused(
            run(path, county_user),
            "在表格前10行中没有找到表头，需要以下列：乡镇(街道)、村(社区)、姓名、身份证号、学历、政治面貌、来源。",
        )

    def test_a_header_missing_required_columns(self, tmp_path, county_user, village):
        header = [h for h in HEADER if h not in ("来源", "学历")]
        path = write_roster(tmp_path / "花名册.xlsx", [person()], header=header)

        self.assert_refused(run(path, county_user), "第2行的表头缺少以下列：学历、来源。请为其选择对应的表格列。")

    def test_a_header_without_rows(self, tmp_path, county_user, village):
        path = write_roster(tmp_path / "花名册.xlsx", [None])

        self.assert_refused(run(path, county_user), "表格中没有可导入的数据行。")

    def test_an_empty_workbook(self, tmp_path, county_user, village):
        path = write_sheet(tmp_path / "花名册.xlsx", [])

        self.assert_refused(
            run(path, county_user),
            "在表格前10行中没有找到表头，需要以下列：乡镇(街道)、村(社区)、姓名、身份证号、学历、政治面貌、来源。",
        )


class TestPostgresWrites:
    """On PostgreSQL new cadres, updates and history go in with COPY."""

    def test_imported_cadres_have_primary_keys_the_next_ordinary_insert_does_not_reuse(
        self, tmp_path, county_user, village
    ):
        CadreFactory(village=village)
        path = write_roster(tmp_path / "花名册.xlsx", [person(seq=101), person(seq=103, name="王强")])
        run(path, county_user)
        imported = set(Cadre.objects.filter(id_number__in=[number(101), number(103)]).values_list("pk", flat=True))

        after = CadreFactory(village=village)
        another = CadreFactory(village=village)

        assert len(imported) == 2 and after.pk not in imported and another.pk not in imported
        assert Cadre.objects.count() == 5
        for cadre in Cadre.objects.filter(pk__in=imported):
            assert cadre.history.get().id == cadre.pk

    def test_an_imported_cadre_can_be_edited_through_the_service(self, tmp_path, county_user, village):
        path = write_roster(tmp_path / "花名册.xlsx", [person(**{"政治面貌": "党员", "入党时间": "2016.07"})])
        run(path, county_user)
        cadre = Cadre.objects.get()

        cadre_update(user=county_user, cadre=cadre, data={"phone": "13900001111", "specialty": "电商"})

        cadre.refresh_from_db()
        assert (cadre.phone, cadre.specialty, cadre.party_joined_on) == ("13900001111", "电商", dt.date(2016, 7, 1))
        assert [r.history_type for r in cadre.history.order_by("history_date", "history_id")] == ["+", "~"]
        # And the import sees the hand edit as a change to undo only where the file differs.
        # A column the file has is the truth for that column, a blank cell included.
        report = run(path, county_user)
        assert report.outcomes[0].changes == [("联系电话", "13900001111", "13812345678"), ("特长", "电商", "—")]
        cadre.refresh_from_db()
        assert (cadre.phone, cadre.specialty, cadre.party_joined_on) == ("13812345678", "", dt.date(2016, 7, 1))

    def test_text_with_commas_quotes_newlines_and_backslashes_survives_copy(self, tmp_path, county_user, village):
        notes = '他说："好，就这么办"\n第二行, 有逗号\\N 和反斜杠\\'
        path = write_roster(tmp_path / "花名册.xlsx", [person(**{"备注": notes, "特长": "养殖,种植"})])

        report = run(path, county_user)

        assert errors(report) == []
        cadre = Cadre.objects.get()
        assert (cadre.notes, cadre.specialty) == (notes, "养殖,种植")
        assert cadre.history.get().notes == notes
        assert run(path, county_user).counts["unchanged"] == 1

    def test_a_cell_holding_just_backslash_n_is_stored_as_written(self, tmp_path, county_user, village):
        # "\N" is how MySQL dumps write an empty value; COPY must not read it as NULL.
        path = write_roster(tmp_path / "花名册.xlsx", [person(**{"特长": "\\N"})])

        report = run(path, county_user)

        assert report.applied
        assert Cadre.objects.get().specialty == "\\N"
