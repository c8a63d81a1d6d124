"""Importing a session's training needs (培训前征求需求) from Excel, all or nothing: one row
per reserve (姓名, 身份证号, 需求主题, 具体需求), the topics written as their Chinese
labels, several in a cell split by 、，,/ or spaces. A row names a reserve of the session
the uploader may enter needs for; the upload page passes the session."""

import hashlib
import io
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from accounts.models import User
from common.excel import TOTAL_ROW_PREFIXES, cell_text, compact_text
from common.headers import Column
from common.idcard import normalize_id_number, parse_id_number
from common.masking import mask_id_number
from imports.engine import (
    CREATE,
    ERROR,
    UNCHANGED,
    UPDATE,
    Importer,
    ImportReport,
    Progress,
    RowError,
    RowOutcome,
    Table,
    as_typed,
    run_import,
)

from .models import Topic, TrainingNeed, TrainingSession
from .selectors import need_targets, session_visible
from .services import DETAILS_MAX, needs_save

NEED_COLUMNS = (
    Column("name", "姓名", width=10),
    Column("id_number", "身份证号", frozenset({"身份证号码", "公民身份号码"}), required=True, width=22),
    Column("village", "村(社区)", frozenset({"村", "所在村"}), width=12),
    Column("topics", "需求主题", frozenset({"培训需求", "需求", "培训主题", "主题"}), required=True, width=30),
    Column("details", "具体需求", frozenset({"需求说明", "具体内容", "备注"}), width=40),
)
SEPARATORS = re.compile(r"[、，,/／;；\s]+")
SKIP = (*TOTAL_ROW_PREFIXES, "示例", "说明")  # total rows, an example row, the sheet's note
LABELS = {str(label): value for value, label in Topic.choices}


def parse_topics(text: str) -> tuple[list[str], list[str]]:
    """(topic values, the words that match no topic) of a cell such as "政策理论、电商直播".
    A word matches a topic by its label, or by being part of exactly one label (法律 → 法律法规)."""
    found, unknown = [], []
    for word in SEPARATORS.split(cell_text(text)):
        if not word:
            continue
        value = LABELS.get(word)
        if value is None:
            close = [v for label, v in LABELS.items() if word in label or label in word]
            value = close[0] if len(close) == 1 else None
        if value is None:
            unknown.append(word)
        elif value not in found:
            found.append(value)
    return [t for t in Topic.values if t in found], unknown


def needs_import(
    source: Any, *, user: User, session: TrainingSession, dry_run: bool, filename: str | None = None, **options: Any
) -> ImportReport:
    """Import a needs sheet (path, bytes or file object) for ``session`` through the engine."""
    return run_import(
        NEEDS_IMPORTER, source, user=user, dry_run=dry_run, filename=filename, context={"session": session.pk},
        **options,
    )  # fmt: skip


def _import_rows(
    table: Table, *, report: ImportReport, user: User, dry_run: bool, expected_digest: str | None,
    progress: Progress, context: dict[str, Any],
) -> None:  # fmt: skip
    """The needs sheet's row rule: each row a reserve of the session within the user's reach,
    saved through needs_save (its rules apply); all or nothing."""
    session = session_visible(user=user).filter(pk=context.get("session")).first()
    if session is None:
        report.file_errors.append(RowError(0, "", _("找不到该培训班次，或不在您的管辖范围内。")))
        return
    reserves = {c.id_number: c for c in need_targets(session=session, user=user)}
    existing = {
        n.cadre_id: (n.topics, n.details)
        for n in TrainingNeed.objects.filter(session=session, cadre__in=reserves.values())
    }
    seen: dict[int, RowOutcome] = {}
    plan = []
    fingerprint = hashlib.sha256()
    for source in table.rows:
        raw = source.raw
        number = normalize_id_number(raw.get("id_number"))
        name = compact_text(raw.get("name"))
        if not any(compact_text(v) for v in raw.values()) or (name or number).startswith(SKIP):
            continue
        outcome = RowOutcome(
            row=source.row, action=ERROR, name=name, id_number=mask_id_number(number), sheet=source.sheet
        )
        report.outcomes.append(outcome)

        def error(column: str, message: str, outcome: RowOutcome = outcome) -> None:
            outcome.errors.append(RowError(outcome.row, column, message, sheet=outcome.sheet))

        cadre = reserves.get(number)
        if not number:
            error(_("身份证号"), _("不能为空"))
        elif cadre is None:
            # the number as typed, so the user finds the cell (the masked number would not do)
            error(_("身份证号"), as_typed(_id_problem(number), raw.get("id_number")))
        elif name and name != cadre.name:
            error(_("姓名"), _("与身份证号不符：系统中为“%(name)s”") % {"name": cadre.name})
        elif cadre.pk in seen:
            error(_("身份证号"), _("与%(where)s重复") % {"where": seen[cadre.pk].where})
        topics, unknown = parse_topics(raw.get("topics"))
        if unknown:
            allowed = "、".join(LABELS)
            error(
                _("需求主题"),
                _("无法识别“%(words)s”，应为：%(allowed)s") % {"words": "、".join(unknown), "allowed": allowed},
            )
        elif not topics:
            error(_("需求主题"), _("不能为空"))
        details = cell_text(raw.get("details")) if raw.get("details") not in (None, "") else ""
        if len(details) > DETAILS_MAX:
            error(_("具体需求"), _("不能超过%(max)s个字") % {"max": DETAILS_MAX})
        if outcome.errors:
            continue
        outcome.name = cadre.name
        seen[cadre.pk] = outcome
        before = existing.get(cadre.pk)
        if before is None:
            outcome.action = CREATE
        elif before == (topics, details):
            outcome.action = UNCHANGED
        else:
            outcome.action = UPDATE
            labels = dict(Topic.choices)
            outcome.changes = [
                (_("需求主题"), "、".join(str(labels[t]) for t in before[0]), "、".join(str(labels[t]) for t in topics))
            ] if before[0] != topics else []  # fmt: skip
            if before[1] != details:
                outcome.changes.append((_("具体需求"), before[1], details))
        plan.append({"cadre": cadre, "topics": topics, "details": details})
        fingerprint.update(repr((number, outcome.action, topics, details)).encode())
    progress(checked=len(table.rows))
    report.digest = fingerprint.hexdigest()
    if expected_digest is not None and expected_digest != report.digest:
        report.file_errors.append(RowError(0, "", _("预览之后，文件或系统中的数据已发生变化，请重新上传并预览。")))
    if report.ok and not report.outcomes:
        report.file_errors.append(RowError(0, "", _("表格中没有可导入的数据行。")))
    if not report.ok:
        return
    changed = [p for p in plan if existing.get(p["cadre"].pk) != (p["topics"], p["details"])]
    try:
        with transaction.atomic():  # a preview runs the service too (a passed deadline shows), then rolls back
            needs_save(user=user, session=session, rows=changed)
            if dry_run:
                transaction.set_rollback(True)
    except ValidationError as exc:
        report.file_errors.append(RowError(0, "", "；".join(exc.messages)))
        return
    if dry_run:
        return
    progress(written=len(plan))
    report.applied = True


NEEDS_IMPORTER = Importer(
    kind="training_needs",
    label="培训需求",
    columns=NEED_COLUMNS,
    columns_for=lambda context: NEED_COLUMNS,  # so that the row rule is given the session
    run=_import_rows,
    upload_url="training:session-list",
    done_url="training:session-list",
)


def _id_problem(number: str) -> str:
    """Why a (normalised) ID number found no reserve: the number's own fault, if it has
    one, else that it is no reserve this user may enter needs for."""
    try:
        parse_id_number(number)
    except ValidationError as exc:
        return exc.messages[0]
    return _("不是本次培训参训范围内、您辖区的在册后备干部")


def needs_sheet(*, session: TrainingSession, user: User) -> bytes:
    """The session's needs sheet for the user's reserves, what is saved already filled in,
    the ID number as text and the topics listed in the header's note."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "培训需求"
    sheet.append([c.header for c in NEED_COLUMNS])
    for index, column in enumerate(NEED_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else None)
        cell.fill = PatternFill("solid", fgColor="FDE9E7")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    labels = dict(Topic.choices)
    for cadre in need_targets(session=session, user=user).iterator(chunk_size=2000):
        topics = "、".join(str(labels[t]) for t in cadre.need_topics or [])
        sheet.append([cadre.name, cadre.id_number, cadre.village.name, topics, cadre.need_details or ""])
        sheet.cell(row=sheet.max_row, column=2).number_format = "@"
    sheet.append([])
    sheet.append(["说明：需求主题可填多个，用顿号分隔，可选：" + "、".join(LABELS)])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
