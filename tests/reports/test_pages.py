"""报表中心 and /api/v1/reports/ as people use them: ask, watch, download; a township
sees and downloads only its own township's reports."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from reports.models import ReportRun, RunStatus
from reports.services import report_request
from tests.factories import township_user
from tests.queries import REQUEST_TRANSACTION
from tests.reports.conftest import MAY

pytestmark = pytest.mark.django_db


def run_of(tiny, kind="summary", township=None, user=None):
    run = report_request(kind=kind, month=MAY, county_id=tiny.county.pk,
                         township_id=township.pk if township else None, user=user)  # fmt: skip
    run.refresh_from_db()
    return run


def test_the_county_asks_for_a_report_on_the_page_and_downloads_it(login, tiny):
    client = login(tiny.staff)
    page = client.get(reverse("reports:list")).content.decode()
    assert "报表中心" in page and 'type="month"' in page and "全县(区)" in page
    response = client.post(reverse("reports:request"), {"kind": "summary", "month": "2026-05",
                                                         "township": tiny.baishui.pk}, follow=True)  # fmt: skip
    html = response.content.decode()
    assert "已提交：白水镇 2026年05月 月度综合统计报表" in html
    run = ReportRun.objects.get()
    assert run.status == RunStatus.DONE and run.requested_by == tiny.staff and run.township == tiny.baishui
    assert "已完成" in html and "当前版本" in html and reverse("reports:download", args=[run.pk, "xlsx"]) in html

    download = client.get(reverse("reports:download", args=[run.pk, "xlsx"]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E9%9D%92%E5%B1%B1%E5%8E%BF%E7%99%BD%E6%B0%B4%E9%95%872026%E5%B9%B405%E6%9C%88"
        "%E6%9C%88%E5%BA%A6%E7%BB%BC%E5%90%88%E7%BB%9F%E8%AE%A1%E6%8A%A5%E8%A1%A8.xlsx"
    )  # 青山县白水镇2026年05月月度综合统计报表.xlsx
    assert b"".join(download.streaming_content)[:2] == b"PK"
    assert client.get(reverse("reports:download", args=[run.pk, "pdf"])).status_code == 404  # no PDF for this kind

    again = client.post(reverse("reports:request"), {"kind": "summary", "month": "2026-05",
                                                      "township": tiny.baishui.pk}, follow=True)  # fmt: skip
    assert "已被取代" in again.content.decode()


def test_a_bad_request_keeps_the_input_and_says_why(login, tiny):
    response = login(tiny.staff).post(reverse("reports:request"), {"kind": "summary", "month": "2099-01"})
    assert response.status_code == 200
    assert "不能生成未来月份的报表。" in response.content.decode() and 'value="2099-01"' in response.content.decode()
    assert not ReportRun.objects.exists()


def test_a_township_sees_and_downloads_only_its_own(login, tiny, sheet, township_two):
    county_run = run_of(tiny, kind="subsidy")
    baishui_run = run_of(tiny, kind="subsidy", township=tiny.baishui)
    longshan_run = run_of(tiny, kind="subsidy", township=tiny.longshan)
    client = login(township_two)
    page = client.get(reverse("reports:list"))
    assert [r.pk for r in page.context["runs"]] == [longshan_run.pk]
    assert "全县(区)" not in page.content.decode()  # no scope to choose
    for other in (county_run, baishui_run):
        for fmt in ("xlsx", "pdf"):
            assert client.get(reverse("reports:download", args=[other.pk, fmt])).status_code == 404
        assert client.get(reverse("reports:detail", args=[other.pk])).status_code == 404
        assert client.get(reverse("reports:status", args=[other.pk])).status_code == 404
    pdf = client.get(reverse("reports:download", args=[longshan_run.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # Asking for the county's or another township's report is refused; their own is made.
    client.post(reverse("reports:request"), {"kind": "summary", "month": "2026-05", "township": tiny.baishui.pk})
    assert ReportRun.objects.filter(kind="summary").get().township == tiny.longshan


def test_the_status_endpoint_feeds_the_poll(login, tiny):
    queued = ReportRun.objects.create(kind="summary", month=MAY, county=tiny.county, requested_by=tiny.staff)
    client = login(tiny.staff)
    state = client.get(reverse("reports:status", args=[queued.pk])).json()
    assert state["status"] == "queued" and state["status_display"] == "排队中" and not state["finished"]
    page = client.get(reverse("reports:detail", args=[queued.pk])).content.decode()
    assert f'data-poll="{reverse("reports:status", args=[queued.pk])}"' in page and "js/report_poll.js" in page
    ReportRun.objects.filter(pk=queued.pk).update(status=RunStatus.RUNNING, progress=45)
    assert 'style="width: 45%"' in client.get(reverse("reports:list")).content.decode()
    ReportRun.objects.filter(pk=queued.pk).update(status=RunStatus.FAILED, error="生成报表时出错：磁盘已满")
    state = client.get(reverse("reports:status", args=[queued.pk])).json()
    assert state["finished"] and state["error"] == "生成报表时出错：磁盘已满"
    assert "生成报表时出错：磁盘已满" in client.get(reverse("reports:list")).content.decode()


def test_the_list_filters_and_names_the_system(login, tiny):
    run_of(tiny, kind="summary")
    run_of(tiny, kind="training", user=tiny.staff)
    client = login(tiny.staff)
    page = client.get(reverse("reports:list"), {"kind": "summary", "month": "2026-05"})
    assert [r.kind for r in page.context["runs"]] == ["summary"]
    assert "系统" in page.content.decode()
    assert not client.get(reverse("reports:list"), {"month": "2026-04"}).context["runs"]


def test_the_list_stacks_into_labelled_rows_on_a_phone(login, tiny):
    run_of(tiny, kind="summary")
    html = login(tiny.staff).get(reverse("reports:list")).content.decode()
    assert "table-stack" in html
    for label in ("月份", "范围", "状态", "申请人", "下载"):
        assert f'data-label="{label}"' in html


@pytest.mark.parametrize("n", [3, 25])
def test_the_list_does_not_grow_with_the_runs(login, tiny, n, django_assert_num_queries):
    for _ in range(n):
        ReportRun.objects.create(kind="summary", month=MAY, county=tiny.county, township=tiny.baishui,
                                 requested_by=tiny.staff)  # fmt: skip
    client = login(tiny.staff)
    # session, user, count, the page of runs (with county, township, requester), the
    # townships of the filter and of the request form
    with django_assert_num_queries(6 + REQUEST_TRANSACTION):
        assert client.get(reverse("reports:list")).status_code == 200


def test_the_detail_page_costs_the_same_for_any_run(login, tiny, django_assert_num_queries):
    run = run_of(tiny, kind="summary", user=tiny.staff)
    client = login(tiny.staff)
    # session, user, the run with its county, township and requester
    with django_assert_num_queries(3 + REQUEST_TRANSACTION):
        page = client.get(reverse("reports:detail", args=[run.pk]))
    assert "下载Excel" in page.content.decode() and "当前版本" in page.content.decode()


def test_a_report_is_made_again_from_its_page(login, tiny):
    run = run_of(tiny, kind="training", township=tiny.longshan, user=tiny.staff)
    client = login(tiny.staff)
    page = client.get(reverse("reports:detail", args=[run.pk])).content.decode()
    assert "重新生成" in page and f'name="township" value="{tiny.longshan.pk}"' in page
    client.post(reverse("reports:request"), {"kind": "training", "month": "2026-05", "township": tiny.longshan.pk})
    run.refresh_from_db()
    newer = ReportRun.objects.exclude(pk=run.pk).get()
    assert (newer.kind, newer.township, newer.is_current) == ("training", tiny.longshan, True)
    assert not run.is_current and "已被取代" in client.get(reverse("reports:detail", args=[run.pk])).content.decode()


def test_leaders_read_and_download_but_do_not_ask(login, tiny, leader):
    run = run_of(tiny)
    client = login(leader)
    page = client.get(reverse("reports:list")).content.decode()
    assert "月度综合统计报表" in page and "生成报表" not in page
    assert client.get(reverse("reports:download", args=[run.pk, "xlsx"])).status_code == 200
    assert client.post(reverse("reports:request"), {"kind": "summary", "month": "2026-05"}).status_code == 403
    assert ReportRun.objects.count() == 1


class TestApi:
    def test_post_then_get_with_status_and_download_urls(self, api, tiny):
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=tiny.staff).key}")
        response = api.post("/api/v1/reports/", {"kind": "training", "month": "2026-05"}, format="json")
        assert response.status_code == 202, response.json()
        body = response.json()
        assert (body["kind"], body["month"], body["township"], body["requested_by"]) == (
            "training", "2026-05", None, str(tiny.staff))  # fmt: skip
        detail = api.get(f"/api/v1/reports/{body['id']}/").json()
        assert detail["status"] == "done" and detail["progress"] == 100 and detail["is_current"]
        assert (
            detail["xlsx_url"] == f"http://testserver/api/v1/reports/{body['id']}/xlsx/" and detail["pdf_url"] is None
        )
        download = api.get(detail["xlsx_url"])
        assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
        assert api.get(f"/api/v1/reports/{body['id']}/pdf/").status_code == 404
        listed = api.get("/api/v1/reports/", {"kind": "training", "current": "true"}).json()
        assert [r["id"] for r in listed["results"]] == [body["id"]]

    def test_a_township_user_asks_for_its_own_and_cannot_see_others(self, api, tiny):
        county_run = run_of(tiny)
        secretary = township_user(tiny.baishui, username="bs")
        api.force_authenticate(secretary)
        response = api.post("/api/v1/reports/", {"kind": "summary", "month": "2026-05"}, format="json")
        assert response.status_code == 202 and response.json()["township"] == tiny.baishui.pk
        refused = api.post("/api/v1/reports/", {"kind": "summary", "month": "2026-05", "township": tiny.longshan.pk},
                           format="json")  # fmt: skip
        assert refused.status_code == 400
        assert api.get(f"/api/v1/reports/{county_run.pk}/").status_code == 404
        assert [r["id"] for r in api.get("/api/v1/reports/").json()["results"]] == [response.json()["id"]]

    def test_bad_input_is_a_400_in_chinese(self, api, tiny):
        api.force_authenticate(tiny.staff)
        response = api.post("/api/v1/reports/", {"kind": "summary", "month": "May"}, format="json")
        assert response.status_code == 400 and "月份" in response.json()["month"][0]
