"""Importing a township's mentor pool (导师库) from Excel, all or nothing, keyed on
township + name + phone: the same file imported twice changes nothing."""

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from cadre.roster.parsing import PHONE, suggest_closest
from cadre.roster.workbook import template_workbook
from common.excel import TOTAL_ROW_PREFIXES, cell_text, compact_text
from common.headers import Column
from common.masking import mask_phone
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
    run_import,
    typed_text,
)
from org.selectors import township_list

from .models import Mentor, MentorKind
from .services import mentor_create, mentor_update

MENTOR_COLUMNS = (
    Column("township", "乡镇(街道)", frozenset({"乡镇", "街道", "所属乡镇", "乡镇街道"}), required=True),
    Column("name", "姓名", frozenset({"导师姓名"}), required=True, width=10),
    Column("kind", "导师类别", frozenset({"类别", "导师类型", "类型"}), required=True, width=14),
    Column("unit", "工作单位", frozenset({"单位"}), width=22),
    Column("post", "职务", frozenset({"现任职务"}), width=16),
    Column("phone", "联系电话", frozenset({"电话", "手机", "手机号码", "联系方式"}), required=True, width=14),
    Column("specialties", "专长", frozenset({"特长", "擅长领域"}), width=22),
    Column("max_mentees", "可带人数", frozenset({"最多带教人数", "带教人数"}), width=8),
    Column("is_active", "是否在库", frozenset({"在库"}), width=8),
)
KIND_LABELS = {
    MentorKind.COUNTY_LEADER: ["县级领导", "县领导", "县处级领导"],
    MentorKind.TOWNSHIP_CADRE: ["乡镇干部", "镇干部", "乡镇业务骨干"],
    MentorKind.VILLAGE_SECRETARY: ["村党组织书记", "村书记", "村支书", "村党支部书记"],
    MentorKind.RETIRED_CADRE: ["离退休干部", "退休干部", "老干部"],
    MentorKind.INDUSTRY_LEADER: ["产业发展带头人", "产业带头人", "致富带头人"],
    MentorKind.OTHER: ["其他"],
}
KIND_LOOKUP = {label: code for code, labels in KIND_LABELS.items() for label in labels}
YES, NO = {"是", "在库", "Y", "1", ""}, {"否", "出库", "已出库", "N", "0"}
SKIP = (*TOTAL_ROW_PREFIXES, "示例")  # total rows, and the template's example row
FIELDS = ("name", "kind", "unit", "post", "phone", "specialties", "max_mentees", "is_active")


def mentor_import(
    source: Any, *, user: User, dry_run: bool, filename: str | None = None, **options: Any
) -> ImportReport:
    """Import a mentor pool file (path, bytes or file object) through the import engine;
    ``options`` as for imports.engine.run_import."""
    return run_import(MENTOR_IMPORTER, source, user=user, dry_run=dry_run, filename=filename, **options)


def _import_rows(
    table: Table, *, report: ImportReport, user: User, dry_run: bool, expected_digest: str | None, progress: Progress
) -> None:
    """The mentor pool's row rule: keyed on township + name + phone, all or nothing."""
    townships = {t.name: t for t in township_list(user=user)}
    own = user.township.name if user.role == Role.TOWNSHIP else None
    existing = {(m.township_id, m.name, m.phone): m for m in Mentor.objects.filter(township__in=townships.values())}
    seen: dict[tuple, RowOutcome] = {}
    plan = []
    fingerprint = hashlib.sha256()
    for source in table.rows:
        raw = source.raw
        if not any(compact_text(v) for v in raw.values()) or compact_text(raw.get("township")).startswith(SKIP):
            continue
        outcome = RowOutcome(row=source.row, action=ERROR, name=compact_text(raw.get("name")), sheet=source.sheet)
        report.outcomes.append(outcome)
        values = _parse(raw, outcome, townships, own)
        if outcome.errors:
            continue
        outcome.id_number = mask_phone(values["phone"])
        key = (values["township"].pk, values["name"], values["phone"])
        if key in seen:
            message = _("与%(where)s重复（同一乡镇、姓名和电话）") % {"where": seen[key].where}
            outcome.errors.append(RowError(outcome.row, _("姓名"), message, sheet=outcome.sheet))
            outcome.action = ERROR
            continue
        seen[key] = outcome
        current = existing.get(key)
        if current is None:
            outcome.action = CREATE
        else:
            changed = [f for f in FIELDS if f in values and getattr(current, f) != values[f]]
            outcome.action = UPDATE if changed else UNCHANGED
            outcome.changes = [(f, str(getattr(current, f)), str(values[f])) for f in changed]
        plan.append((current, values, outcome))
        fingerprint.update(repr((key, outcome.action, sorted((k, str(v)) for k, v in values.items()))).encode())
    progress(checked=len(table.rows))
    report.digest = fingerprint.hexdigest()
    if expected_digest is not None and expected_digest != report.digest:
        report.file_errors.append(RowError(0, "", _("预览之后，文件或系统中的数据已发生变化，请重新上传并预览。")))
    if report.ok and not report.outcomes:
        report.file_errors.append(RowError(0, "", _("表格中没有可导入的数据行。")))
    if not report.ok or dry_run:
        return
    try:
        with transaction.atomic():
            for current, values, outcome in plan:
                if outcome.action == CREATE:
                    mentor_create(user=user, data=values)
                elif outcome.action == UPDATE:
                    mentor_update(user=user, mentor=current, data=values)
    except ValidationError as exc:
        report.file_errors.append(RowError(0, "", "；".join(exc.messages)))
        return
    progress(written=len(plan))
    report.applied = True


MENTOR_IMPORTER = Importer(
    kind="mentors",
    label="导师库",
    columns=MENTOR_COLUMNS,
    run=_import_rows,
    upload_url="mentorship:mentor-import",
    done_url="mentorship:mentor-list",
    optional=lambda user: {"township"} if user.role == Role.TOWNSHIP else set(),
    identifier="联系电话",
)


def _parse(raw: dict, outcome: RowOutcome, townships: dict, own: str | None) -> dict:
    def error(column: str, message: str) -> None:
        outcome.errors.append(RowError(outcome.row, column, message, sheet=outcome.sheet))

    values = {}
    township = compact_text(raw.get("township")) or own
    if not township:
        error(_("乡镇(街道)"), _("不能为空"))
    elif township not in townships:
        if own:
            error(
                _("乡镇(街道)"),
                _("只能导入本乡镇（%(own)s）的导师，表中为“%(township)s”") % {"own": own, "township": township},
            )
        else:
            error(
                _("乡镇(街道)"),
                _("找不到乡镇(街道)“%(township)s”%(suggest_closest)s")
                % {"township": township, "suggest_closest": suggest_closest(township, townships)},
            )
    else:
        values["township"] = townships[township]
    values["name"] = compact_text(raw.get("name"))
    if not values["name"]:
        error(_("姓名"), _("不能为空"))
    kind = compact_text(raw.get("kind"))
    if kind not in KIND_LOOKUP:
        allowed = "、".join(labels[0] for labels in KIND_LABELS.values())
        error(
            _("导师类别"),
            _("无法识别“%(kind)s”，应为：%(allowed)s") % {"kind": kind, "allowed": allowed} if kind else _("不能为空"),
        )
    else:
        values["kind"] = KIND_LOOKUP[kind]
    for key in ("unit", "post", "specialties"):
        if key in raw:
            values[key] = cell_text(raw[key]) if not isinstance(raw[key], str) else raw[key].strip()
    phone = compact_text(raw.get("phone"))
    if not PHONE.match(phone):
        # the number as typed (full-width digits and spaces kept): the row's identifier
        typed = typed_text(raw.get("phone"))
        error(_("联系电话"), _("号码格式不正确：“%(phone)s”") % {"phone": typed} if phone else _("不能为空"))
    values["phone"] = phone
    if "max_mentees" in raw:
        text = compact_text(raw["max_mentees"]) or "1"
        if not text.isdigit() or not 1 <= int(text) <= 20:
            error(_("可带人数"), _("应为1到20之间的整数，表中为“%(text)s”") % {"text": text})
        else:
            values["max_mentees"] = int(text)
    if "is_active" in raw:
        text = compact_text(raw["is_active"])
        if text not in YES | NO:
            error(_("是否在库"), _("应为“是”或“否”，表中为“%(text)s”") % {"text": text})
        values["is_active"] = text in YES
    return values


def mentor_template() -> bytes:
    return template_workbook(
        title="导师库",
        columns=list(MENTOR_COLUMNS),
        choices={"kind": [labels[0] for labels in KIND_LABELS.values()], "is_active": ["是", "否"]},
        text_keys={"phone"},
        example={
            "township": "示例：白水镇",
            "name": "王建华",
            "kind": "乡镇干部",
            "unit": "白水镇人民政府",
            "post": "党委副书记",
            "phone": "13907461234",
            "specialties": "基层治理、产业发展",
            "max_mentees": 1,
            "is_active": "是",
        },  # fmt: skip
        comments={"kind": "县级领导、乡镇干部、村党组织书记、离退休干部、产业发展带头人、其他"},
    )
