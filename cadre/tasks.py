"""Celery tasks of the registry: thin wrappers around services."""

from celery import shared_task

from .roster.uploads import previews_purge_expired


@shared_task(name="cadre.purge_expired_previews")
def purge_expired_previews() -> int:
    """Delete the uploaded files of roster and mentor-pool previews nobody confirmed."""
    return previews_purge_expired()
