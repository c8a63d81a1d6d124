"""Each report of the tiny county's May 2026 (tests/reports/conftest.py), read back cell by
cell: headers, lines, totals equal to the sum of the lines (money as exact Decimals),
a native chart, the frozen header and the print setup."""

import contextlib
import datetime as dt
import re
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test.signals import template_rendered
from openpyxl import load_workbook

from common.masking import mask_id_number
from common.scope import Scope
from reports.models import RunStatus
from reports.services import report_request
from tests.factories import township_user
from tests.reports.conftest import MAY

pytestmark = pytest.mark.django_db


def build(kind, tiny, township=None, **kwargs):
    run = report_request(kind=kind, month=MAY, county_id=tiny.county.pk,
                         township_id=township.pk if township else None, **kwargs)  # fmt: skip
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert run.is_current and run.progress == 100 and run.attempts == 1
    return run


def book_of(run):
    return load_workbook(run.file.path)


def rows(sheet, first=4):
    """Values from the first data row (row 4: title, subtitle, header above)."""
    return [list(r) for r in sheet.iter_rows(min_row=first, values_only=True)]


def headers(sheet):
    return [c.value for c in sheet[3]]


def pdf_text(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams too) inflated."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(stream))
    return b"\n".join(parts)


def money(value):
    return Decimal(str(value)).quantize(Decimal("0.01"))


def assert_looks_like_a_report(sheet, title_part):
    assert title_part in sheet["A1"].value
    assert "生成时间" in sheet["A2"].value
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$1:$3"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0  # 1 is the default
    assert sheet.column_dimensions["A"].width > 5


class TestSummary:
    def test_county(self, tiny):
        book = book_of(build("summary", tiny))
        assert book.sheetnames == ["分乡镇统计", "结构分布", "低于最低人数的村", "考核与两委"]
        by_township = book["分乡镇统计"]
        assert_looks_like_a_report(by_township, "青山县2026年5月村级后备干部综合统计")
        assert headers(by_township)[:4] == ["乡镇(街道)", "村(社区)数", "后备干部", "35岁以下"]
        # villages, reserves, <35, share, 大专+, share, members, villages below, pairings, overdue, seated, deeds
        assert rows(by_township)[:3] == [
            # 王芳 entered the two committees in May: no longer 在册 at the month's end
            ["白水镇", 2, 1, 1, 1.0, 1, 1.0, 1, 2, 1, 1, 1, 1],
            ["龙山乡", 1, 1, 0, 0.0, 0, 0.0, 0, 1, 1, 0, 0, 0],
            ["合计", 3, 2, 1, 0.5, 1, 0.5, 1, 3, 2, 1, 1, 1],
        ]
        assert len(by_township._charts) == 1

        structure = book["结构分布"]
        assert_looks_like_a_report(structure, "综合统计")
        values = {}
        section = None
        for label, n, _share in rows(structure):
            if label and label.startswith("按"):
                section = label
            elif label and n not in (None, "人数") and label != "合计" and section:
                values.setdefault(section, {})[label] = n
        assert values["按层级"] == {"村级": 2, "镇级": 0, "县级": 0}
        # everyone listed by the month's end, by their status then (孙丽 left in April)
        status = values["按月末状态（含已进入两委、已退出）"]
        assert status == {"储备中": 2, "重点培养": 0, "已进入两委": 1, "已退出": 1}
        assert values["按年龄段（月末）"] == {"30岁以下": 1, "30-34岁": 0, "35-39岁": 0, "40岁及以上": 1}
        assert values["按学历"]["大专"] == 1 and values["按学历"]["本科"] == 0 and values["按学历"]["高中/中专"] == 1
        assert values["按政治面貌"]["中共党员"] == 1 and values["按政治面貌"]["入党积极分子"] == 1
        assert values["按来源"]["退伍军人"] == 1
        assert len(structure._charts) == 2  # tiers (pie) and education (bar)
        # Printed: no chart is anchored in the rows repeated on every page (title, subtitle,
        # header), and 按学历 starts the second page beside its bar chart.
        pie, bar = structure._charts
        education = next(r for r in range(1, structure.max_row + 1) if structure.cell(r, 1).value == "按学历")
        assert pie.anchor._from.row == 3 and bar.anchor._from.row == education  # 0-based rows
        assert [b.id for b in structure.row_breaks.brk] == [education - 1]  # break after the row before it
        # Every section's header row has room for a wrapped header (月末状态（含已进入两委、已退出）).
        header_rows = [r for r in range(4, structure.max_row + 1) if structure.cell(r, 2).value == "人数"]
        assert header_rows and all(structure.row_dimensions[r].height == 30 for r in header_rows)

        below = book["低于最低人数的村"]
        assert rows(below) == [
            ["白水镇", "枫树村", 1, 2, 1],
            ["白水镇", "柳溪村", 0, 2, 2],
            ["龙山乡", "石桥村", 1, 2, 1],
            ["合计 3 个村", None, None, None, None],
        ]

        other = rows(book["考核与两委"])
        assert other[0][0] == "2025年度考核等次（已审定）"
        assert [row[:2] for row in other[1:6]] == [
            ["优秀", 1],
            ["称职", 1],
            ["基本称职", 0],
            ["不称职", 0],
            ["合计", 2],
        ]
        flat = [cell for row in other for cell in row if cell is not None]
        assert "本月进入两委（1人）" in flat and "王芳" in flat and "村(居)委会主任" in flat
        assert "本月典型事迹（1篇）" in flat and "防汛值守十昼夜" in flat

    def test_a_township_sees_its_own_counts_only(self, tiny):
        book = book_of(build("summary", tiny, township=tiny.longshan))
        assert "青山县龙山乡2026年5月" in book["分乡镇统计"]["A1"].value
        assert rows(book["分乡镇统计"])[:2] == [
            ["龙山乡", 1, 1, 0, 0.0, 0, 0.0, 0, 1, 1, 0, 0, 0],
            ["合计", 1, 1, 0, 0.0, 0, 0.0, 0, 1, 1, 0, 0, 0],
        ]
        assert rows(book["低于最低人数的村"]) == [
            ["龙山乡", "石桥村", 1, 2, 1],
            ["合计 1 个村", None, None, None, None],
        ]

    def test_the_minimum_is_the_countys(self, tiny):
        tiny.county.min_reserves_per_village = 1
        tiny.county.save()
        book = book_of(build("summary", tiny))
        assert rows(book["低于最低人数的村"]) == [
            ["白水镇", "柳溪村", 0, 1, 1],
            ["合计 1 个村", None, None, None, None],
        ]


class TestTraining:
    def test_county(self, tiny, trainings):
        book = book_of(build("training", tiny))
        assert book.sheetnames == ["培训班次", "乡镇出勤率", "个人出勤", "缺勤请假名单"]
        sessions = book["培训班次"]
        assert_looks_like_a_report(sessions, "青山县2026年5月村级后备干部培训情况")
        assert headers(sessions) == ["培训日期", "培训名称", "培训层级", "培训类型", "学时", "应到", "实到", "请假",
                                     "缺勤", "出勤率"]  # fmt: skip
        assert rows(sessions) == [
            [dt.datetime(2026, 5, 10), "5月县级月度培训", "县级", "县级月度培训", 4, 3, 1, 1, 1, 1 / 3],
            [dt.datetime(2026, 5, 20), "白水镇雏鹰展翅", "乡镇级", "雏鹰展翅", 2.5, 2, 2, 0, 0, 1],
            ["合计", None, None, None, 6.5, 5, 3, 1, 1, 0.6],
        ]
        townships = book["乡镇出勤率"]
        assert rows(townships) == [
            ["白水镇", 4, 3, 1, 0, 0.75, 9],
            ["龙山乡", 1, 0, 0, 1, 0, 0],
            ["合计", 5, 3, 1, 1, 0.6, 9],
        ]
        assert len(townships._charts) == 1
        assert rows(book["个人出勤"]) == [
            ["白水镇", "枫树村", "李明", 2, 2, 0, 0, 1, 6.5],
            ["白水镇", "枫树村", "王芳", 2, 1, 1, 0, 0.5, 2.5],
            ["龙山乡", "石桥村", "赵强", 1, 0, 0, 1, 0, 0],
            ["合计 3 人", None, None, 5, 3, 1, 1, 0.6, 9],
        ]
        assert rows(book["缺勤请假名单"]) == [
            ["白水镇", "枫树村", "王芳", dt.datetime(2026, 5, 10), "5月县级月度培训", "请假", "家中有事"],
            ["龙山乡", "石桥村", "赵强", dt.datetime(2026, 5, 10), "5月县级月度培训", "缺勤", None],
            ["合计 2 人次", None, None, None, None, None, None],
        ]

    def test_a_township_gets_the_sessions_meant_for_it_and_its_own_people(self, tiny, trainings):
        book = book_of(build("training", tiny, township=tiny.longshan))
        assert rows(book["培训班次"]) == [
            [dt.datetime(2026, 5, 10), "5月县级月度培训", "县级", "县级月度培训", 4, 1, 0, 0, 1, 0],
            ["合计", None, None, None, 4, 1, 0, 0, 1, 0],
        ]
        assert [r[2] for r in rows(book["个人出勤"])] == ["赵强", None]


class TestSubsidy:
    def test_the_chart_shows_whole_yuan_with_separators(self, tiny, sheet):
        """ "114,400" on the bars and the axis, not "114400.00" and "140000"."""
        run = build("subsidy", tiny)
        with zipfile.ZipFile(run.file.path) as archive:
            charts = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        assert charts[0].count('formatCode="#,##0"') == 2  # data labels and value axis

    def test_county(self, tiny, sheet):
        run = build("subsidy", tiny)
        book = book_of(run)
        assert book.sheetnames == ["补贴明细", "乡镇汇总", "调整明细"]
        lines = book["补贴明细"]
        assert_looks_like_a_report(lines, "青山县2026年5月村级后备干部补贴发放表")
        assert "补贴表状态：已锁定" in lines["A2"].value
        assert headers(lines) == ["序号", "乡镇(街道)", "村(社区)", "姓名", "身份证号", "享受天数", "基本补贴（元）",
                                  "绩效奖（元）", "调整（元）", "应发合计（元）"]  # fmt: skip
        assert lines["G4"].number_format == "#,##0.00"
        table = rows(lines)
        liming, wangfang, baishui, zhaoqiang, sunli, longshan, county = table[:7]
        assert liming[:6] == [1, "白水镇", "枫树村", "李明", mask_id_number(tiny.liming.id_number), 31]
        assert [money(v) for v in liming[6:]] == [Decimal("2000.00"), Decimal("5000.00"), Decimal("0.00"),
                                                 Decimal("7000.00")]  # fmt: skip
        assert [money(v) for v in wangfang[6:]] == [Decimal("2000.00"), Decimal("0.00"), Decimal("150.50"),
                                                   Decimal("2150.50")]  # fmt: skip
        assert baishui[1] == "白水镇 小计（2人）"
        assert [money(v) for v in baishui[6:]] == [Decimal("4000.00"), Decimal("5000.00"), Decimal("150.50"),
                                                  Decimal("9150.50")]  # fmt: skip
        assert zhaoqiang[3] == "赵强" and [money(v) for v in zhaoqiang[6:]] == [
            Decimal("967.74"), Decimal("0.00"), Decimal("-100.00"), Decimal("867.74")]  # fmt: skip
        assert sunli[3] == "孙丽" and sunli[5] is None  # paid only through the correction
        assert [money(v) for v in sunli[6:]] == [Decimal("0.00"), Decimal("0.00"), Decimal("333.33"), Decimal("333.33")]
        assert longshan[1] == "龙山乡 小计（2人）"
        assert county[1] == "合计（4人）"
        for column in range(6, 10):
            people = [liming, wangfang, zhaoqiang, sunli]
            assert money(county[column]) == sum(money(r[column]) for r in people)
            assert money(county[column]) == money(baishui[column]) + money(longshan[column])
        assert [money(v) for v in county[6:]] == [Decimal("4967.74"), Decimal("5000.00"), Decimal("383.83"),
                                                 Decimal("10351.57")]  # fmt: skip
        for row in (liming, wangfang, zhaoqiang, sunli):
            assert money(row[9]) == money(row[6]) + money(row[7]) + money(row[8])
            assert "*" in row[4] and len(row[4]) == 18

        # The same money as the sheet's own totals (the subsidies pages and API).
        from subsidies.selectors import sheet_totals

        totals = sheet_totals(Scope.county(tiny.county.pk), sheet)
        assert [(t.township_name, t.total) for t in totals.townships] == [
            ("白水镇", money(baishui[9])), ("龙山乡", money(longshan[9]))]  # fmt: skip
        assert totals.county.total == money(county[9])

        summary = book["乡镇汇总"]
        assert rows(summary)[:3] == [
            ["白水镇", 2, 4000, 5000, 150.5, 9150.5], ["龙山乡", 2, 967.74, 0, 233.33, 1201.07],
            ["合计", 4, 4967.74, 5000, 383.83, 10351.57],
        ]  # fmt: skip
        assert len(summary._charts) == 1
        adjustments = rows(book["调整明细"])
        assert [(r[1], money(r[3]), r[4]) for r in adjustments[:3]] == [
            ("王芳", Decimal("150.50"), "4月漏算天数补发"), ("赵强", Decimal("-100.00"), "多发扣回"),
            ("孙丽", Decimal("333.33"), "3月漏发补发"),
        ]  # fmt: skip
        assert adjustments[3][0] == "合计" and money(adjustments[3][3]) == Decimal("383.83")

        pdf = Path(run.pdf.path).read_bytes()
        assert pdf.startswith(b"%PDF")
        assert b"Noto-Sans-CJK-SC" in pdf_text(pdf)  # the CJK font is embedded (its subset's name)
        assert b"/FontFile3" in pdf_text(pdf)
        assert run.notes == ""

    def test_the_pdf_lists_the_adjustments_with_their_reasons(self, tiny, sheet):
        """The finance office reads why a line's 调整 is not zero on the printed sheet too."""
        seen = []

        def grab(sender, template, context, **kwargs):
            if template.name == "reports/subsidy_pdf.html":
                seen.append(context.flatten())

        template_rendered.connect(grab)
        try:
            build("subsidy", tiny)
        finally:
            template_rendered.disconnect(grab)
        context = seen[0]
        assert [(a["cells"][1], a["amount"], a["reason"]) for a in context["adjustments"]] == [
            ("王芳", "150.50", "4月漏算天数补发"), ("赵强", "-100.00", "多发扣回"), ("孙丽", "333.33", "3月漏发补发"),
        ]  # fmt: skip
        assert context["adjusted_total"] == "383.83"
        html = render_to_string("reports/subsidy_pdf.html", context)
        assert "调整明细（已计入上表“调整”列）" in html and "多发扣回" in html

    def test_a_township_gets_its_own_lines(self, tiny, sheet):
        table = rows(book_of(build("subsidy", tiny, township=tiny.baishui))["补贴明细"])
        assert [r[3] for r in table[:2]] == ["李明", "王芳"]
        assert table[3][1] == "合计（2人）" and money(table[3][9]) == Decimal("9150.50")

    def test_above_the_limit_there_is_no_pdf_and_the_list_says_so(self, tiny, sheet, settings):
        settings.REPORTS_PDF_MAX_LINES = 2
        run = build("subsidy", tiny)
        assert not run.pdf and "超过2行未生成PDF" in run.notes

    def test_a_month_without_a_sheet_is_computed_by_subsidies_first(self, tiny):
        """subsidies.services.sheet_compute makes the sheet when the month has none."""
        pytest.importorskip("subsidies.services", reason="sheet_compute lands with the subsidies branch")
        from subsidies.models import SubsidySheet
        from subsidies.services import sheet_compute  # noqa: F401

        run = report_request(kind="subsidy", month=MAY, county_id=tiny.county.pk, user=tiny.staff)
        run.refresh_from_db()
        assert run.status == RunStatus.DONE, run.error
        assert "补贴表状态：已计算" in book_of(run)["补贴明细"]["A2"].value
        assert SubsidySheet.objects.get(month=MAY).computed_by == tiny.staff
        # A township secretary may not compute: their report has the sheet computed by the system.
        april = dt.date(2026, 4, 1)
        secretary = township_user(tiny.baishui, username="bs-subsidy")
        run = report_request(kind="subsidy", month=april, county_id=tiny.county.pk, township_id=tiny.baishui.pk,
                             user=secretary)  # fmt: skip
        run.refresh_from_db()
        assert run.status == RunStatus.DONE, run.error
        assert SubsidySheet.objects.get(month=april).computed_by is None
