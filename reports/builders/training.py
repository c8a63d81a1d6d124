"""月度培训报表: the month's sessions with attendance, attendance rate per township (with a
bar chart), per reserve (sessions, present, hours), and who missed (缺勤/请假 with the note)."""

from __future__ import annotations

from org.selectors import township_list
from training import selectors
from training.models import AttendanceStatus, Kind, Level

from . import Built, ReportContext, chunked
from .xlsx import Formats, Table, add_chart, generated_line, rate, workbook

SESSION_COLUMNS = [
    ("培训日期", 12, "date"), ("培训名称", 46, "text"), ("培训层级", 9, "text"), ("培训类型", 18, "text"),
    ("学时", 7, "number"), ("应到", 8, "int"), ("实到", 8, "int"), ("请假", 8, "int"), ("缺勤", 8, "int"),
    ("出勤率", 9, "percent"),
]  # fmt: skip
TOWNSHIP_COLUMNS = [
    ("乡镇(街道)", 18, "text"), ("应到人次", 10, "int"), ("实到人次", 10, "int"), ("请假人次", 10, "int"),
    ("缺勤人次", 10, "int"), ("出勤率", 10, "percent"), ("参训学时", 10, "number"),
]  # fmt: skip
RESERVE_COLUMNS = [
    ("乡镇(街道)", 16, "text"), ("村(社区)", 16, "text"), ("姓名", 10, "text"), ("应参训次数", 11, "int"),
    ("出勤", 8, "int"), ("请假", 8, "int"), ("缺勤", 8, "int"), ("出勤率", 9, "percent"), ("学时", 8, "number"),
]  # fmt: skip
MISSED_COLUMNS = [
    ("乡镇(街道)", 16, "text"), ("村(社区)", 16, "text"), ("姓名", 10, "text"), ("培训日期", 12, "date"),
    ("培训名称", 46, "text"), ("情况", 8, "text"), ("备注（事由）", 24, "text"),
]  # fmt: skip


def build(ctx: ReportContext) -> Built:
    where = {"scope": ctx.scope, "county_id": ctx.county.pk, "month": ctx.month, "month_end": ctx.month_end}
    path = ctx.directory / "training.xlsx"
    book = workbook(path)
    formats = Formats(book)
    title = f"{ctx.scope_name}{ctx.month_label}村级后备干部培训情况"
    levels, kinds, statuses = dict(Level.choices), dict(Kind.choices), dict(AttendanceStatus.choices)

    table = Table(book, formats, "培训班次", title=title, subtitle=generated_line("本月培训班次及出勤"),
                  columns=SESSION_COLUMNS)  # fmt: skip
    totals = [0, 0, 0, 0, 0]
    for s in selectors.report_sessions(**where):
        row = [s["hours"], s["expected"], s["present"], s["leave"], s["absent"]]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        table.write([s["date"], s["title"], str(levels[s["level"]]), str(kinds[s["kind"]]), *row,
                     rate(s["present"], s["expected"])])  # fmt: skip
    table.write(["合计", None, None, None, *totals, rate(totals[2], totals[1])], total=True)
    ctx.progress(15)

    table = Table(book, formats, "乡镇出勤率", title=title, subtitle=generated_line("各乡镇出勤率"),
                  columns=TOWNSHIP_COLUMNS)  # fmt: skip
    totals = [0, 0, 0, 0, 0]
    attendance = {t["cadre__village__township_id"]: t for t in selectors.report_township_attendance(**where)}
    for township_id, name in (
        township_list(user=ctx.scope).filter(county=ctx.county).order_by("name").values_list("pk", "name")
    ):  # every township, those with nobody trained too
        t = attendance.get(township_id, {})
        row = [t.get("expected", 0), t.get("present", 0), t.get("leave", 0), t.get("absent", 0), t.get("hours", 0)]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        table.write([name, *row[:4], rate(row[1], row[0]), row[4]])
    first, last = table.first_data_row, table.row - 1
    table.write(["合计", *totals[:4], rate(totals[1], totals[0]), totals[4]], total=True)
    if last >= first:
        add_chart(book, table.sheet, kind="bar", title="各乡镇出勤率", name="出勤率", percent=True,
                  categories=(table.name, first, 0, last, 0), values=(table.name, first, 5, last, 5),
                  at=(table.row + 1, 0))  # fmt: skip
    ctx.progress(25)

    table = Table(book, formats, "个人出勤", title=title, subtitle=generated_line("每名后备干部本月参训情况"),
                  columns=RESERVE_COLUMNS)  # fmt: skip
    missed_total = totals[2] + totals[3]
    totals = [0, 0, 0, 0, 0]
    reserves = selectors.report_reserve_attendance(**where)
    count = 0
    for township, village, name, expected, present, leave, absent, hours in chunked(
        reserves.iterator(chunk_size=2000), total=reserves.count(), progress=ctx.progress, start=25, end=75
    ):
        count += 1
        row = [expected, present, leave, absent, hours]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        table.write([township, village, name, *row[:4], rate(present, expected), hours])
    table.write([f"合计 {count} 人", None, None, *totals[:4], rate(totals[1], totals[0]), totals[4]], total=True)

    table = Table(book, formats, "缺勤请假名单", title=title, subtitle=generated_line("本月缺勤、请假人员"),
                  columns=MISSED_COLUMNS)  # fmt: skip
    count = 0
    rows = selectors.report_missed(**where).iterator(chunk_size=2000)
    for township, village, name, date, session_title, status, note in chunked(
        rows, total=missed_total, progress=ctx.progress, start=75, end=90
    ):
        count += 1
        table.write([township, village, name, date, session_title, str(statuses[status]), note])
    table.write([f"合计 {count} 人次", None, None, None, None, None, None], total=True)
    book.close()
    return Built(xlsx=path)
