"""The assessment API: scoped like the pages, rules in the services, a township secretary
never approves and a leader never writes."""

import datetime as dt

import pytest

from assessment.models import Assessment
from assessment.services import assessment_save, year_open
from tests.api import auth
from tests.factories import AssignmentFactory, builtin_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(county_user, county):
    return year_open(user=county_user, county_id=county.pk, year=2026, data={"deadline": dt.date(2026, 12, 20)})


def row(year, cadre, **extra):
    return {"year": year.pk, "cadre": cadre.pk, "scores": {str(i.pk): "80" for i in year.indicators.all()},
            "voters": 20, "votes_competent": 18, "grade": "competent", "outcome": "stay", **extra}  # fmt: skip


def test_assignments_are_scoped_and_overlaps_refused(api, township_secretary, county_user, cadre, other_cadre):
    AssignmentFactory(cadre=other_cadre, created_by=county_user)
    client = auth(api, township_secretary)
    assert client.get("/api/v1/assignments/").json()["count"] == 0
    data = {"cadre": cadre.pk, "kind": builtin_kind().pk, "host_unit": "城关镇网格中心", "started_on": "2026-03-01",
            "full_time": True}  # fmt: skip
    assert client.post("/api/v1/assignments/", data, format="json").status_code == 201
    again = client.post("/api/v1/assignments/", {**data, "started_on": "2026-04-01"}, format="json")
    assert again.status_code == 400 and "时间重叠" in again.json()["started_on"][0]
    other = client.post("/api/v1/assignments/", {**data, "cadre": other_cadre.pk}, format="json")
    assert other.status_code == 400 and "cadre" in other.json()


def test_years_list_their_indicators(api, township_secretary, year):
    (listed,) = auth(api, township_secretary).get("/api/v1/assessment-years/").json()["results"]
    assert listed["year"] == 2026 and sum(i["weight"] for i in listed["indicators"]) == 100


def test_save_submit_and_review_through_the_api(api, township_secretary, county_user, leader, year, cadre, township):
    client = auth(api, township_secretary)
    saved = client.post("/api/v1/assessments/", row(year, cadre), format="json")
    assert saved.status_code == 201 and saved.json()["total"] == "80.00" and saved.json()["version"] == 1
    stale = client.post("/api/v1/assessments/", row(year, cadre, version=0), format="json")
    assert stale.status_code == 400 and "请刷新页面后再填写" in stale.json()["non_field_errors"][0]
    action = {"year": year.pk, "township": township.pk}
    assert client.post("/api/v1/assessments/submit/", action, format="json").json()["state"] == "submitted"
    refused = client.post("/api/v1/assessments/approve/", action, format="json")
    assert refused.status_code == 403 and "县委组织部" in refused.json()["detail"]
    assert auth(api, leader).post("/api/v1/assessments/approve/", action, format="json").status_code == 403
    county = auth(api, county_user)
    no_reason = county.post("/api/v1/assessments/return/", action, format="json")
    assert no_reason.status_code == 400 and no_reason.json() == {"reason": ["请填写原因。"]}
    assert county.post("/api/v1/assessments/approve/", action, format="json").json()["state"] == "approved"


def test_another_townships_assessment_is_not_found(api, township_secretary, county_user, year, other_cadre):
    scores = {i.pk: 80 for i in year.indicators.all()}
    assessment = assessment_save(user=county_user, year=year, cadre=other_cadre, data={"scores": scores})
    client = auth(api, township_secretary)
    assert client.get(f"/api/v1/assessments/{assessment.pk}/").status_code == 404
    assert client.get("/api/v1/assessments/", {"year": year.pk}).json()["count"] == 0
    assert Assessment.objects.count() == 1


def test_another_townships_assignment_by_id_is_not_found(api, township_secretary, county_user, other_cadre):
    assignment = AssignmentFactory(cadre=other_cadre, created_by=county_user)
    assert auth(api, township_secretary).get(f"/api/v1/assignments/{assignment.pk}/").status_code == 404
