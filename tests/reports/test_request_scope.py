"""Which county a report is of, decided once by the request service for the page, the API
and the monthly job; the API's list filtered by the same FilterSet as the page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import ReportRun
from reports.services import report_request, reports_request_last_month
from tests.factories import CountyFactory, TownshipFactory, UserFactory, township_user
from tests.reports.conftest import MAY

pytestmark = pytest.mark.django_db


class TestTheCounty:
    def test_a_named_township_gives_its_county(self, tiny, settings):
        settings.CELERY_TASK_ALWAYS_EAGER = False  # asked, not built: the scope is what is tested
        run = report_request(kind="summary", month=MAY, township_id=tiny.longshan.pk, user=tiny.staff)
        assert (run.county, run.township) == (tiny.county, tiny.longshan)

    def test_without_a_township_the_users_own_county(self, tiny, settings):
        settings.CELERY_TASK_ALWAYS_EAGER = False
        run = report_request(kind="summary", month=MAY, user=tiny.staff)
        assert (run.county, run.township) == (tiny.county, None)

    def test_a_township_of_another_county_is_refused(self, tiny):
        elsewhere = TownshipFactory(county=CountyFactory(name="远方县"), name="远方镇")
        with pytest.raises(ValidationError) as exc:
            report_request(kind="summary", month=MAY, county_id=tiny.county.pk, township_id=elsewhere.pk)
        assert exc.value.message_dict == {"township": ["该乡镇不属于本县(区)。"]}

    def test_a_superuser_of_no_county_names_one(self, tiny):
        admin = UserFactory(county=None, is_superuser=True, is_staff=True)
        with pytest.raises(ValidationError) as exc:
            report_request(kind="summary", month=MAY, user=admin)
        assert exc.value.message_dict == {"county": ["请指定县(区)，或选择一个乡镇(街道)。"]}
        assert ReportRun.objects.count() == 0

    def test_the_page_asks_for_a_township_secretarys_own_township(self, login, tiny, settings):
        settings.CELERY_TASK_ALWAYS_EAGER = False
        secretary = township_user(tiny.baishui, username="bs")
        response = login(secretary).post(reverse("reports:request"), {"kind": "summary", "month": "2026-05"})
        assert response.status_code == 302
        run = ReportRun.objects.get()
        assert (run.county, run.township, run.requested_by) == (tiny.county, tiny.baishui, secretary)

    def test_the_api_tells_a_superuser_to_name_a_county(self, api, tiny):
        api.force_authenticate(UserFactory(county=None, is_superuser=True, is_staff=True))
        response = api.post("/api/v1/reports/", {"kind": "summary", "month": "2026-05"}, format="json")
        assert response.status_code == 400
        assert response.json() == {"county": ["请指定县(区)，或选择一个乡镇(街道)。"]}
        by_township = api.post(
            "/api/v1/reports/", {"kind": "summary", "month": "2026-05", "township": tiny.longshan.pk}, format="json"
        )
        assert by_township.status_code == 202 and by_township.json()["county"] == tiny.county.pk


class TestTheApiFilter:
    @pytest.fixture
    def runs(self, tiny, settings):
        settings.CELERY_TASK_ALWAYS_EAGER = False
        april = dt.date(2026, 4, 1)
        return {
            "may_county": report_request(kind="summary", month=MAY, county_id=tiny.county.pk),
            "may_baishui": report_request(kind="training", month=MAY, township_id=tiny.baishui.pk),
            "april_county": report_request(kind="summary", month=april, county_id=tiny.county.pk),
        }

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"month": "2026-05"}, {"may_county", "may_baishui"}),
            ({"kind": "summary"}, {"may_county", "april_county"}),
            ({"kind": "summary", "month": "2026-04"}, {"april_county"}),
            ({"township": "baishui"}, {"may_baishui"}),
            ({}, {"may_county", "may_baishui", "april_county"}),
        ],
    )
    def test_the_list_is_filtered_like_the_page(self, api, tiny, runs, params, expected):
        if params.get("township") == "baishui":
            params = {"township": tiny.baishui.pk}
        api.force_authenticate(tiny.staff)
        response = api.get("/api/v1/reports/", params)
        assert response.status_code == 200
        ids = {name for name, run in runs.items() if run.pk in {r["id"] for r in response.json()["results"]}}
        assert ids == expected

    def test_a_month_that_is_not_one_is_a_400_in_chinese(self, api, tiny, runs):
        api.force_authenticate(tiny.staff)
        response = api.get("/api/v1/reports/", {"month": "May"})
        assert response.status_code == 400
        assert response.json() == {"month": ["请按“年-月”填写月份，如 2026-05。"]}


def test_the_monthly_job_reads_counties_and_townships_once(tiny, settings):
    """Two reads (the townships, the counties) and one insert per run, however many runs."""
    settings.CELERY_TASK_ALWAYS_EAGER = False  # queued for a worker after the commit
    TownshipFactory(county=CountyFactory(name="远方县"), name="远方镇")
    with CaptureQueriesContext(connection) as queries:
        runs = reports_request_last_month(today=dt.date(2026, 6, 1))
    assert len(runs) == 3 * (3 + 2)  # kinds × (青山县, 白水镇, 龙山乡, 远方县, 远方镇)
    assert len(queries) == 2 + len(runs)
    assert all(q["sql"].startswith("INSERT") for q in queries[2:])
