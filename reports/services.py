"""Report runs: ask for a report (queued, built by a worker after the request commits),
build it, and make it the current one of its (kind, month, county, township).

The rules that keep exactly one current report, whatever the queue does:
- a run already done is never built again (a duplicated message is a no-op);
- while a worker builds a run it holds a PostgreSQL session advisory lock on the run, so
  a duplicate message delivered at the same time leaves it alone; a worker that was
  killed lost its connection and the lock with it, so the redelivered message rebuilds
  the run it left 'running';
- the finish is one transaction that locks the key (a transaction advisory lock), marks
  the previous current run superseded and this one done and current; of two runs of one
  key the one asked for later stays current, whichever finishes first; and the partial
  unique index refuses a second current row anyway.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import tempfile
import zlib
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scoping import user_county_id
from org.models import County, Township

from .builders import Built, ReportContext, slow_down
from .models import ReportKind, ReportRun, RunStatus

logger = logging.getLogger(__name__)

LOCK_RUN = 7301  # advisory lock namespaces (first key of the two-int form)
LOCK_KEY = 7302


def _builders() -> dict[str, Any]:
    from .builders import subsidy, summary, training

    return {ReportKind.TRAINING: training.build, ReportKind.SUBSIDY: subsidy.build, ReportKind.SUMMARY: summary.build}


def month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def last_month(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


# Asking for a report ------------------------------------------------------------------------


def report_request(
    *,
    kind: str,
    month: dt.date,
    county_id: int | None = None,
    township_id: int | None = None,
    user: User | None = None,
    enqueue: bool = True,
) -> ReportRun:
    """Queue a report of ``kind`` for ``month`` and a county or one of its townships. The
    county is the township's when one is named, else ``county_id``, else the one the user
    works in. A user may ask only within their scope: a township secretary for their own
    township, county staff for their county or any of its townships; leaders read reports
    but do not ask for them (a read-only role). ``user`` None is the system (the monthly
    schedule). The build starts once this transaction commits (``enqueue`` False: the
    caller builds it, as ``manage.py build_report`` does)."""
    month = _checked_month(kind=kind, month=month)
    if township_id is not None:
        township = Township.objects.select_related("county").filter(pk=township_id).first()
        if township is None or (county_id is not None and township.county_id != county_id):
            raise ValidationError({"township": _("该乡镇不属于本县(区)。")})
        county = township.county
    else:
        township = None
        if county_id is None and user is not None:
            county_id = user_county_id(user)
        if county_id is None:  # a superuser of a city deployment names a county or a township
            raise ValidationError({"county": _("请指定县(区)，或选择一个乡镇(街道)。")})
        county = County.objects.filter(pk=county_id).first()
        if county is None:
            raise ValidationError(_("县(区)不存在。"))
    if user is not None:
        if not user.may_write:
            raise PermissionDenied(_("您的角色只能查看报表，生成报表请联系县委组织部。"))
        scope = user.scope
        if scope.is_township:
            if township_id != scope.township_id:
                raise ValidationError({"township": _("乡镇用户只能生成本乡镇的报表。")})
        elif scope.county_ids is not None and county.pk not in scope.county_ids:
            raise ValidationError(_("只能生成本县(区)的报表。"))
    return _run_create(kind=kind, month=month, county=county, township=township, user=user, enqueue=enqueue)


def _checked_month(*, kind: str, month: dt.date) -> dt.date:
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("未知的报表类型。")})
    month = month_start(month)
    if month > timezone.localdate().replace(day=1):
        raise ValidationError({"month": _("不能生成未来月份的报表。")})
    return month


def _run_create(
    *, kind: str, month: dt.date, county: County, township: Township | None, user: User | None, enqueue: bool
) -> ReportRun:
    run = ReportRun.objects.create(kind=kind, month=month, county=county, township=township, requested_by=user)
    if enqueue:
        _enqueue(run.pk)
    return run


def _enqueue(run_id: int) -> None:
    """Build on a worker once this transaction commits; in the embedded mode (tasks
    in-process) right away, in this transaction."""
    from .tasks import build_report

    if build_report.app.conf.task_always_eager:
        build_report.delay(run_id)
    else:
        transaction.on_commit(lambda: build_report.delay(run_id))


def reports_request_last_month(*, today: dt.date | None = None) -> list[ReportRun]:
    """The monthly schedule: every kind for last month, for each county and each township
    (the counties and townships are read once, not again for each run)."""
    month = last_month(today)
    townships: dict[int, list[Township]] = {}
    for township in Township.objects.order_by("pk"):
        townships.setdefault(township.county_id, []).append(township)
    runs = []
    for county in County.objects.order_by("pk"):
        for township in [None, *townships.get(county.pk, [])]:
            for kind in ReportKind.values:
                month = _checked_month(kind=kind, month=month)
                runs.append(
                    _run_create(kind=kind, month=month, county=county, township=township, user=None, enqueue=True)
                )
    return runs


# Building it --------------------------------------------------------------------------------


def report_build(run_id: int) -> ReportRun | None:
    """Build the run's files and make it current. Safe to call twice, or again after a
    worker died mid-run (see the module docstring). Failures are recorded on the run, in
    Chinese, and not raised: the run is failed and nothing current changes."""
    if not _try_lock_run(run_id):
        logger.info("report run %s is being built by another worker; message ignored", run_id)
        return ReportRun.objects.filter(pk=run_id).first()
    try:
        run = _claim(run_id)
        if run is None:
            return ReportRun.objects.filter(pk=run_id).first()
        try:
            with tempfile.TemporaryDirectory(prefix="report-") as directory:
                # Inside a caller's transaction (the embedded mode builds in the request), a
                # savepoint keeps a database error from breaking the caller's transaction;
                # on a worker there is none, so progress is committed as it goes.
                with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
                    built = _build_files(run, Path(directory))
                return _finish(run, built)
        except Exception as exc:
            logger.exception("report run %s failed", run_id)
            return _fail(run, exc)
    finally:
        _unlock_run(run_id)


def _try_lock_run(run_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_RUN, run_id])
        return cursor.fetchone()[0]


def _unlock_run(run_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_RUN, run_id])


def _claim(run_id: int) -> ReportRun | None:
    """Mark the run running (one more attempt); None when there is nothing to do: the run
    is gone or already done."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status == RunStatus.DONE:
            return None
        run.status, run.progress, run.error = RunStatus.RUNNING, 0, ""
        run.attempts += 1
        run.started_at, run.finished_at = timezone.now(), None
        run.save(update_fields=["status", "progress", "error", "attempts", "started_at", "finished_at"])
    return ReportRun.objects.select_related("county", "township", "requested_by").get(pk=run_id)


def report_progress(*, run_id: int, percent: int) -> None:
    """Record progress (0-100) in its own short transaction, so the page sees it while the
    build goes on."""
    percent = max(0, min(100, int(percent)))
    with transaction.atomic():
        ReportRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(progress=percent)


def _build_files(run: ReportRun, directory: Path) -> Built:
    last = [-1]

    def progress(percent: int) -> None:
        if percent != last[0]:
            last[0] = percent
            report_progress(run_id=run.pk, percent=min(percent, 99))
            slow_down()

    ctx = ReportContext(
        kind=run.kind, month=run.month, county=run.county, township=run.township, directory=directory,
        progress=progress, user=run.requested_by,
    )  # fmt: skip
    return _builders()[run.kind](ctx)


def _stored_name(run: ReportRun, extension: str) -> str:
    where = f"t{run.township_id}" if run.township_id else f"c{run.county_id}"
    return f"{run.kind}-{run.month:%Y%m}-{where}-run{run.pk}-{run.attempts}.{extension}"


def _finish(run: ReportRun, built: Built) -> ReportRun:
    """Store the files, then in one transaction: lock the key, supersede the previous
    current run, mark this one done and (unless a later request is already current)
    current."""
    with built.xlsx.open("rb") as handle:
        xlsx_name = run.file.storage.save(f"xlsx/{_stored_name(run, 'xlsx')}", File(handle))
    pdf_name = ""
    if built.pdf is not None:
        with built.pdf.open("rb") as handle:
            pdf_name = run.pdf.storage.save(f"pdf/{_stored_name(run, 'pdf')}", File(handle))
    now = timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            key = f"{run.kind}|{run.month:%Y-%m}|{run.county_id}|{run.township_id or ''}"
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_KEY, zlib.crc32(key.encode()) - 2**31])
        fresh = ReportRun.objects.select_for_update().get(pk=run.pk)
        if fresh.status == RunStatus.DONE:  # finished meanwhile by another worker: keep that
            run.file.storage.delete(xlsx_name)
            if pdf_name:
                run.pdf.storage.delete(pdf_name)
            return fresh
        same_key = ReportRun.objects.filter(
            kind=run.kind, month=run.month, county_id=run.county_id, township_id=run.township_id
        )
        current = same_key.filter(is_current=True).exclude(pk=run.pk).first()
        newer_is_current = current is not None and (current.requested_at, current.pk) > (run.requested_at, run.pk)
        if current is not None and not newer_is_current:
            same_key.filter(pk=current.pk).update(is_current=False, superseded_at=now)
        fresh.status, fresh.progress, fresh.finished_at, fresh.error = RunStatus.DONE, 100, now, ""
        fresh.file.name, fresh.pdf.name = xlsx_name, pdf_name
        fresh.notes = "；".join(built.notes)
        fresh.is_current = not newer_is_current
        fresh.superseded_at = now if newer_is_current else None
        fresh.save()
    return fresh


def _fail(run: ReportRun, exc: Exception) -> ReportRun:
    message = exc.messages[0] if isinstance(exc, ValidationError) else f"{type(exc).__name__}: {exc}"
    with transaction.atomic():
        ReportRun.objects.filter(pk=run.pk).exclude(status=RunStatus.DONE).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=_("生成报表时出错：%(error)s") % {"error": message},
        )
    return ReportRun.objects.get(pk=run.pk)
