"""/api/v1/subsidies/: read-only, scoped like the pages (a township: its own lines and totals;
another township's line or another county's sheet is a 404)."""

import datetime as dt
from decimal import Decimal

import pytest

from subsidies.services import adjustment_add, sheet_compute
from tests.api import auth
from tests.factories import CadreFactory, CountyFactory, SubsidyPolicyFactory

pytestmark = pytest.mark.django_db

D = Decimal
MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def sheets(county, county_user, village, other_village):
    SubsidyPolicyFactory(county=county, effective_from=dt.date(2020, 1, 1), created_by=county_user)
    CadreFactory(village=village, name="李明", entered_on=dt.date(2020, 1, 1))
    CadreFactory(village=village, name="赵强", entered_on=dt.date(2026, 3, 17))
    other = CadreFactory(village=other_village, name="王芳", entered_on=dt.date(2020, 1, 1))
    march = sheet_compute(county_id=county.pk, month=MARCH, user=county_user)
    february = sheet_compute(county_id=county.pk, month=dt.date(2026, 2, 1), user=county_user)
    adjustment_add(user=county_user, sheet=march, cadre=other, amount=D("-100"), reason="多发")
    return march, february


def test_the_county_lists_its_sheets_with_totals(api, county_user, sheets):
    march, february = sheets
    results = auth(api, county_user).get("/api/v1/subsidies/").json()["results"]
    assert [r["month"] for r in results] == ["2026-03-01", "2026-02-01"]
    assert results[0] | {"base_sum": "4967.74", "adjustment_sum": "-100.00", "grand_total": "4867.74",
                         "line_count": 3, "state": "computed"} == results[0]  # fmt: skip
    only = auth(api, county_user).get("/api/v1/subsidies/", {"month": "2026-02"}).json()["results"]
    assert [r["id"] for r in only] == [february.pk]


def test_the_detail_has_the_totals_per_township(api, county_user, sheets):
    march, _february = sheets
    body = auth(api, county_user).get(f"/api/v1/subsidies/{march.pk}/").json()
    towns = {t["township_name"]: t for t in body["townships"]}
    assert towns["白水镇"]["total"] == "2967.74" and towns["白水镇"]["count"] == 2
    assert towns["龙山乡"]["adjustments"] == "-100.00" and towns["龙山乡"]["total"] == "1900.00"
    assert body["total"]["total"] == "4867.74"


def test_lines_by_month_and_township_with_masked_id_numbers(api, county_user, sheets, township):
    client = auth(api, county_user)
    body = client.get("/api/v1/subsidies/lines/", {"month": "2026-03"}).json()
    assert body["count"] == 3
    line = {r["cadre_name"]: r for r in body["results"]}["赵强"]
    assert (line["days"], line["base"], line["basis"], line["month"]) == (15, "967.74", "2000.00×15/31", "2026-03-01")
    assert "*" * 10 in line["masked_id_number"] and "id_number" not in line
    assert {r["cadre_name"]: r["payable"] for r in body["results"]}["王芳"] == "1900.00"
    mine = client.get("/api/v1/subsidies/lines/", {"month": "2026-03", "township": township.pk}).json()
    assert sorted(r["cadre_name"] for r in mine["results"]) == ["李明", "赵强"]
    assert client.get("/api/v1/subsidies/lines/").json()["count"] == 5  # 赵强 entered in March


def test_a_township_sees_only_its_own_lines(api, township_secretary, sheets, other_township):
    march, _february = sheets
    client = auth(api, township_secretary)
    body = client.get("/api/v1/subsidies/lines/", {"month": "2026-03"}).json()
    assert sorted(r["cadre_name"] for r in body["results"]) == ["李明", "赵强"]
    assert client.get("/api/v1/subsidies/lines/", {"township": other_township.pk}).json()["count"] == 0
    theirs = march.lines.get(cadre__name="王芳")
    assert client.get(f"/api/v1/subsidies/lines/{theirs.pk}/").status_code == 404
    mine = march.lines.get(cadre__name="李明")
    assert client.get(f"/api/v1/subsidies/lines/{mine.pk}/").status_code == 200
    detail = client.get(f"/api/v1/subsidies/{march.pk}/").json()
    assert [t["township_name"] for t in detail["townships"]] == ["白水镇"]
    assert detail["total"]["total"] == detail["grand_total"] == "2967.74"


def test_another_countys_sheet_is_not_found(api, county_user, township_secretary, sheets):
    stranger = CountyFactory(name="白云县")
    SubsidyPolicyFactory(county=stranger, effective_from=dt.date(2020, 1, 1))
    CadreFactory(village__township__county=stranger, entered_on=dt.date(2020, 1, 1))
    theirs = sheet_compute(county_id=stranger.pk, month=MARCH, user=None)
    for user in (county_user, township_secretary):
        client = auth(api, user)
        assert client.get(f"/api/v1/subsidies/{theirs.pk}/").status_code == 404
        assert client.get(f"/api/v1/subsidies/lines/{theirs.lines.get().pk}/").status_code == 404


def test_the_api_is_read_only(api, county_user, sheets):
    march, _february = sheets
    client = auth(api, county_user)
    assert client.post("/api/v1/subsidies/", {"month": "2026-04-01"}).status_code == 405
    assert client.delete(f"/api/v1/subsidies/{march.pk}/").status_code == 405
    assert client.patch(f"/api/v1/subsidies/lines/{march.lines.first().pk}/", {"base": "1"}).status_code == 405
