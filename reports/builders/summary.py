"""月度综合统计报表: the programme's counts for a month and a scope.

Sheets: 分乡镇统计 (one row a township, totals, a bar chart of reserves per township),
结构分布 (reserves by tier, status, political status, age band, education and source,
with a pie chart of the tiers and a bar chart of education), 低于最低人数的村, and
考核与两委 (assessments by grade of the latest year, promotions and deeds of the month)."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone

from assessment import selectors as assessment_selectors
from cadre import selectors as cadre_selectors
from mentorship import selectors as mentorship_selectors
from org import selectors as org_selectors
from org.models import SeatPost

from . import Built, ReportContext, chunked
from .xlsx import HEADER_ROW, Formats, Table, add_chart, generated_line, rate, workbook

TOWNSHIP_COLUMNS = [
    ("乡镇(街道)", 16, "text"), ("村(社区)数", 10, "int"), ("后备干部", 10, "int"), ("35岁以下", 10, "int"),
    ("35岁以下占比", 12, "percent"), ("大专及以上", 11, "int"), ("大专及以上占比", 13, "percent"),
    ("中共党员（含预备）", 17, "int"), ("低于最低人数的村", 12, "int"), ("在帮结对", 10, "int"),
    ("帮带逾期结对", 12, "int"), ("本月进入两委", 12, "int"), ("本月典型事迹", 12, "int"),
]  # fmt: skip

# The structure sheet's charts sit beside their tables, below the repeated print rows (title,
# subtitle, header): a chart anchored in those rows is printed again, cut, on every page.
CHART_ROW = HEADER_ROW + 1
PAGE_BREAK_BEFORE = "education"  # the second printed page starts with 按学历, beside its bar chart

DIMENSIONS = [
    ("tier", "层级"), ("status", "月末状态（含已进入两委、已退出）"), ("political_status", "政治面貌"),
    ("age_band", "年龄段（月末）"), ("education", "学历"), ("source", "来源"),
]  # fmt: skip


def build(ctx: ReportContext) -> Built:
    scope, month, month_end = ctx.scope, ctx.month, ctx.month_end
    as_of = min(month_end, timezone.localdate())
    path = ctx.directory / "summary.xlsx"
    book = workbook(path)
    formats = Formats(book)
    title = f"{ctx.scope_name}{ctx.month_label}村级后备干部综合统计"

    townships = list(
        org_selectors.township_list(user=scope).filter(county=ctx.county).order_by("name").values_list("pk", "name")
    )
    villages = dict(
        org_selectors.village_list(user=scope).order_by().values_list("township_id").annotate(n=Count("pk"))
    )
    counts = cadre_selectors.report_township_counts(scope=scope, month_end=month_end)
    pairings = mentorship_selectors.report_pairing_counts(scope=scope, as_of=as_of)
    below = cadre_selectors.report_villages_below_minimum(scope=scope, month_end=month_end)
    below_by_township = dict(
        org_selectors.village_list(user=scope)
        .filter(pk__in=below.values("pk"))
        .order_by()
        .values_list("township_id")
        .annotate(n=Count("pk"))
    )
    promotions = cadre_selectors.report_promotions(scope=scope, month=month, month_end=month_end)
    promoted_by_township = dict(promotions.order_by().values_list("village__township_id").annotate(n=Count("pk")))
    deeds = assessment_selectors.report_deeds(scope=scope, month=month, month_end=month_end)
    deeds_by_township = dict(
        deeds.order_by().values_list("assignment__cadre__village__township_id").annotate(n=Count("pk"))
    )
    ctx.progress(30)

    # 分乡镇统计
    table = Table(book, formats, "分乡镇统计", title=title, subtitle=generated_line("按乡镇统计"),
                  columns=TOWNSHIP_COLUMNS)  # fmt: skip
    totals = [0] * 10
    for township_id, name in townships:
        c = counts.get(township_id, {})
        p = pairings.get(township_id, {})
        values = [
            villages.get(township_id, 0), c.get("reserves", 0), c.get("young", 0), c.get("college", 0),
            c.get("members", 0), below_by_township.get(township_id, 0), p.get("active", 0), p.get("overdue", 0),
            promoted_by_township.get(township_id, 0), deeds_by_township.get(township_id, 0),
        ]  # fmt: skip
        totals = [t + v for t, v in zip(totals, values, strict=False)]
        table.write(_township_row(name, values))
    first, last = table.first_data_row, table.row - 1
    table.write(_township_row("合计", totals), total=True)
    if townships:
        add_chart(book, table.sheet, kind="column", title="各乡镇后备干部人数", name="后备干部",
                  categories=(table.name, first, 0, last, 0), values=(table.name, first, 2, last, 2),
                  at=(table.row + 1, 0))  # fmt: skip
    ctx.progress(45)

    # 结构分布
    breakdowns = cadre_selectors.report_reserve_breakdowns(scope=scope, month_end=month_end)
    table = Table(book, formats, "结构分布", title=title, subtitle=generated_line("后备干部结构（月末在册）"),
                  columns=[("类别", 22, "text"), ("人数", 10, "int"), ("占比", 10, "percent")])  # fmt: skip
    chart_ranges = {}
    section_rows = {}
    for index, (key, label) in enumerate(DIMENSIONS):
        if index:
            section_rows[key] = table.section(f"按{label}")
            table.headers([label, "人数", "占比"])
        else:
            table.write([f"按{label}", None, None], total=True)
        rows = breakdowns[key]
        whole = sum(n for _label, n in rows)
        start = table.row
        for row_label, n in rows:
            table.write([row_label, n, rate(n, whole)])
        chart_ranges[key] = (start, table.row - 1)
        table.write(["合计", whole, 1 if whole else None], total=True)
    tier_first, tier_last = chart_ranges["tier"]
    add_chart(book, table.sheet, kind="pie", title="后备干部层级结构", name="人数",
              categories=(table.name, tier_first, 0, tier_last, 0), values=(table.name, tier_first, 1, tier_last, 1),
              at=(CHART_ROW, 4))  # fmt: skip
    edu_first, edu_last = chart_ranges["education"]
    add_chart(book, table.sheet, kind="bar", title="后备干部学历结构", name="人数",
              categories=(table.name, edu_first, 0, edu_last, 0), values=(table.name, edu_first, 1, edu_last, 1),
              at=(section_rows[PAGE_BREAK_BEFORE] + 1, 4))  # fmt: skip  # +1: its frame stays off page 1
    table.sheet.set_h_pagebreaks([section_rows[PAGE_BREAK_BEFORE]])
    ctx.progress(60)

    # 低于最低人数的村
    minimum = ctx.county.min_reserves_per_village
    table = Table(book, formats, "低于最低人数的村", title=title,
                  subtitle=generated_line(f"后备干部少于每村最低人数（{minimum}人）的村"),
                  columns=[("乡镇(街道)", 16, "text"), ("村(社区)", 18, "text"), ("后备干部", 10, "int"),
                           ("最低人数", 10, "int"), ("缺口", 10, "int")])  # fmt: skip
    total_below = 0
    rows = below.values_list("township__name", "name", "reserve_count", "minimum").iterator(chunk_size=2000)
    for township_name, village_name, n, village_minimum in chunked(
        rows, total=sum(below_by_township.values()), progress=ctx.progress, start=60, end=75
    ):
        table.write([township_name, village_name, n, village_minimum, village_minimum - n])
        total_below += 1
    table.write([f"合计 {total_below} 个村", None, None, None, None], total=True)

    # 考核与两委
    table = Table(book, formats, "考核与两委", title=title, subtitle=generated_line("年度考核、进入两委与典型事迹"),
                  columns=[("项目", 22, "text"), ("姓名/人数", 14, "text"), ("乡镇(街道)", 16, "text"),
                           ("村(社区)", 16, "text"), ("职位/说明", 28, "text"), ("日期", 12, "date")])  # fmt: skip
    year = assessment_selectors.report_latest_year(county_id=ctx.county.pk, month_end=month_end)
    if year is None:
        table.write(["年度考核", "尚无考核年度", None, None, None, None])
    else:
        grades = assessment_selectors.report_grade_counts(scope=scope, year=year)
        table.write([f"{year.year}年度考核等次（已审定）", None, None, None, None, None], total=True)
        for grade_label, n in grades:
            table.write([grade_label, n, None, None, None, None])
        table.write(["合计", sum(n for _g, n in grades), None, None, None, None], total=True)
    ctx.progress(80)
    table.section(f"本月进入两委（{sum(promoted_by_township.values())}人）")
    table.headers(["姓名", "乡镇(街道)", "村(社区)", "职位", "进入时间", ""])
    for name, township_name, village_name, post, number, seated_on in promotions.values_list(
        "name", "village__township__name", "village__name", "seat__post", "seat__number", "seated_on"
    ).iterator(chunk_size=2000):
        table.write([name, township_name, village_name, _post_label(post, number), seated_on, None])
    table.section(f"本月典型事迹（{sum(deeds_by_township.values())}篇）")
    table.headers(["标题", "姓名", "乡镇(街道)", "村(社区)", "县委组织部推荐宣传", "日期"])
    for title_, name, township_name, village_name, publicized, date in deeds.values_list(
        "title", "assignment__cadre__name", "assignment__cadre__village__township__name",
        "assignment__cadre__village__name", "publicized", "date",
    ).iterator(chunk_size=2000):  # fmt: skip
        table.write([title_, name, township_name, village_name, "是" if publicized else "否", date])
    book.close()
    ctx.progress(95)
    return Built(xlsx=path)


def _township_row(name: str, values: list[int]) -> list:
    villages, reserves, young, college, members, below, active, overdue, promoted, deeds = values
    return [name, villages, reserves, young, rate(young, reserves), college, rate(college, reserves), members,
            below, active, overdue, promoted, deeds]  # fmt: skip


def _post_label(post: int | None, number: int | None) -> str:
    if post is None:
        return ""
    label = str(SeatPost(post).label)
    return f"{label}（{number}）" if number and number > 1 else label
