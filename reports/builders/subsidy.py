"""月度补贴报表: one line per reserve (name, township, village, masked ID number, days, base,
bonus, adjustments, total), a subtotal per township and the county total, ready for the
finance office; a 乡镇汇总 sheet with a chart of the total per township; the adjustment
lines with their reasons. The sheet's state (已计算/已审核/已锁定) is in the title block.

Money is Decimal all the way: the lines come from the sheet as computed (rounded once per
line by subsidies), and subtotals and totals are exact sums of the lines as written. The
PDF (WeasyPrint, A4 landscape, the header repeated on each page, page numbers, Noto Sans
CJK SC) is made up to settings.REPORTS_PDF_MAX_LINES lines; above that the xlsx alone,
with a note."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from common.masking import mask_id_number
from org.models import County
from subsidies import selectors
from subsidies.models import SheetState, SubsidySheet
from subsidies.services import may_manage_subsidies, sheet_compute

from . import Built, ReportContext, chunked
from .xlsx import Formats, Table, add_chart, generated_line, workbook

ZERO = Decimal("0.00")
LINE_COLUMNS = [
    ("序号", 7, "int"), ("乡镇(街道)", 14, "text"), ("村(社区)", 14, "text"), ("姓名", 9, "text"),
    ("身份证号", 21, "text"), ("享受天数", 9, "int"), ("基本补贴（元）", 14, "money"), ("绩效奖（元）", 13, "money"),
    ("调整（元）", 12, "money"), ("应发合计（元）", 15, "money"),
]  # fmt: skip
TOWNSHIP_COLUMNS = [
    ("乡镇(街道)", 16, "text"), ("人数", 8, "int"), ("基本补贴（元）", 15, "money"), ("绩效奖（元）", 14, "money"),
    ("调整（元）", 13, "money"), ("应发合计（元）", 16, "money"),
]  # fmt: skip
ADJUSTMENT_COLUMNS = [
    ("乡镇(街道)", 14, "text"), ("姓名", 9, "text"), ("身份证号", 21, "text"), ("调整金额（元）", 14, "money"),
    ("调整原因", 36, "text"), ("调整人", 10, "text"), ("调整时间", 17, "text"),
]  # fmt: skip


def month_sheet(*, county_id: int, month: Any, user: Any = None) -> SubsidySheet:
    """The month's sheet; a month without one is first computed by subsidies' own service
    (``sheet_compute``), as the one who asked when they may compute (county staff of the
    county), otherwise as the system (a township's or a leader's request, the schedule):
    computing never locks, the county still reviews the sheet."""
    may_compute = user is not None and may_manage_subsidies(user, county_id)
    with transaction.atomic():
        # The county's and its townships' reports are built at once (the monthly job): the
        # county's row, locked, lets one compute and the others find its sheet.
        County.objects.select_for_update().get(pk=county_id)
        sheet = selectors.report_sheet(county_id=county_id, month=month)
        if sheet is None:
            sheet = sheet_compute(county_id=county_id, month=month, user=user if may_compute else None)
    return sheet


class Sums:
    """Running money sums of one group of lines (a township, the county)."""

    def __init__(self) -> None:
        self.people, self.base, self.bonus, self.adjusted, self.total = 0, ZERO, ZERO, ZERO, ZERO

    def add(self, base: Decimal, bonus: Decimal, adjusted: Decimal, total: Decimal, people: int = 1) -> None:
        self.people += people
        self.base += base
        self.bonus += bonus
        self.adjusted += adjusted
        self.total += total

    def money(self) -> list[Decimal]:
        return [self.base, self.bonus, self.adjusted, self.total]


def _state_line(sheet: SubsidySheet) -> str:
    state = SheetState(sheet.state)
    when = {SheetState.COMPUTED: sheet.computed_at, SheetState.REVIEWED: sheet.reviewed_at,
            SheetState.LOCKED: sheet.locked_at}[state]  # fmt: skip
    return f"补贴表状态：{state.label}" + (f"（{timezone.localtime(when):%Y-%m-%d %H:%M}）" if when else "")


def build(ctx: ReportContext) -> Built:
    sheet = month_sheet(county_id=ctx.county.pk, month=ctx.month, user=ctx.user)
    scope = ctx.scope
    line_count = selectors.report_line_count(scope=scope, sheet=sheet)
    pdf_wanted = line_count <= settings.REPORTS_PDF_MAX_LINES
    unlined: dict[int, list] = {}
    for row in selectors.report_unlined_adjustments(scope=scope, sheet=sheet):
        unlined.setdefault(row[0], []).append(row)
    ctx.progress(5)

    path = ctx.directory / "subsidy.xlsx"
    book = workbook(path)
    formats = Formats(book)
    title = f"{ctx.scope_name}{ctx.month_label}村级后备干部补贴发放表"
    state = _state_line(sheet)
    subtitle = generated_line(f"{state}    金额单位：元    身份证号已脱敏")
    table = Table(book, formats, "补贴明细", title=title, subtitle=subtitle, columns=LINE_COLUMNS)
    pdf_rows: list[dict] = []
    county = Sums()
    townships: list[tuple[str, Sums]] = []
    current: tuple[int, str] | None = None
    township_sums = Sums()
    number = 0

    def line(township: str, village: str, name: str, id_number: str, days: int | None, base: Decimal,
             bonus: Decimal, adjusted: Decimal) -> None:  # fmt: skip
        nonlocal number
        number += 1
        total = base + bonus + adjusted
        masked = mask_id_number(id_number)
        township_sums.add(base, bonus, adjusted, total)
        table.write([number, township, village, name, masked, days, base, bonus, adjusted, total])
        if pdf_wanted:
            cells = [number, township, village, name, masked, "" if days is None else days]
            pdf_rows.append({"kind": "line", "cells": cells, "money": _yuan(base, bonus, adjusted, total)})

    def close_township() -> None:
        nonlocal township_sums
        if current is None:
            return
        township_id, township_name = current
        for _tid, _t, village, name, id_number, amount in unlined.pop(township_id, []):
            line(township_name, village, name, id_number, None, ZERO, ZERO, amount)
        label = f"{township_name} 小计（{township_sums.people}人）"
        table.write([None, label, None, None, None, None, *township_sums.money()], total=True)
        if pdf_wanted:
            pdf_rows.append({"kind": "subtotal", "label": label, "money": _yuan(*township_sums.money())})
        county.add(*township_sums.money(), people=township_sums.people)
        townships.append((township_name, township_sums))
        township_sums = Sums()

    rows = selectors.report_lines(scope=scope, sheet=sheet).iterator(chunk_size=2000)
    for township_id, township, village, name, id_number, days, base, bonus, adjusted in chunked(
        rows, total=line_count, progress=ctx.progress, start=5, end=80
    ):
        if current is None or current[0] != township_id:
            close_township()
            current = (township_id, township)
        line(township, village, name, id_number, days, base, bonus, adjusted)
    close_township()
    for township_id in sorted(unlined, key=lambda key: unlined[key][0][1]):  # townships paid only by corrections
        current = (township_id, unlined[township_id][0][1])
        close_township()
    current = None
    label = f"合计（{county.people}人）"
    table.write([None, label, None, None, None, None, *county.money()], total=True)
    table.sheet.write_string(table.row + 1, 1, "经办人：", formats.subtitle)
    table.sheet.write_string(table.row + 1, 4, "审核人：", formats.subtitle)
    table.sheet.write_string(table.row + 1, 7, "单位（盖章）：", formats.subtitle)

    summary = Table(book, formats, "乡镇汇总", title=title, subtitle=subtitle, columns=TOWNSHIP_COLUMNS)
    for name, sums in townships:
        summary.write([name, sums.people, *sums.money()])
    first, last = summary.first_data_row, summary.row - 1
    summary.write(["合计", county.people, *county.money()], total=True)
    if townships:
        add_chart(book, summary.sheet, kind="column", title="各乡镇应发合计（元）", name="应发合计",
                  categories=(summary.name, first, 0, last, 0), values=(summary.name, first, 5, last, 5),
                  at=(summary.row + 1, 0))  # fmt: skip

    adjustments = Table(book, formats, "调整明细", title=title, subtitle=subtitle, columns=ADJUSTMENT_COLUMNS)
    adjusted_total = ZERO
    pdf_adjustments: list[dict] = []  # the PDF lists them too: finance asks why a line differs
    for township, name, id_number, amount, reason, last_name, first_name, username, at in selectors.report_adjustments(
        scope=scope, sheet=sheet
    ):
        adjusted_total += amount
        who = f"{last_name}{first_name}" or username
        adjustments.write([township, name, mask_id_number(id_number), amount, reason, who,
                           f"{timezone.localtime(at):%Y-%m-%d %H:%M}"])  # fmt: skip
        if pdf_wanted:
            pdf_adjustments.append({"cells": [township, name, mask_id_number(id_number)], "amount": _yuan(amount)[0],
                                    "reason": reason, "who": who})  # fmt: skip
    adjustments.write(["合计", None, None, adjusted_total, None, None, None], total=True)
    book.close()
    ctx.progress(85)

    built = Built(xlsx=path)
    if not pdf_wanted:
        built.notes.append(
            f"共{line_count}行，超过{settings.REPORTS_PDF_MAX_LINES}行未生成PDF，请打印Excel文件或按乡镇生成"
        )
        return built
    pdf_rows.append({"kind": "total", "label": label, "money": _yuan(*county.money())})
    built.pdf = ctx.directory / "subsidy.pdf"
    render_pdf(
        "reports/subsidy_pdf.html",
        {"title": title, "state": state, "generated_at": timezone.localtime(), "headers": [c[0] for c in LINE_COLUMNS],
         "widths": [round(100 * c[1] / sum(w for _, w, _ in LINE_COLUMNS), 1) for c in LINE_COLUMNS],
         "rows": pdf_rows, "adjustments": pdf_adjustments, "adjusted_total": _yuan(adjusted_total)[0]},
        built.pdf,
    )  # fmt: skip
    ctx.progress(98)
    return built


def _yuan(*amounts: Decimal) -> list[str]:
    return [f"{amount:,.2f}" for amount in amounts]


def render_pdf(template: str, context: dict, path: Any) -> None:
    from weasyprint import HTML

    html = render_to_string(template, context)
    HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(str(path))
