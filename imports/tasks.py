"""Celery tasks of the import engine: thin wrappers around imports.services."""

from celery import shared_task

from . import services


@shared_task(name="imports.check")
def check_import(record_id: str) -> None:
    """Check an uploaded file (the preview), in the background."""
    services.import_check(record_id)


@shared_task(name="imports.apply")
def apply_import(record_id: str) -> None:
    """Import a confirmed preview, all or nothing, in the background."""
    services.import_apply(record_id)


@shared_task(name="imports.purge_expired_previews")
def purge_expired_previews() -> int:
    """Delete the uploaded files of previews nobody confirmed."""
    return services.previews_purge_expired()
