"""The later capabilities in the browser: a township secretary fills and reports the year's
assessment, county staff approve it; county staff generate a monthly report and download it;
a leader reads them and can change nothing."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from assessment.models import Assessment, SubmissionState
from assessment.services import year_open
from tests.factories import CadreFactory, make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def year(county_user, county):
    return year_open(user=county_user, county_id=county.pk, year=2026, data={"deadline": dt.date(2026, 12, 20)})


def _fill_row(page, name, *, score, voters="20"):
    for box in page.locator(f"input[aria-label^='{name} '][inputmode=decimal]").all():
        box.fill(score)
    page.get_by_label(f"{name} voters").fill(voters)
    page.get_by_label(f"{name} votes_excellent").fill("5")
    page.get_by_label(f"{name} votes_competent").fill("15")
    page.get_by_label(f"{name} 等次").select_option(label="称职")
    page.get_by_label(f"{name} 进退留转").select_option(label="留")
    page.get_by_label(f"{name} 显绩").fill("牵头建设村级电商服务站")


def test_township_fills_the_assessment_and_county_approves(steps, year, township_secretary, county_user, cadre):
    CadreFactory(village=cadre.village, name="王芳", id_number=make_id_number(seq=202))
    page = steps.page
    steps.login("baishui")
    steps.goto(f"/assessment/years/{year.pk}/grid/")
    steps.shot("grid")
    _fill_row(page, "李明", score="82")
    _fill_row(page, "王芳", score="78", voters="3")  # more votes than voters: refused, kept
    steps.submit("保存草稿")
    steps.shot("grid-error")
    assert "王芳：各档票数之和（20）超过参加测评人数（3）。" in page.locator("main").inner_text()
    assert page.get_by_label("王芳 voters").input_value() == "3"

    page.get_by_label("王芳 voters").fill("20")
    steps.submit("保存并上报县委组织部")
    steps.shot("submitted")
    assert "已上报白水镇的考核结果" in page.locator("main").inner_text()
    assert sorted(Assessment.objects.values_list("cadre__name", "total")) == [("李明", 82), ("王芳", 78)]

    steps.page.context.clear_cookies()
    steps.login("county")
    steps.goto(f"/assessment/years/{year.pk}/review/")
    steps.submit("审定通过")
    steps.shot("approved")
    assert year.submissions.get().state == SubmissionState.APPROVED


def test_county_generates_a_report_and_downloads_it(steps, county_user, cadre):
    page = steps.page
    steps.login("county")
    steps.goto("/reports/")
    page.get_by_label("报表类型").select_option(label="月度综合统计报表")
    page.get_by_label("月份").fill("2026-11")
    steps.shot("request-form")
    steps.submit("生成")
    assert "已提交：青山县 2026年11月 月度综合统计报表" in page.locator("main").inner_text()
    # Built in-process in the test settings (a worker in production; the page polls until done).
    with page.expect_navigation():
        page.get_by_role("link", name="月度综合统计报表").click()
    steps.shot("report-done")
    assert "已完成" in page.locator("main").inner_text()
    download_link = page.get_by_role("link", name="下载Excel")
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read()), read_only=True).worksheets[0]
        assert "青山县" in str(next(sheet.iter_rows(values_only=True))[0])


def test_leader_reads_assessment_and_reports_without_edit_buttons(steps, leader, year, county_user, cadre):
    steps.login("leader")
    for path, name in ((f"/assessment/years/{year.pk}/review/", "review"), ("/reports/", "reports"),
                       ("/training/", "training"), ("/subsidies/", "subsidies")):  # fmt: skip
        response = steps.goto(path)
        steps.shot(name)
        assert response.status == 200, path
        assert steps.buttons(r"审定|生成|新增|新建|保存|计算|锁定") == [], path
