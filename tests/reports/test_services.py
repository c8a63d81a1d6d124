"""Asking for reports and building them: who may ask for what, one current report per
(kind, month, scope), failures recorded in Chinese, the monthly job and the commands."""

import datetime as dt
import importlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_celery_beat.models import PeriodicTask

from reports.models import ReportRun, RunStatus
from reports.services import report_build, report_request, reports_request_last_month
from tests.factories import leader_user, township_user
from tests.reports.conftest import MAY

pytestmark = pytest.mark.django_db


def ask(tiny, kind="summary", township=None, user=None):
    run = report_request(kind=kind, month=MAY, county_id=tiny.county.pk,
                         township_id=township.pk if township else None, user=user)  # fmt: skip
    run.refresh_from_db()
    return run


def test_asking_twice_keeps_one_current_and_marks_the_older_superseded(tiny):
    first = ask(tiny, user=tiny.staff)
    second = ask(tiny, user=tiny.staff)
    first.refresh_from_db()
    assert (first.status, first.is_current, first.superseded_at is not None) == (RunStatus.DONE, False, True)
    assert (second.status, second.is_current, second.superseded_at) == (RunStatus.DONE, True, None)
    assert first.file.name != second.file.name  # the older file is kept
    # Another scope or kind is another key: both current.
    township = ask(tiny, township=tiny.baishui)
    other_kind = ask(tiny, kind="training")
    assert township.is_current and other_kind.is_current
    assert ReportRun.objects.filter(is_current=True).count() == 3


def test_a_run_already_done_is_not_built_again(tiny):
    run = ask(tiny)
    before = (run.file.name, run.finished_at, run.attempts)
    assert report_build(run.pk).pk == run.pk
    run.refresh_from_db()
    assert (run.file.name, run.finished_at, run.attempts) == before


def test_a_run_left_running_by_a_dead_worker_is_built_again(tiny):
    run = ask(tiny)
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, is_current=False, progress=40)
    rebuilt = report_build(run.pk)
    assert (rebuilt.status, rebuilt.is_current, rebuilt.attempts, rebuilt.progress) == (RunStatus.DONE, True, 2, 100)


def test_the_later_request_stays_current_whichever_finishes_first(tiny):
    older = ReportRun.objects.create(kind="summary", month=MAY, county=tiny.county)
    newer = ask(tiny)
    assert newer.is_current
    report_build(older.pk)
    older.refresh_from_db()
    newer.refresh_from_db()
    assert newer.is_current and not older.is_current and older.status == RunStatus.DONE and older.superseded_at


def test_a_failure_is_recorded_in_chinese_and_changes_nothing_current(tiny, monkeypatch):
    good = ask(tiny)
    from reports.builders import summary

    def broken(ctx):
        raise RuntimeError("disk full")

    monkeypatch.setattr(summary, "build", broken)
    bad = ask(tiny)
    assert bad.status == RunStatus.FAILED and not bad.is_current
    assert bad.error == "生成报表时出错：RuntimeError: disk full"
    good.refresh_from_db()
    assert good.is_current


@pytest.mark.parametrize("month", [dt.date(2099, 1, 1)])
def test_no_future_months(tiny, month):
    with pytest.raises(ValidationError, match="未来月份"):
        report_request(kind="summary", month=month, county_id=tiny.county.pk)


def test_a_township_secretary_asks_for_their_own_township_only(tiny):
    secretary = township_user(tiny.baishui, username="baishui2")
    assert ask(tiny, township=tiny.baishui, user=secretary).status == RunStatus.DONE
    for township in (None, tiny.longshan):
        with pytest.raises(ValidationError, match="只能生成本乡镇的报表"):
            ask(tiny, township=township, user=secretary)


def test_county_staff_ask_within_their_county_and_leaders_only_read(tiny):
    from tests.factories import CountyFactory, TownshipFactory

    with pytest.raises(PermissionDenied, match="只能查看报表"):
        ask(tiny, user=leader_user(tiny.county, username="lead"))
    elsewhere = TownshipFactory(county=CountyFactory(name="远方县"), name="远方镇")
    with pytest.raises(ValidationError, match="只能生成本县"):
        report_request(kind="summary", month=MAY, county_id=elsewhere.county_id, user=tiny.staff)
    with pytest.raises(ValidationError, match="不属于本县"):
        report_request(kind="summary", month=MAY, county_id=tiny.county.pk, township_id=elsewhere.pk)


def test_the_monthly_job_asks_for_every_kind_for_the_county_and_each_township(tiny, sheet):
    runs = reports_request_last_month(today=dt.date(2026, 6, 1))
    assert len(runs) == 3 * 3  # (county, 白水镇, 龙山乡) × (training, subsidy, summary)
    assert {(r.kind, r.township_id) for r in runs} == {
        (kind, township) for kind in ("training", "subsidy", "summary") for township in (None, tiny.baishui.pk,
                                                                                         tiny.longshan.pk)
    }  # fmt: skip
    assert all(r.month == MAY and r.requested_by is None for r in runs)
    assert set(ReportRun.objects.values_list("status", flat=True)) == {RunStatus.DONE}


def test_build_report_command_prints_the_files(tiny, sheet, capsys):
    call_command("build_report", "subsidy", "--month", "2026-05", "--township", "白水镇")
    out = capsys.readouterr().out.splitlines()
    run = ReportRun.objects.get()
    assert out == [run.file.path, run.pdf.path]
    assert run.township == tiny.baishui and run.is_current and run.requested_by is None
    with pytest.raises(CommandError, match="没有乡镇"):
        call_command("build_report", "summary", "--month", "2026-05", "--county", "青山县", "--township", "无此镇")
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("build_report", "summary", "--month", "五月")


def test_the_default_schedule_is_installed_by_the_migration_and_edits_survive(capsys):
    # Run the data migration as migrate runs it, with the historical models (a transactional
    # test elsewhere may have flushed the rows it wrote when the test database was made).
    PeriodicTask.objects.all().delete()
    executor = MigrationExecutor(connection)
    assert ("reports", "0003_install_schedule") in executor.loader.applied_migrations
    state = executor.loader.project_state(("reports", "0003_install_schedule"))
    migration = importlib.import_module("reports.migrations.0003_install_schedule")
    migration.install_schedule(state.apps, None)
    tasks = {t.name: t for t in PeriodicTask.objects.select_related("crontab")}
    purge, monthly = tasks["清理过期的导入预览"], tasks["生成上月报表"]
    assert (purge.task, purge.crontab.minute, purge.crontab.hour) == ("imports.purge_expired_previews", "15", "*")
    assert (monthly.task, monthly.crontab.minute, monthly.crontab.hour, monthly.crontab.day_of_month) == (
        "reports.build_last_month", "0", "2", "1")  # fmt: skip
    assert str(monthly.crontab.timezone) == "Asia/Shanghai"
    # A county turns the job off in the admin; installing again keeps that and adds what is missing.
    monthly.enabled = False
    monthly.save()
    purge.delete()
    call_command("install_schedule")
    assert "已添加定时任务：清理过期的导入预览" in capsys.readouterr().out
    assert not PeriodicTask.objects.get(name="生成上月报表").enabled
    assert PeriodicTask.objects.filter(name="清理过期的导入预览").exists()


def test_a_database_error_in_a_builder_fails_the_run_and_leaves_the_callers_transaction_usable(tiny, monkeypatch):
    from django.db import connection

    from reports.builders import summary

    def broken(ctx):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(summary, "build", broken)
    run = ask(tiny)
    assert run.status == RunStatus.FAILED and "no_such_table" in run.error
    assert ReportRun.objects.count() == 1  # the transaction still works
