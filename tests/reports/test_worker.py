"""Reports through real Celery workers against Redis and the test database: asked for
through the API and built by a worker; a duplicated message; a worker killed with SIGKILL
in the middle of a report and the message redelivered to another worker. Each leaves
exactly one current report."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from reports.models import ReportRun, RunStatus
from reports.services import report_build, report_request
from reports.tasks import build_report
from tests.reports.conftest import MAY

ROOT = Path(__file__).resolve().parents[2]
TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def wait_for(run, condition, *, timeout=120, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if condition(run):
            return run
        time.sleep(0.1)
    raise AssertionError(f"run {run.pk} is {run.status} ({run.progress}%) after {timeout} s; wanted {what}")


def current_runs():
    return list(ReportRun.objects.filter(kind="summary", month=MAY, is_current=True))


@TRANSACTIONAL
def test_a_report_asked_for_through_the_api_is_built_by_the_worker(celery_worker, api, tiny):
    api.force_authenticate(tiny.staff)
    response = api.post("/api/v1/reports/", {"kind": "summary", "month": "2026-05"}, format="json")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    run = ReportRun.objects.get(pk=response.json()["id"])
    wait_for(run, lambda r: r.status in (RunStatus.DONE, RunStatus.FAILED), what="done")
    body = api.get(f"/api/v1/reports/{run.pk}/").json()
    assert (body["status"], body["progress"], body["is_current"]) == ("done", 100, True), body["error"]
    assert api.get(body["xlsx_url"]).status_code == 200


@TRANSACTIONAL
def test_a_duplicated_message_leaves_one_current_report(celery_worker, tiny):
    run = ReportRun.objects.create(kind="summary", month=MAY, county=tiny.county)
    first, second = build_report.delay(run.pk), build_report.delay(run.pk)
    assert {first.get(timeout=120), second.get(timeout=120)} == {"done"}
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.attempts == 1  # the second message found it done
    assert [r.pk for r in current_runs()] == [run.pk]


def start_worker(*, delay: float, log: Path) -> subprocess.Popen:
    """``celery -A config worker --pool=solo`` on the test database and Redis, tasks not
    eager, Redis handing unacknowledged messages to another worker after 3 s."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "REPORTS_ROOT": str(settings.REPORTS_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "REPORTS_TEST_DELAY": str(delay),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip


VISIBILITY = 3


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@TRANSACTIONAL
def test_a_worker_killed_mid_report_leaves_one_current_report(tiny, settings, tmp_path):
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()  # the test Redis: no messages left by other runs
    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = ReportRun.objects.create(kind="summary", month=MAY, county=tiny.county)
    report_build(previous.pk)  # an older report of the same key, current until the new one is done
    first = start_worker(delay=1.0, log=tmp_path / "worker1.log")
    second = None
    try:
        run = report_request(kind="summary", month=MAY, county_id=tiny.county.pk, user=tiny.staff)
        wait_for(run, lambda r: r.status == RunStatus.RUNNING and 0 < r.progress < 90, what="running")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        run.refresh_from_db()
        assert run.status == RunStatus.RUNNING and run.attempts == 1  # left half done
        assert [r.pk for r in current_runs()] == [previous.pk]
        time.sleep(VISIBILITY + 1)  # the message is handed out again once invisible this long
        second = start_worker(delay=0, log=tmp_path / "worker2.log")
        wait_for(run, lambda r: r.status == RunStatus.DONE, timeout=120, what="done by the second worker")
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=30)
    log = (tmp_path / "worker2.log").read_text()
    assert run.attempts == 2, log
    assert [r.pk for r in current_runs()] == [run.pk]
    previous.refresh_from_db()
    assert not previous.is_current and previous.superseded_at is not None
