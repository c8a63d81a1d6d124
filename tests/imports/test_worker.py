"""A county-wide file goes through a real Celery worker: checked in the background with
its progress on the record page, then imported all or nothing after confirmation."""

import datetime as dt
import time

import pytest
from django.urls import reverse
from openpyxl import Workbook

from cadre.models import Cadre
from imports.models import ImportRecord
from imports.services import import_confirm, import_progress, import_upload
from tests.roster_files import HEADER, person

ROWS = 20_000


def _county_file(path, rows: int):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("全县花名册")
    sheet.append(HEADER)
    first = dt.date(1980, 1, 1)
    for i in range(rows):
        row = person(name=f"测试{i}", birth=first + dt.timedelta(days=i // 800), seq=100 + i % 800, 性别="")
        sheet.append([str(i + 1) if h == "序号" else row[h] for h in HEADER])
    workbook.save(path)
    return path


def _wait(record, state, *, seen: list, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record.refresh_from_db()
        progress = import_progress(record.pk)
        if progress and (not seen or seen[-1] != progress):
            seen.append(progress)
        if record.state == state:
            return record
        if record.state == ImportRecord.State.REFUSED:
            raise AssertionError(record.refused_reason)
        time.sleep(0.05)
    raise AssertionError(f"still {record.state} after {timeout} s")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_county_file_is_checked_and_imported_by_the_worker(celery_worker, client, county_user, village, tmp_path):
    data = _county_file(tmp_path / "全县.xlsx", ROWS).read_bytes()
    record = import_upload(user=county_user, kind="roster", filename="全县.xlsx", data=data)
    client.force_login(county_user)
    page = client.get(reverse("imports:record", args=[record.pk]))
    assert '<meta http-equiv="refresh" content="2">' in page.content.decode()  # the page follows the worker

    seen: list[dict] = []
    _wait(record, ImportRecord.State.PREVIEWED, seen=seen)
    assert record.counts == {"created": ROWS, "updated": 0, "unchanged": 0, "errors": 0}
    assert seen[-1] == {"read": ROWS, "checked": ROWS}
    assert any(0 < p.get("checked", 0) < ROWS for p in seen), seen  # progress seen on the way, not only the end
    assert not Cadre.objects.exists()

    import_confirm(user=county_user, record_id=record.pk)
    _wait(record, ImportRecord.State.APPLIED, seen=seen)
    assert seen[-1]["written"] == ROWS
    assert Cadre.objects.count() == ROWS
    page = client.get(reverse("imports:record", args=[record.pk]))
    assert f"共{ROWS}行：已新增{ROWS}人" in page.content.decode()
