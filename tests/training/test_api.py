"""The training API: scoped like the pages, every write through the services."""

import pytest

from tests.api import auth
from tests.factories import AttendanceFactory, TrainingSessionFactory
from training.models import Attendance, TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(county, county_user):
    return TrainingSessionFactory(county=county, created_by=county_user, title="五月县级月度培训", has_exam=True)


def test_sessions_are_created_listed_filtered_and_updated(api, county_user, township, county):
    client = auth(api, county_user)
    data = {"title": "头雁工程第2期", "level": "county", "kind": "lead_goose", "date": "2026-06-12", "hours": "6",
            "target_townships": [township.pk], "target_tiers": ["village"], "has_exam": True}  # fmt: skip
    created = client.post("/api/v1/trainings/", data, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["target_townships"] == [township.pk] and body["marked"] == 0 and body["county"] == county.pk
    TrainingSessionFactory(county=county, created_by=county_user, date="2026-05-08", kind="rotation")
    assert [s["title"] for s in client.get("/api/v1/trainings/", {"month": "2026-06"}).json()["results"]] == [
        "头雁工程第2期"
    ]
    assert client.get("/api/v1/trainings/", {"kind": "rotation", "level": "county"}).json()["count"] == 1
    changed = client.patch(f"/api/v1/trainings/{body['id']}/", {"hours": "4.5"}, format="json")
    assert changed.status_code == 200 and changed.json()["hours"] == "4.5"
    township_level = client.post("/api/v1/trainings/", {**data, "level": "township"}, format="json")
    assert township_level.status_code == 400 and township_level.json() == {"organizer": ["乡镇级培训须填写举办乡镇。"]}


def test_a_township_creates_only_its_own_sessions_and_sees_those_meant_for_it(
    api, township_secretary, county_user, county, township, other_township
):
    TrainingSessionFactory(county=county, created_by=county_user, title="龙山乡专场", target_townships=[other_township])
    client = auth(api, township_secretary)
    data = {"title": "白水镇轮训", "level": "township", "kind": "rotation", "date": "2026-06-12", "hours": "2"}
    refused = client.post("/api/v1/trainings/", {**data, "organizer": other_township.pk}, format="json")
    assert refused.status_code == 400 and "organizer" in refused.json()
    created = client.post("/api/v1/trainings/", {**data, "organizer": township.pk}, format="json")
    assert created.status_code == 201 and created.json()["target_townships"] == [township.pk]
    assert [s["title"] for s in client.get("/api/v1/trainings/").json()["results"]] == ["白水镇轮训"]
    hidden = TrainingSession.objects.get(title="龙山乡专场")
    assert client.get(f"/api/v1/trainings/{hidden.pk}/").status_code == 404
    assert client.patch(f"/api/v1/trainings/{hidden.pk}/", {"hours": "1"}, format="json").status_code == 404


def test_a_township_cannot_record_another_townships_reserve(api, township_secretary, session, cadre, other_cadre):
    client = auth(api, township_secretary)
    other = client.post("/api/v1/attendance/", {"session": session.pk, "cadre": other_cadre.pk, "status": "present"},
                        format="json")  # fmt: skip
    assert other.status_code == 400 and "cadre" in other.json()
    bulk = {"session": session.pk, "rows": [{"cadre": cadre.pk, "status": "present"},
                                            {"cadre": other_cadre.pk, "status": "present"}]}  # fmt: skip
    assert client.post("/api/v1/attendance/", bulk, format="json").status_code == 400
    assert not Attendance.objects.exists()
    own = client.post("/api/v1/attendance/", {"session": session.pk, "cadre": cadre.pk, "status": "present",
                                              "exam_score": "95"}, format="json")  # fmt: skip
    assert own.status_code == 201 and own.json()["exam_score"] == "95.0"


def test_bulk_create_patch_and_scoped_list(api, county_user, township_secretary, session, cadre, other_cadre):
    client = auth(api, county_user)
    bulk = {"session": session.pk, "rows": [{"cadre": cadre.pk, "status": "present", "exam_score": "80"},
                                            {"cadre": other_cadre.pk, "status": "leave", "note": "生病"}]}  # fmt: skip
    created = client.post("/api/v1/attendance/", bulk, format="json")
    assert created.status_code == 201 and {r["status"] for r in created.json()} == {"present", "leave"}
    bad = client.post("/api/v1/attendance/", {"session": session.pk, "cadre": cadre.pk, "status": "absent",
                                              "exam_score": "70"}, format="json")  # fmt: skip
    assert bad.status_code == 400 and bad.json() == {
        "non_field_errors": ["李明：缺勤人员不能填写考试成绩，只有出勤人员才有成绩。"]
    }
    mine = Attendance.objects.get(cadre=cadre)
    patched = client.patch(f"/api/v1/attendance/{mine.pk}/", {"status": "absent"}, format="json")
    assert patched.status_code == 200 and patched.json()["status"] == "absent" and patched.json()["exam_score"] is None
    assert client.get("/api/v1/attendance/", {"status": "leave"}).json()["count"] == 1
    assert client.get("/api/v1/attendance/", {"session": session.pk}).json()["count"] == 2
    township = auth(api, township_secretary)
    listed = township.get("/api/v1/attendance/").json()
    assert [r["cadre_name"] for r in listed["results"]] == ["李明"]
    theirs = Attendance.objects.get(cadre=other_cadre)
    assert township.get(f"/api/v1/attendance/{theirs.pk}/").status_code == 404
    assert township.patch(f"/api/v1/attendance/{theirs.pk}/", {"status": "present"}, format="json").status_code == 404


def test_leaders_only_read(api, leader, session, cadre):
    AttendanceFactory(session=session, cadre=cadre)
    client = auth(api, leader)
    assert client.get("/api/v1/attendance/").json()["count"] == 1
    response = client.post("/api/v1/attendance/", {"session": session.pk, "cadre": cadre.pk, "status": "absent"},
                           format="json")  # fmt: skip
    assert response.status_code == 403


@pytest.mark.parametrize("rows", [3, 20])
def test_lists_do_not_grow_with_rows(api, county_user, county, village, rows, django_assert_num_queries):
    from tests.factories import CadreFactory, make_id_number
    from tests.queries import REQUEST_TRANSACTION

    session = TrainingSessionFactory(county=county, created_by=county_user)
    for i in range(rows):
        TrainingSessionFactory(county=county, created_by=county_user)
        AttendanceFactory(session=session, cadre=CadreFactory(village=village, id_number=make_id_number(seq=600 + i)))
    client = auth(api, county_user)
    # token user, count, page, target townships
    with django_assert_num_queries(4 + REQUEST_TRANSACTION):
        assert client.get("/api/v1/trainings/").status_code == 200
    # token user, count, page
    with django_assert_num_queries(3 + REQUEST_TRANSACTION):
        assert client.get("/api/v1/attendance/").status_code == 200
