"""The grid's Excel path: the township downloads its sheet (pre-filled with its reserves),
fills it in and uploads it; the preview shows every row's errors, nothing is saved until
the file is right and confirmed, then the rows are the draft."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessment.models import Assessment, SubmissionState
from assessment.services import year_open
from tests.factories import CadreFactory, make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(county_user, county):
    return year_open(user=county_user, county_id=county.pk, year=2026, data={"deadline": dt.date(2026, 12, 20)})


def _filled(client, year, township, *, bad_score=None):
    response = client.get(reverse("assessment:grid-sheet", args=[year.pk, township.pk]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for cell, header in zip(row, headers, strict=False):
            if header in {i.name for i in year.indicators.all()}:
                cell.value = 80
            elif header in ("参加测评人数",):
                cell.value = 20
            elif header == "称职票":
                cell.value = 18
            elif header == "等次":
                cell.value = "称职"
            elif header == "进退留转":
                cell.value = "留"
    if bad_score:
        sheet.cell(row=3, column=headers.index("政治素质") + 1).value = bad_score
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "白水镇考核.xlsx"
    return buffer, headers, sheet


def test_fill_the_grid_from_its_sheet(
    login, township_secretary, year, village, cadre, django_capture_on_commit_callbacks
):
    CadreFactory(village=village, name="王芳", id_number=make_id_number(seq=202))
    client = login(township_secretary)
    url = reverse("assessment:grid-import", args=[year.pk, village.township_id])

    sheet_file, headers, sheet = _filled(client, year, village.township, bad_score="九十")
    assert headers[:3] == ["身份证号", "姓名", "村(社区)"] and "政治素质" in headers and "进退留转" in headers
    assert {sheet.cell(row=r, column=2).value for r in (2, 3)} == {"李明", "王芳"}
    with django_capture_on_commit_callbacks(execute=True):
        preview = client.post(url, {"file": sheet_file}, follow=True)
    html = preview.content.decode()
    assert "得分：“九十”不是数字" in html and "未导入任何数据" in html
    assert not Assessment.objects.exists()

    sheet_file, _headers, _sheet = _filled(client, year, village.township)
    preview = client.post(url, {"file": sheet_file}, follow=True)
    record = preview.context["record"]
    assert record.result["ok"] and record.counts["created"] == 2
    assert not Assessment.objects.exists()  # a preview saves nothing
    client.post(reverse("imports:confirm", args=[record.pk]))
    assert sorted(Assessment.objects.values_list("total", flat=True)) == [80, 80]
    assert year.submissions.get().state == SubmissionState.DRAFT  # still to be submitted on the page


def test_another_townships_grid_sheet_is_not_found(login, township_secretary, year, other_village):
    client = login(township_secretary)
    assert client.get(reverse("assessment:grid-sheet", args=[year.pk, other_village.township_id])).status_code == 404
    assert client.get(reverse("assessment:grid-import", args=[year.pk, other_village.township_id])).status_code == 404
