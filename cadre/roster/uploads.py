"""The browser's two steps: upload → preview (nothing written) → confirm → import. A
confirmation is refused when the preview is stale, was already used, belongs to someone
else, or when the file or the database changed since the preview."""

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scoping import can_write

from ..models import RosterImport
from .service import RosterReport, roster_import

PREVIEW_TTL = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Importer:
    """One kind of file the upload → preview → confirm steps handle. ``run(data, *, user,
    dry_run, filename, expected_digest=None)`` returns a report like RosterReport;
    ``upload_url`` and ``done_url`` are the URL names to return to after a refusal and
    after the import."""

    run: Callable[..., RosterReport]
    upload_url: str
    done_url: str


_importers: dict[str, Importer] = {}


def register_importer(kind: str, importer: Importer) -> None:
    """Other apps plug their importers in from their AppConfig.ready()."""
    _importers[kind] = importer


def importer_for(kind: str) -> Importer:
    return _importers[kind]


register_importer(
    RosterImport.Kind.ROSTER, Importer(run=roster_import, upload_url="cadre:import", done_url="cadre:list")
)


def roster_preview(
    *, user: User, filename: str, data: bytes, kind: str = RosterImport.Kind.ROSTER
) -> tuple[RosterImport, RosterReport]:
    """Check an uploaded file (a roster or, with ``kind``, a mentor pool) without writing."""
    if not can_write(user):
        raise PermissionDenied(_("您的角色只能查看，不能导入。"))
    report = importer_for(kind).run(data, user=user, dry_run=True, filename=filename)
    upload = RosterImport(
        user=user, kind=kind, filename=filename[:255], sha256=hashlib.sha256(data).hexdigest(), digest=report.digest,
        counts=report.counts,
        state=RosterImport.State.PREVIEWED if report.ok else RosterImport.State.REFUSED,
    )  # fmt: skip
    if report.ok:
        upload.file.save(f"{upload.id}.bin", ContentFile(data), save=False)
    upload.save()
    return upload, report


def roster_confirm(*, user: User, upload_id: uuid.UUID | str) -> tuple[RosterImport, RosterReport]:
    """Import a previewed file. A refused confirmation (stale, file changed, data changed
    since the preview) is recorded with its reason and the file is deleted at once, in a
    transaction of its own: the refusal stays recorded although the caller gets an error."""
    with transaction.atomic():
        upload = get_object_or_404(RosterImport.objects.select_for_update(), pk=upload_id, user=user)
        if upload.state != RosterImport.State.PREVIEWED:
            raise ValidationError(_("这份预览已经处理过，不能重复导入。"))
        reasons, report = _confirm(upload, user=user)
        if report is not None and report.applied:
            upload.state = RosterImport.State.APPLIED
            upload.applied_at = timezone.now()
            upload.counts = report.counts
            upload.save(update_fields=["state", "applied_at", "counts", "updated_at"])
            # The personal data now lives in the registry; the uploaded copy goes.
            transaction.on_commit(lambda: upload.file.delete(save=True))
            return upload, report
        _refuse(upload, reasons)
    raise ValidationError(reasons)


def _confirm(upload: RosterImport, *, user: User) -> tuple[list[str], RosterReport | None]:
    """Run the previewed import unless the preview no longer holds: (refusal reasons, report)."""
    if timezone.now() - upload.created_at > PREVIEW_TTL:
        return [_("预览已超过30分钟，请重新上传文件并预览。")], None
    with upload.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != upload.sha256:
        return [_("预览之后文件已被改动，请重新上传并预览。")], None
    report = importer_for(upload.kind).run(
        data, user=user, dry_run=False, filename=upload.filename, expected_digest=upload.digest
    )
    return [str(e) for e in report.errors] or [_("导入未完成。")], report


def _refuse(upload: RosterImport, reasons: list[str]) -> None:
    upload.state = RosterImport.State.REFUSED
    upload.refused_reason = "\n".join(reasons)
    upload.save(update_fields=["state", "refused_reason", "updated_at"])
    if upload.file:
        transaction.on_commit(lambda: upload.file.delete(save=True))


def previews_purge_expired(*, now: dt.datetime | None = None) -> int:
    """Previews never confirmed within PREVIEW_TTL: marked refused and their uploaded
    files deleted. Returns how many. Run hourly by Celery beat (cadre.tasks)."""
    cutoff = (now or timezone.now()) - PREVIEW_TTL
    expired = RosterImport.objects.filter(state=RosterImport.State.PREVIEWED, created_at__lt=cutoff)
    count = 0
    for upload in expired.iterator():
        with transaction.atomic():
            upload = RosterImport.objects.select_for_update().get(pk=upload.pk)
            if upload.state != RosterImport.State.PREVIEWED:
                continue  # confirmed or refused meanwhile
            _refuse(upload, [_("预览超过30分钟未确认，已作废，上传的文件已删除。")])
            count += 1
    return count
