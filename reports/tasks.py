"""Celery tasks of the reports: thin wrappers around reports.services.

``reports.build`` is acknowledged only when it has finished (acks_late) and given back to
the queue when its worker dies (reject_on_worker_lost); the service makes running it
twice harmless."""

from celery import shared_task

from . import services


@shared_task(name="reports.build", acks_late=True, reject_on_worker_lost=True)
def build_report(run_id: int) -> str | None:
    run = services.report_build(run_id)
    return run.status if run is not None else None


@shared_task(name="reports.build_last_month")
def build_last_month() -> int:
    """Last month's reports of every kind, for every county and every township (beat: the
    1st of each month at 02:00)."""
    return len(services.reports_request_last_month())
