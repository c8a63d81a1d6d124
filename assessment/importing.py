"""Filling the township's grid from its Excel sheet: the blank sheet is downloaded from the
grid page, pre-filled with the township's reserves; filled in, it goes through the import
engine (preview, row-level errors, confirmation) into the draft, all or nothing. The
columns are the year's: one per indicator."""

import hashlib
import io
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.models import User
from cadre.models import Cadre, Status
from common.excel import TOTAL_ROW_PREFIXES, compact_text
from common.headers import Column
from common.masking import mask_id_number
from imports.engine import (
    CREATE,
    ERROR,
    UPDATE,
    Importer,
    ImportReport,
    Progress,
    RowError,
    RowOutcome,
    Table,
)

from .models import Assessment, AssessmentYear, Grade, Outcome
from .services import assessment_save

NUMBER_COLUMNS = (
    Column("voters", "参加测评人数", frozenset({"测评人数", "参评人数"}), width=10),
    Column("votes_excellent", "优秀票", frozenset({"优秀票数"}), width=8),
    Column("votes_competent", "称职票", frozenset({"称职票数"}), width=8),
    Column("votes_basic", "基本称职票", frozenset({"基本称职票数"}), width=10),
    Column("votes_incompetent", "不称职票", frozenset({"不称职票数"}), width=8),
)
CHOICE_COLUMNS = (
    Column("grade", "等次", frozenset({"考核等次"}), width=10),
    Column("outcome", "进退留转", frozenset({"进退留转建议"}), width=10),
)
TEXT_COLUMNS = (Column("visible_merits", "显绩", width=30), Column("latent_merits", "潜绩", width=30))


def _labels(choices: type[Grade] | type[Outcome]) -> dict[str, str]:
    """{Chinese label: value} of a choice field, as the sheet writes it."""
    return {str(label): value for value, label in choices.choices}


def assessment_columns(context: dict[str, Any]) -> tuple[Column, ...]:
    """The sheet's columns for the year in ``context``: the person, one column per indicator
    (its name, with or without the weight), the tallies, grade, outcome and remarks."""
    year = AssessmentYear.objects.get(pk=context["year"])
    indicators = [
        Column(f"s{i.pk}", i.name, frozenset({f"{i.name}({i.weight})", f"{i.name}({i.weight}分)"}), width=9)
        for i in year.indicators.all()
    ]
    return (
        Column("id_number", "身份证号", frozenset({"身份证号码", "公民身份号码"}), required=True, width=22),
        Column("name", "姓名", width=10),
        Column("village", "村(社区)", frozenset({"村"}), width=10),
        *indicators, *NUMBER_COLUMNS, *CHOICE_COLUMNS, *TEXT_COLUMNS,
    )  # fmt: skip


def _parse(raw: dict[str, Any], outcome: RowOutcome, indicator_ids: list[int]) -> dict[str, Any]:
    def error(column: str, message: str) -> None:
        outcome.errors.append(RowError(outcome.row, column, message, sheet=outcome.sheet))

    data: dict[str, Any] = {"scores": {}}
    for indicator_id in indicator_ids:
        text = compact_text(raw.get(f"s{indicator_id}"))
        try:
            data["scores"][indicator_id] = Decimal(text) if text else None
        except InvalidOperation:
            error(_("得分"), _("“%(text)s”不是数字") % {"text": text})
    for column in NUMBER_COLUMNS:
        text = compact_text(raw.get(column.key))
        if text and not text.isdigit():
            error(column.header, _("应为整数，表中为“%(text)s”") % {"text": text})
        data[column.key] = int(text) if text.isdigit() else 0
    for column, lookup in ((CHOICE_COLUMNS[0], _labels(Grade)), (CHOICE_COLUMNS[1], _labels(Outcome))):
        text = compact_text(raw.get(column.key))
        if text and text not in lookup:
            error(column.header, _("应为：%(allowed)s") % {"allowed": "、".join(lookup)})
        data[column.key] = lookup.get(text, "")
    for column in TEXT_COLUMNS:
        data[column.key] = str(raw.get(column.key) or "").strip()
    return data


def _import_rows(
    table: Table, *, report: ImportReport, user: User, dry_run: bool, expected_digest: str | None,
    progress: Progress, context: dict[str, Any],
) -> None:  # fmt: skip
    """The grid's row rule: each row is a reserve of the township, saved as a draft
    through assessment_save (its checks are the row's errors); all or nothing."""
    year = AssessmentYear.objects.get(pk=context["year"])
    reserves = {
        c.id_number: c
        for c in Cadre.objects.filter(
            village__township_id=context["township"], status__in=(Status.RESERVE, Status.KEY_TRAINING)
        ).select_related("village__township")
    }
    versions = dict(
        Assessment.objects.filter(year=year, cadre__in=reserves.values()).values_list("cadre_id", "version")
    )
    indicator_ids = list(year.indicators.values_list("pk", flat=True))
    fingerprint = hashlib.sha256()
    with transaction.atomic():
        for source in table.rows:
            number = compact_text(source.raw.get("id_number")).upper()
            if not number or number.startswith(TOTAL_ROW_PREFIXES):
                continue
            outcome = RowOutcome(row=source.row, action=ERROR, name=compact_text(source.raw.get("name")),
                                 id_number=mask_id_number(number), sheet=source.sheet)  # fmt: skip
            report.outcomes.append(outcome)
            cadre = reserves.get(number)
            if cadre is None:
                outcome.errors.append(
                    RowError(source.row, _("身份证号"), _("不是本乡镇的在册后备干部"), sheet=source.sheet)
                )
                continue
            data = _parse(source.raw, outcome, indicator_ids)
            if outcome.errors:
                continue
            try:
                with transaction.atomic():
                    assessment_save(user=user, year=year, cadre=cadre, data=data)
            except ValidationError as exc:
                for message in exc.messages:
                    outcome.errors.append(RowError(source.row, "", message, sheet=source.sheet))
                continue
            outcome.action = UPDATE if cadre.pk in versions else CREATE
            fingerprint.update(repr((number, versions.get(cadre.pk), sorted(map(str, data.items())))).encode())
        progress(checked=len(table.rows))
        report.digest = fingerprint.hexdigest()
        if expected_digest is not None and expected_digest != report.digest:
            report.file_errors.append(RowError(0, "", _("预览之后，文件或系统中的数据已发生变化，请重新上传并预览。")))
        if not report.outcomes and report.ok:
            report.file_errors.append(RowError(0, "", _("表格中没有可导入的数据行。")))
        if dry_run or not report.ok:
            transaction.set_rollback(True)
            return
    progress(written=len(report.outcomes))
    report.applied = True


ASSESSMENT_IMPORTER = Importer(
    kind="assessment",
    label="年度考核填报表",
    columns=(),
    columns_for=assessment_columns,
    run=_import_rows,
    upload_url="assessment:year-list",
    done_url="assessment:year-list",
)


def assessment_sheet(*, year: AssessmentYear, rows: list[Any]) -> bytes:
    """The grid as a workbook: one row per reserve (``selectors.grid_rows``), what is saved
    already filled in, drop-down lists for grade and outcome, the ID number as text."""
    columns = assessment_columns({"year": year.pk})
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(year)[:31]
    sheet.append([c.header for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FDE9E7")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    labels = {
        "grade": {v: k for k, v in _labels(Grade).items()},
        "outcome": {v: k for k, v in _labels(Outcome).items()},
    }
    for row in rows:
        a = row.assessment
        values = {"id_number": row.cadre.id_number, "name": row.cadre.name, "village": row.cadre.village.name}
        values |= {f"s{pk}": float(score) for pk, score in row.scores.items()}
        if a is not None:
            values |= {c.key: getattr(a, c.key) or None for c in NUMBER_COLUMNS}
            values |= {c.key: labels[c.key].get(getattr(a, c.key), "") for c in CHOICE_COLUMNS}
            values |= {c.key: getattr(a, c.key) for c in TEXT_COLUMNS}
        sheet.append([values.get(c.key) for c in columns])
        sheet.cell(row=sheet.max_row, column=1).number_format = "@"
    for key, choices in (("grade", _labels(Grade)), ("outcome", _labels(Outcome))):
        col = get_column_letter([c.key for c in columns].index(key) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        validation.add(f"{col}2:{col}{max(sheet.max_row, 2) + 200}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "D2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
