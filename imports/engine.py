"""The import engine every importer plugs into: read the file (every sheet, safely), find
each sheet's header and map its columns to the importer's fields (tolerantly, with the
user's remembered and chosen mappings first), hand the rows on, and report.

An importer is a column list and a row rule: ``Importer.run(table, report=, user=,
dry_run=, expected_digest=, progress=)`` checks ``table.rows``, records an outcome per row
in ``report``, sets ``report.digest`` (the fingerprint of what it would write) and, unless
``dry_run``, writes all or nothing. Apps register theirs in ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.excel import TOTAL_ROW_PREFIXES, cell_text
from common.headers import Column, HeaderMatch, HeaderMatcher, normalize_header

from .reading import ImportFileError, read_workbook

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTION_LABELS = {
    CREATE: gettext_lazy("新增"),
    UPDATE: gettext_lazy("更新"),
    UNCHANGED: gettext_lazy("无变化"),
    ERROR: gettext_lazy("有错误"),
}

Progress = Callable[..., None]


def no_progress(**counts: int) -> None:
    """Progress callback that reports nowhere (commands, tests)."""


TYPED_LIMIT = 40  # characters of a wrong cell repeated in its error


def typed_text(raw: Any) -> str:
    """A cell as the user typed it (ends trimmed, full-width characters kept), shortened."""
    text = raw.strip() if isinstance(raw, str) else cell_text(raw)
    return text if len(text) <= TYPED_LIMIT else f"{text[:TYPED_LIMIT]}…"


def as_typed(message: str, raw: Any) -> str:
    """An error on an identifying cell (an ID number) followed by the cell as typed, so the
    user finds the cell, and the typo, at once: the normalised or masked number would not
    match what they see in their file."""
    return _("%(message)s（表中填写为“%(typed)s”）") % {"message": message, "typed": typed_text(raw)}


@dataclass(frozen=True)
class RowError:
    row: int  # as Excel numbers it; 0 for a problem with the whole file
    column: str
    message: str
    sheet: str = ""  # named when the rows come from several sheets

    @property
    def where(self) -> str:
        line = _("第%(row)s行") % {"row": self.row}
        return f"{self.sheet}!{line}" if self.sheet else line

    def __str__(self) -> str:
        if not self.row:
            return self.message
        if self.column:
            return f"{self.where} {self.column}: {self.message}"
        return f"{self.where}: {self.message}"


@dataclass
class RowOutcome:
    row: int
    action: str
    name: str = ""
    id_number: str = ""  # the row's identifier as shown: a masked ID number or phone
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (column, old, new)
    errors: list[RowError] = field(default_factory=list)
    sheet: str = ""
    # What the user is asked to look at or fill in later; the row is imported all the same.
    warnings: list[RowError] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    @property
    def where(self) -> str:
        """第3行, or 石桥村!第3行 when the rows come from several sheets."""
        return RowError(self.row, "", "", sheet=self.sheet).where


@dataclass
class SourceRow:
    """A row under a sheet's header: its number as Excel shows it and its cells by field."""

    row: int
    raw: dict[str, Any]
    sheet: str = ""


@dataclass
class SheetInfo:
    name: str
    header: HeaderMatch | None  # None: no header found, the sheet is skipped
    rows: int = 0
    excluded: bool = False  # unticked by the user


@dataclass
class Table:
    """What the engine hands an importer: the rows of every sheet read, and what the file
    looked like (for the preview's mapping and sheet panels)."""

    rows: list[SourceRow] = field(default_factory=list)
    present: set[str] = field(default_factory=set)  # fields with a column in every sheet read
    sheets: list[SheetInfo] = field(default_factory=list)
    missing: list[Column] = field(default_factory=list)  # required fields without a column

    @property
    def needs_mapping(self) -> bool:
        """Columns the user should look at: a required field without a column, or a column
        whose field nobody chose yet."""
        return bool(self.missing) or any(s.header.unmapped for s in self.read_sheets)

    @property
    def read_sheets(self) -> list[SheetInfo]:
        return [s for s in self.sheets if s.header is not None and not s.excluded]

    def headers(self) -> list[dict[str, Any]]:
        """Each distinct header text of the sheets read, once, with its field, how it was
        matched and the suggestions: the rows of the mapping panel."""
        seen: dict[str, dict[str, Any]] = {}
        for sheet in self.sheets:
            if sheet.header is None:
                continue
            for column in sheet.header.columns:
                entry = seen.setdefault(
                    column.text,
                    {"text": column.text, "key": column.key, "how": column.how, "suggestions": column.suggestions,
                     "sheets": []},
                )  # fmt: skip
                entry["sheets"].append(sheet.name)
        return list(seen.values())


@dataclass
class ImportReport:
    filename: str
    dry_run: bool
    outcomes: list[RowOutcome] = field(default_factory=list)
    file_errors: list[RowError] = field(default_factory=list)
    digest: str = ""  # fingerprint of the plan: a preview is confirmed only if it still holds
    applied: bool = False
    table: Table | None = None

    @property
    def errors(self) -> list[RowError]:
        return self.file_errors + [e for o in self.outcomes for e in o.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(o.action == ERROR for o in self.outcomes)

    @property
    def needs_mapping(self) -> bool:
        return self.table is not None and bool(self.table.missing)

    @property
    def counts(self) -> dict[str, int]:
        counts = {CREATE: 0, UPDATE: 0, UNCHANGED: 0, ERROR: 0}
        for outcome in self.outcomes:
            counts[outcome.action] += 1
        return {"created": counts[CREATE], "updated": counts[UPDATE],
                "unchanged": counts[UNCHANGED], "errors": counts[ERROR]}  # fmt: skip

    def summary(self) -> str:
        c = self.counts
        if not self.ok:
            return (
                _("共%(total)s行，其中%(errors)s行有错误；未导入任何数据，请修改后重新导入。")
                % {"total": len(self.outcomes), "errors": c["errors"]}
                if self.outcomes
                else _("未导入任何数据。")
            )
        if not c["created"] and not c["updated"]:
            return _("共%(unchanged)s行，与系统中的数据完全一致，没有需要导入的变化。") % c
        if self.dry_run:
            message = _("共%(total)s行：将新增%(created)s人，将更新%(updated)s人，%(unchanged)s人无变化。")
        else:
            message = _("共%(total)s行：已新增%(created)s人，已更新%(updated)s人，%(unchanged)s人无变化。")
        return message % {**c, "total": len(self.outcomes)}


def _is_data_row(raw: dict[str, Any]) -> bool:
    """For the sheets panel's count: a row with a value whose first value is no total.
    Cheap on purpose: it runs for every row of a 100,000-row file."""
    first = next((v for v in raw.values() if v not in ("", None)), None)
    return first is not None and not (isinstance(first, str) and first.strip().startswith(TOTAL_ROW_PREFIXES))


def build_table(
    sheets: Sequence[tuple[str, list[list]]],
    columns: Sequence[Column],
    *,
    optional: Iterable[str] = (),
    choices: Mapping[str, str] | None = None,
    skip_sheets: Iterable[str] = (),
) -> Table:
    """Find each sheet's header, map its columns and collect the rows below it. A sheet
    with no recognisable header is listed and skipped; so is one the user unticked."""
    matcher = HeaderMatcher(columns, choices)
    skip = set(skip_sheets)
    table = Table()
    found = []
    for name, rows in sheets:
        if not any(any(normalize_header(v) for v in row) for row in rows):
            continue  # an empty sheet (Excel's default Sheet2, Sheet3) is not worth a mention
        header = matcher.find_header(rows)
        info = SheetInfo(name=name, header=header, excluded=name in skip)
        table.sheets.append(info)
        if header is not None and not info.excluded:
            found.append((info, rows))
    label_sheets = len(found) > 1
    present: set[str] | None = None
    for info, rows in found:
        cols = info.header.fields
        present = set(cols) if present is None else present & set(cols)
        sheet_label = info.name if label_sheets else ""
        for index in range(info.header.row + 1, len(rows)):
            cells = rows[index]
            raw = {key: cells[col] if col < len(cells) else "" for key, col in cols.items()}
            table.rows.append(SourceRow(row=index + 1, raw=raw, sheet=sheet_label))
            if _is_data_row(raw):
                info.rows += 1
    table.present = present or set()
    skip_required = set(optional)
    if found:
        table.missing = [c for c in columns if c.required and c.key not in skip_required and c.key not in table.present]
    return table


def read_table(
    data: bytes,
    filename: str,
    columns: Sequence[Column],
    *,
    report: ImportReport,
    optional: Iterable[str] = (),
    choices: Mapping[str, str] | None = None,
    skip_sheets: Iterable[str] = (),
) -> Table | None:
    """The file's table, or None with the reason in ``report.file_errors``."""
    try:
        sheets = read_workbook(data, filename)
    except ImportFileError as exc:
        report.file_errors.append(RowError(0, "", str(exc)))
        return None
    table = build_table(sheets, columns, optional=optional, choices=choices, skip_sheets=skip_sheets)
    report.table = table
    if not table.read_sheets:
        if any(s.header is not None for s in table.sheets):
            report.file_errors.append(RowError(0, "", _("所有工作表都已取消勾选，请至少选择一个工作表。")))
        else:
            wanted = "、".join(c.header for c in columns if c.required)
            report.file_errors.append(
                RowError(0, "", _("在表格前10行中没有找到表头，需要以下列：%(missing)s。") % {"missing": wanted})
            )
        return None
    if table.missing:
        names = "、".join(c.header for c in table.missing)
        sheets = table.read_sheets
        where = _("第%(row)s行的表头") % {"row": sheets[0].header.row + 1} if len(sheets) == 1 else _("表头")
        report.file_errors.append(
            RowError(
                0,
                "",
                _("%(where)s缺少以下列：%(missing)s。请为其选择对应的表格列。") % {"where": where, "missing": names},
            )
        )
        return None
    return table


def load_source(source: Any, filename: str | None) -> tuple[bytes, str]:
    """(bytes, file name) of a path, bytes or file object."""
    if isinstance(source, bytes):
        return source, filename or "上传的文件.xlsx"
    if hasattr(source, "read"):
        return source.read(), filename or getattr(source, "name", "上传的文件.xlsx")
    with open(source, "rb") as handle:
        return handle.read(), filename or str(source).rsplit("/", 1)[-1]


def ensure_may_import(user: Any) -> None:
    if not user.may_write:
        raise PermissionDenied(_("您的角色只能查看，不能导入。"))


@dataclass(frozen=True)
class Importer:
    """One kind of file the engine imports, registered by its app.

    ``run(table, *, report, user, dry_run, expected_digest, progress)`` is the row rule
    (see the module docstring); ``columns`` the fields it reads; ``optional(user)`` the
    required fields this user may leave out (a township secretary's own township);
    ``identifier`` the title of the column that identifies a row in the preview;
    ``upload_url`` / ``done_url`` URL names to go back to."""

    kind: str
    label: str
    columns: tuple[Column, ...]
    run: Callable[..., None]
    upload_url: str
    done_url: str
    optional: Callable[[Any], set[str]] = lambda user: set()
    identifier: str = "身份证号"
    # For a file whose columns depend on what it is for (an assessment year's indicators):
    # ``columns_for(context)`` gives them, ``context`` being what the upload page passed.
    columns_for: Callable[[dict[str, Any]], tuple[Column, ...]] | None = None

    def columns_in(self, context: dict[str, Any] | None) -> tuple[Column, ...]:
        return self.columns_for(context or {}) if self.columns_for else self.columns


_importers: dict[str, Importer] = {}


def register_importer(importer: Importer) -> None:
    _importers[importer.kind] = importer


def importer_for(kind: str) -> Importer:
    return _importers[kind]


def registered_kinds() -> list[Importer]:
    return list(_importers.values())


def run_import(
    importer: Importer,
    source: Any,
    *,
    user: Any,
    dry_run: bool,
    filename: str | None = None,
    expected_digest: str | None = None,
    choices: Mapping[str, str] | None = None,
    skip_sheets: Iterable[str] = (),
    progress: Progress = no_progress,
    context: dict[str, Any] | None = None,
) -> ImportReport:
    """Read ``source`` (a path, bytes or file object) and run the importer on it. With
    ``dry_run`` nothing is written; with ``expected_digest`` the import goes ahead only if
    the plan is still the one that was previewed. ``context`` is what the upload is for
    (the importer's ``columns_for`` and row rule read it)."""
    ensure_may_import(user)
    data, filename = load_source(source, filename)
    report = ImportReport(filename=filename, dry_run=dry_run)
    table = read_table(
        data, filename, importer.columns_in(context), report=report, optional=importer.optional(user), choices=choices,
        skip_sheets=skip_sheets,
    )  # fmt: skip
    if table is None:
        return report
    progress(read=len(table.rows))
    run_options = {"context": context or {}} if importer.columns_for else {}
    importer.run(
        table, report=report, user=user, dry_run=dry_run, expected_digest=expected_digest, progress=progress,
        **run_options,
    )  # fmt: skip
    return report
