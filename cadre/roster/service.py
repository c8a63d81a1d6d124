"""Importing a township roster: read → parse and validate → plan against the database →
write, all or nothing.

Rows are validated in Python against preloaded lookups (no query per row) and written in
bulk with PostgreSQL's COPY: new cadres (their ids drawn from the sequence in one query),
their history records, and changed cadres through a temporary table and one UPDATE ... FROM.
The database constraints on Cadre stay the last word: a row that slipped past validation
fails the whole import, never half of it.
"""

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike
from typing import IO, Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
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
    no_progress,
    run_import,
)
from org.models import Village
from org.selectors import township_list

from ..models import Cadre, Status, Tier
from ..rules import PARTY_DATE_ASKED, PARTY_DATE_REQUIRED, party_joined_on_missing
from .columns import COLUMNS_BY_KEY, ROSTER_COLUMNS, label_of
from .parsing import ParsedRow, ParsedSheet, optional_columns, parse_table

# Field of Cadre → the column that carries it. birth_date and gender always come from the
# ID number; village_id from the township and village columns.
IMPORTED_FIELDS = {
    "name": "name", "gender": "gender", "ethnicity": "ethnicity", "birth_date": "birth_date",
    "phone": "phone", "education": "education", "political_status": "political_status",
    "party_joined_on": "party_joined_on", "source": "source", "tier": "tier",
    "village_id": "village", "current_job": "current_job", "specialty": "specialty", "notes": "notes",
    "entered_on": "entered_on",
}  # fmt: skip
# Fields a blank cell leaves as they are (a new reserve's 列入后备时间 is the import's day).
KEPT_WHEN_BLANK = {"entered_on"}
# A new cadre's values for what the file does not say: every column of the table, so that
# each row written in bulk has the same columns.
DEFAULTS = {
    f.attname: f.get_default()
    for f in Cadre._meta.concrete_fields
    if f.attname not in ("id", "created_at", "updated_at")
} | {"ethnicity": "汉族", "tier": Tier.VILLAGE, "status": Status.RESERVE, "entered_on": None}
BATCH = 5000
# What an import reads: the file's bytes, a path, or an open binary file (an upload).
Source = bytes | str | PathLike[str] | IO[bytes]


def roster_import(
    source: Source,
    *,
    user: User,
    dry_run: bool,
    filename: str | None = None,
    expected_digest: str | None = None,
    choices: dict[str, str] | None = None,
    skip_sheets: Iterable[str] = (),
    progress: Progress = no_progress,
) -> ImportReport:
    """Import a roster file (path, bytes or file object) through the import engine. With
    ``dry_run`` nothing is written. With ``expected_digest`` the import goes ahead only if
    the plan is still the one that was previewed. ``choices`` maps header texts to fields
    (see imports.headers), ``skip_sheets`` names sheets to leave out. Raises
    PermissionDenied for read-only users."""
    return run_import(
        ROSTER_IMPORTER, source, user=user, dry_run=dry_run, filename=filename, expected_digest=expected_digest,
        choices=choices, skip_sheets=skip_sheets, progress=progress,
    )  # fmt: skip


def _import_rows(
    table: Table, *, report: ImportReport, user: User, dry_run: bool, expected_digest: str | None, progress: Progress
) -> None:
    """The roster's row rule: parse and validate every row, plan against the database,
    write all or nothing."""
    sheet = parse_table(table, user=user, progress=progress)
    if not sheet.rows:
        report.file_errors.append(RowError(0, "", _("表格中没有可导入的数据行。")))
        return
    with transaction.atomic():
        plan = _plan(sheet, user=user, report=report)
        if expected_digest is not None and expected_digest != report.digest:
            report.file_errors.append(RowError(0, "", _("预览之后，文件或系统中的数据已发生变化，请重新上传并预览。")))
            return
        if report.ok and not dry_run:
            _apply(plan, user=user, reason=f"花名册导入：{report.filename}")
            progress(written=len(plan.creates) + len(plan.updates))
            report.applied = True


ROSTER_IMPORTER = Importer(
    kind="roster",
    label="后备干部花名册",
    columns=ROSTER_COLUMNS,
    run=_import_rows,
    upload_url="cadre:import",
    done_url="cadre:list",
    optional=optional_columns,
)


@dataclass
class Plan:
    creates: list[dict]
    updates: list[tuple[dict, list[str]]]  # full row of the cadre after the change, changed fields


def _plan(sheet: ParsedSheet, *, user: User, report: ImportReport) -> Plan:
    compare = [f for f, column in IMPORTED_FIELDS.items() if column in sheet.present]
    existing = _existing({p.values["id_number"] for p in sheet.rows if p.values.get("id_number")})
    allowed_townships = set(township_list(user=user).values_list("id", flat=True))
    plan = Plan(creates=[], updates=[])
    village_names = None
    fingerprint = hashlib.sha256()
    for parsed in sheet.rows:
        values = parsed.values
        number = values.get("id_number", "")
        outcome = RowOutcome(row=parsed.row, action=ERROR, name=values.get("name", ""),
                             id_number=mask_id_number(number), errors=parsed.errors, sheet=parsed.sheet)  # fmt: skip
        report.outcomes.append(outcome)
        current = existing.get(number)
        if current is not None:
            township_id, county_id = current.pop("_township_id"), current.pop("_county_id")
            place = f"{current.pop('_township')}{current.pop('_village')}"
            if township_id not in allowed_townships:
                # Only as much as the user may see: nothing of a reserve outside their
                # scope, not even the name.
                parsed.error("id_number", _registered_elsewhere(user, county_id))
            elif values.get("name") and values["name"] != current["name"]:
                # Another person's number (a typo, most likely): whose it is and where, both
                # visible to this user; overwriting that reserve with this row would be wrong.
                parsed.error(
                    "id_number",
                    _("该身份证号已登记为%(name)s（%(place)s），与本行姓名“%(row_name)s”不一致；请核对身份证号，"
                      "如确为同一人改名，请先在该后备干部的页面修改姓名")
                    % {"name": current["name"], "place": place, "row_name": values["name"]},
                )  # fmt: skip
        _check_party_date(parsed, outcome, current, required=sheet.party_date_required)
        _check_entered_on(parsed, current)
        if parsed.errors:
            continue
        row_compare = [f for f in compare if f not in KEPT_WHEN_BLANK or values.get(f)]
        if current is None:
            row = {**DEFAULTS, **{f: values[f] for f in row_compare}, "id_number": number}
            plan.creates.append(row)
            outcome.action = CREATE
            # The file itself is checked separately (its hash); the fingerprint follows
            # the database: who is new, and the version of everyone else.
            fingerprint.update(f"+{number}".encode())
            continue
        changed = [f for f in row_compare if values[f] != current[f]]
        if not changed:
            outcome.action = UNCHANGED
            fingerprint.update(f"={number}{current['updated_at']}".encode())
            continue
        outcome.action = UPDATE
        if "village_id" in changed and village_names is None:
            village_names = {v.pk: f"{v.township.name}{v.name}" for v in Village.objects.select_related("township")}
        outcome.changes = [_describe(f, current[f], values[f], village_names) for f in changed]
        after = {**current, **{f: values[f] for f in changed}}
        plan.updates.append((after, changed))
        fingerprint.update(f"~{number}{current['updated_at']}{[(f, values[f]) for f in changed]}".encode())
    report.digest = fingerprint.hexdigest()
    return plan


def _check_party_date(parsed: ParsedRow, outcome: RowOutcome, current: dict | None, *, required: set[int]) -> None:
    """A Party member without 入党时间 after the import (the file's value, or the stored one
    when the file has no such column): an error where the county requires the date, a
    prompt otherwise (cadre.rules)."""
    values, stored = parsed.values, current or {}
    joined = values["party_joined_on"] if "party_joined_on" in values else stored.get("party_joined_on")
    status = values.get("political_status", stored.get("political_status"))
    if not party_joined_on_missing(political_status=status, party_joined_on=joined):
        return
    if values.get("village_id") in required:
        parsed.error("party_joined_on", str(PARTY_DATE_REQUIRED))
    else:
        column = COLUMNS_BY_KEY["party_joined_on"].header
        outcome.warnings.append(RowError(parsed.row, column, str(PARTY_DATE_ASKED), sheet=parsed.sheet))


def _check_entered_on(parsed: ParsedRow, current: dict | None) -> None:
    """A known reserve cannot have been listed after entering the two committees or leaving."""
    entered_on = parsed.values.get("entered_on")
    if not entered_on or not current:
        return
    for field_name, label in (("seated_on", _("进入两委时间")), ("left_on", _("退出时间"))):
        if current.get(field_name) and entered_on > current[field_name]:
            parsed.error(
                "entered_on",
                _("不能晚于%(what)s（%(date)s）") % {"what": label, "date": current[field_name].isoformat()},
            )
            return


def _registered_elsewhere(user: User, county_id: int) -> str:
    """A township secretary learns only that another township holds the number; county
    staff, that another county does."""
    if user.role == Role.TOWNSHIP or county_id == user.county_id:
        return _("该身份证号已在其他乡镇登记，请联系县委组织部")
    return _("该身份证号已在其他县(区)登记，请联系县委组织部核实")


def _existing(numbers: set[str]) -> dict[str, dict]:
    """Current values of the cadres with these ID numbers, a few thousand per query."""
    fields = [f.attname for f in Cadre._meta.concrete_fields]
    found = {}
    numbers = sorted(numbers)
    for start in range(0, len(numbers), BATCH):
        chunk = numbers[start : start + BATCH]
        extra = {"_township_id": "village__township_id", "_county_id": "village__township__county_id",
                 "_township": "village__township__name", "_village": "village__name"}  # fmt: skip
        rows = Cadre.objects.filter(id_number__in=chunk).values_list(*fields, *extra.values())
        for row in rows:
            record = dict(zip([*fields, *extra], row, strict=True))
            found[record["id_number"]] = record
    return found


def _describe(field_name: str, old: Any, new: Any, village_names: dict[int, str] | None) -> tuple[str, str, str]:
    column = COLUMNS_BY_KEY[IMPORTED_FIELDS[field_name]].header

    def show(value: Any) -> str:
        if value in (None, ""):
            return "—"
        if field_name in ("education", "political_status", "source", "tier", "gender"):
            return label_of(field_name, value)
        if field_name == "village_id":
            return village_names.get(value, str(value))
        return str(value)

    return column, show(old), show(new)


def _apply(plan: Plan, *, user: User, reason: str) -> None:
    now = timezone.now()
    for row in plan.creates:
        row["created_at"] = row["updated_at"] = now
        row["entered_on"] = row["entered_on"] or timezone.localdate(now)
    if plan.creates:
        _insert_cadres(plan.creates)
    updated = [after for after, _ in plan.updates]
    for row in updated:
        row["updated_at"] = now
    if updated:
        changed_fields = sorted({f for _, fields in plan.updates for f in fields} | {"updated_at"})
        _update_cadres(updated, changed_fields)
    history = [_history_row(row, "+", now, user, reason) for row in plan.creates]
    history += [_history_row(row, "~", now, user, reason) for row in updated]
    if history:
        _copy(Cadre.history.model, history)


def _history_row(row: dict, kind: str, when: dt.datetime, user: User, reason: str) -> dict:
    excluded = {"created_at", "updated_at"}
    record = {k: v for k, v in row.items() if k not in excluded}
    record.update(history_date=when, history_type=kind, history_user_id=user.pk,
                  history_change_reason=reason)  # fmt: skip
    return record


def _insert_cadres(rows: list[dict]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Cadre._meta.db_table, len(rows)],
        )
        for row, (new_id,) in zip(rows, cursor.fetchall(), strict=True):
            row["id"] = new_id
    _copy(Cadre, rows)


def _update_cadres(rows: list[dict], fields: list[str]) -> None:
    quote = connection.ops.quote_name
    table = quote(Cadre._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE roster_update ON COMMIT DROP AS SELECT * FROM {table} WITH NO DATA")
        _copy(Cadre, rows, table="roster_update")
        assignments = ", ".join(f"{quote(f)} = u.{quote(f)}" for f in fields)
        cursor.execute(f"UPDATE {table} AS c SET {assignments} FROM roster_update AS u WHERE c.id = u.id")
        cursor.execute("DROP TABLE roster_update")


def _copy(model: type[models.Model], rows: list[dict], *, table: str | None = None) -> None:
    """PostgreSQL COPY of the given rows into the model's table (or a table shaped like it).
    Every row must carry the same keys. In COPY's CSV format an empty unquoted field is
    NULL; FORCE_NOT_NULL makes it an empty text in the columns that cannot be NULL, so the
    C csv writer can do the quoting and a text reading \\N or "" stays a text."""
    fields = [f for f in model._meta.concrete_fields if f.attname in rows[0]]
    columns = [f.attname for f in fields]
    quote = connection.ops.quote_name
    not_null = [quote(f.column) for f in fields if not f.null]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([row[c] for c in columns] for row in rows)
    buffer.seek(0)
    target = table or quote(model._meta.db_table)
    options = "FORMAT csv" + (f", FORCE_NOT_NULL ({', '.join(not_null)})" if not_null else "")
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {target} ({', '.join(quote(c) for c in columns)}) FROM STDIN WITH ({options})", buffer
        )
