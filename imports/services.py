"""The browser's steps around an importer: upload → check in the background → preview
(with the column mapping and the sheets to read) → confirm → import in the background.

Nothing is written before the confirmation. A confirmation is refused when the preview is
stale, was already used, belongs to someone else, or when the file or the database changed
since the preview; the refusal is recorded with its reason and the file deleted at once.
"""

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from common.headers import normalize_header

from .engine import ImportReport, ensure_may_import, importer_for, run_import
from .models import HeaderMapping, ImportRecord

logger = logging.getLogger(__name__)

PREVIEW_TTL = dt.timedelta(minutes=30)
PREVIEW_ROW_LIMIT = 1000
PROGRESS_TTL = 60 * 60


# Progress --------------------------------------------------------------------------------


def _progress_key(record_id: Any) -> str:
    return f"imports:progress:{record_id}"


def import_progress(record_id: Any) -> dict[str, int]:
    """Rows read, checked and written so far by the background run (from the cache)."""
    return cache.get(_progress_key(record_id)) or {}


def _progress_recorder(record_id: Any) -> Callable[..., None]:
    counts: dict[str, int] = {}

    def report(**changes: int) -> None:
        counts.update(changes)
        cache.set(_progress_key(record_id), dict(counts), PROGRESS_TTL)

    return report


# Remembered mappings -------------------------------------------------------------------------


def _unit(user: User) -> dict[str, Any]:
    """The unit whose files a mapping is remembered for: the township, else the county."""
    if user.role == Role.TOWNSHIP:
        return {"township_id": user.township_id, "county_id": None}
    return {"township_id": None, "county_id": user.county_id}


def remembered_choices(*, user: User, kind: str) -> dict[str, str]:
    """{header text: field key or "" (ignore)} remembered for the user's unit."""
    return dict(HeaderMapping.objects.filter(kind=kind, **_unit(user)).values_list("header", "field"))


@transaction.atomic
def mappings_remember(*, user: User, kind: str, choices: dict[str, str]) -> None:
    for header, key in choices.items():
        HeaderMapping.objects.update_or_create(
            kind=kind, header=normalize_header(header), **_unit(user), defaults={"field": key, "chosen_by": user}
        )


def mapping_forget(*, user: User, pk: int) -> None:
    ensure_may_import(user)
    get_object_or_404(HeaderMapping.objects.visible_to(user), pk=pk).delete()


# The steps ---------------------------------------------------------------------------------


def _enqueue(task: Any, record_id: Any) -> None:
    """Run the task on a worker once this transaction commits; in the embedded mode
    (tasks in-process) right away, in this transaction."""
    if task.app.conf.task_always_eager:
        task.delay(str(record_id))
    else:
        transaction.on_commit(lambda: task.delay(str(record_id)))


def import_upload(
    *, user: User, kind: str, filename: str, data: bytes, context: dict[str, Any] | None = None
) -> ImportRecord:
    """Store an uploaded file and have it checked in the background (nothing is written)."""
    from .tasks import check_import

    ensure_may_import(user)
    importer_for(kind)  # an unknown kind is a programming error, not a user's
    record = ImportRecord(
        user=user, kind=kind, filename=filename[:255], sha256=hashlib.sha256(data).hexdigest(),
        options={"context": context} if context else {},
    )  # fmt: skip
    record.file.save(f"{record.id}.bin", ContentFile(data), save=False)
    record.save()
    _enqueue(check_import, record.pk)
    return record


AUTOMATIC = ("name", "remark", "qualifier")  # how a header matched without anyone choosing


def import_remap(*, user: User, record: ImportRecord, choices: dict[str, str], skip_sheets: list[str]) -> None:
    """Check the file again with the columns the user mapped and the sheets they left
    ticked. ``choices`` may hold every column of the form: only what the user decided is
    remembered for their unit; a column the rules matched and left as it was stays theirs."""
    from .tasks import check_import

    ensure_may_import(user)
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update().get(pk=record.pk, user=user)
        if record.state != ImportRecord.State.PREVIEWED:
            raise ValidationError(_("这份预览已经处理过，请重新上传文件。"))
        matched = {h["text"]: h["key"] for h in record.result.get("headers", []) if h["how"] in AUTOMATIC}
        choices = {header: key for header, key in choices.items() if matched.get(header, "\0") != key}
        mappings_remember(user=user, kind=record.kind, choices=choices)
        record.options = {**record.options, "choices": choices, "skip_sheets": skip_sheets}
        record.state = ImportRecord.State.CHECKING
        record.save(update_fields=["options", "state", "updated_at"])
        _enqueue(check_import, record.pk)


def _run_step(record_id: Any, state: str, step: Callable[[ImportRecord], None]) -> None:
    """Run a background step on a record that is still in ``state`` (a task delivered twice
    does nothing the second time); an unexpected error refuses the record, so its page
    never spins forever, and is raised for the worker's log."""
    record = ImportRecord.objects.select_related("user").get(pk=record_id)
    if record.state != state:
        return
    try:
        step(record)
    except Exception:
        logger.exception("import %s failed", record_id)
        _refuse(
            ImportRecord.objects.get(pk=record_id), [_("处理文件时出错，未导入任何数据。请稍后重试，或联系管理员。")]
        )
        raise


def import_check(record_id: Any) -> None:
    """The background check of an uploaded file (a dry run): the preview."""
    _run_step(record_id, ImportRecord.State.CHECKING, _check)


def _check(record: ImportRecord) -> None:
    importer = importer_for(record.kind)
    choices = {**remembered_choices(user=record.user, kind=record.kind), **record.options.get("choices", {})}
    with record.file.open("rb") as handle:
        data = handle.read()
    report = run_import(
        importer, data, user=record.user, dry_run=True, filename=record.filename, choices=choices,
        skip_sheets=record.options.get("skip_sheets", []), progress=_progress_recorder(record.pk),
        context=record.options.get("context"),
    )  # fmt: skip
    record.digest = report.digest
    record.counts = report.counts
    record.result = preview_result(report, identifier=importer.identifier)
    record.previewed_at = timezone.now()
    # A file that only a new mapping or another choice of sheets could fix stays for the
    # user to finish; one whose rows are wrong is refused (fix it and upload it again).
    table = report.table
    fixable = table is not None and (table.needs_mapping or len(table.sheets) > 1)
    if report.ok or fixable:
        record.state = ImportRecord.State.PREVIEWED
        record.save()
    else:
        record.save()
        _refuse(record, [str(e) for e in report.errors[:20]] or [report.summary()])


def preview_result(report: ImportReport, *, identifier: str) -> dict[str, Any]:
    """What the preview page shows, stored with the record (it survives a reload)."""
    shown = [o for o in report.outcomes if o.action != "unchanged" or o.warnings]
    table = report.table
    return {
        "ok": report.ok,
        "summary": report.summary(),
        "needs_mapping": bool(table and table.needs_mapping),
        "file_errors": [str(e) for e in report.file_errors],
        "identifier": identifier,
        "rows": [
            {
                "where": o.where,
                "action": o.action,
                "action_label": o.action_label,
                "name": o.name,
                "id": o.id_number,
                "errors": [[e.column, e.message] for e in o.errors],
                "warnings": [[e.column, e.message] for e in o.warnings],
                "changes": o.changes,
            }
            for o in shown[:PREVIEW_ROW_LIMIT]
        ],  # fmt: skip
        "hidden": max(0, len(shown) - PREVIEW_ROW_LIMIT),
        "headers": table.headers() if table else [],
        "missing": [c.key for c in table.missing] if table else [],
        "sheets": [
            {"name": s.name, "rows": s.rows, "skipped": s.header is None, "excluded": s.excluded}
            for s in (table.sheets if table else [])
        ],
    }


def import_confirm(*, user: User, record_id: uuid.UUID | str) -> ImportRecord:
    """Have a previewed file imported in the background."""
    from .tasks import apply_import

    with transaction.atomic():
        record = get_object_or_404(ImportRecord.objects.select_for_update(), pk=record_id, user=user)
        if record.state != ImportRecord.State.PREVIEWED:
            raise ValidationError(_("这份预览已经处理过，不能重复导入。"))
        if not record.result.get("ok"):
            raise ValidationError(_("预览中还有问题，改正后才能导入。"))
        if timezone.now() - (record.previewed_at or record.created_at) > PREVIEW_TTL:
            reasons = [_("预览已超过30分钟，请重新上传文件并预览。")]
            _refuse(record, reasons)
        else:
            record.state = ImportRecord.State.IMPORTING
            record.save(update_fields=["state", "updated_at"])
            _enqueue(apply_import, record.pk)
            return record
    raise ValidationError(reasons)


def import_apply(record_id: Any) -> None:
    """The background import of a confirmed preview, all or nothing."""
    _run_step(record_id, ImportRecord.State.IMPORTING, _apply_confirmed)


def _apply_confirmed(record: ImportRecord) -> None:
    with transaction.atomic():
        reasons, report = _apply(record)
        if report is not None and report.applied:
            record.state = ImportRecord.State.APPLIED
            record.applied_at = timezone.now()
            record.counts = report.counts
            record.result = {**record.result, "summary": report.summary()}
            record.save(update_fields=["state", "applied_at", "counts", "result", "updated_at"])
            # The personal data now lives in the registry; the uploaded copy goes.
            transaction.on_commit(lambda: record.file.delete(save=True))
            return
    _refuse(record, reasons)


def _apply(record: ImportRecord) -> tuple[list[str], ImportReport | None]:
    """Run the previewed import unless the preview no longer holds: (refusal reasons, report)."""
    with record.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != record.sha256:
        return [_("预览之后文件已被改动，请重新上传并预览。")], None
    report = run_import(
        importer_for(record.kind), data, user=record.user, dry_run=False, filename=record.filename,
        expected_digest=record.digest,
        choices={**remembered_choices(user=record.user, kind=record.kind), **record.options.get("choices", {})},
        skip_sheets=record.options.get("skip_sheets", []), progress=_progress_recorder(record.pk),
        context=record.options.get("context"),
    )  # fmt: skip
    return [str(e) for e in report.errors[:20]] or [_("导入未完成。")], report


def _refuse(record: ImportRecord, reasons: list[str]) -> None:
    """Record the refusal and delete the file, in a transaction of its own: the refusal
    stays recorded although the caller may go on to raise."""
    with transaction.atomic():
        record.state = ImportRecord.State.REFUSED
        record.refused_reason = "\n".join(reasons)
        record.save(update_fields=["state", "refused_reason", "updated_at"])
        if record.file:
            transaction.on_commit(lambda: record.file.delete(save=True))


def previews_purge_expired(*, now: dt.datetime | None = None) -> int:
    """Previews never confirmed within PREVIEW_TTL: marked refused and their uploaded
    files deleted. Returns how many. Run hourly by Celery beat (imports.tasks)."""
    cutoff = (now or timezone.now()) - PREVIEW_TTL
    expired = ImportRecord.objects.filter(state=ImportRecord.State.PREVIEWED, created_at__lt=cutoff)
    count = 0
    for record in expired.iterator():
        with transaction.atomic():
            record = ImportRecord.objects.select_for_update().get(pk=record.pk)
            if record.state != ImportRecord.State.PREVIEWED:
                continue  # confirmed or refused meanwhile
            _refuse(record, [_("预览超过30分钟未确认，已作废，上传的文件已删除。")])
            count += 1
    return count
