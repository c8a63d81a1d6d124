import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from mentorship.models import CountyPolicy, EnteredBy, Mentor, MentoringLog, Pairing
from tests.api import auth
from tests.factories import (
    CadreFactory,
    MentorFactory,
    MentoringLogFactory,
    PairingFactory,
    VillageFactory,
)
from tests.queries import REQUEST_TRANSACTION

pytestmark = pytest.mark.django_db

READ_ONLY = {"detail": "您的角色只能查看，不能修改。"}


@pytest.fixture
def mentor(township):
    return MentorFactory(township=township, name="赵国强", phone="13912345678", specialties="农业、电商")


@pytest.fixture
def other_mentor(other_township):
    return MentorFactory(township=other_township, name="钱正", phone="13700001111")


@pytest.fixture
def pairing(cadre, mentor):
    return PairingFactory(cadre=cadre, mentor=mentor, started_on=dt.date(2025, 3, 1))


@pytest.fixture
def other_pairing(other_cadre, other_mentor):
    return PairingFactory(cadre=other_cadre, mentor=other_mentor)


@pytest.fixture
def log(pairing):
    return MentoringLogFactory(pairing=pairing, date=dt.date(2025, 4, 1))


@pytest.fixture
def other_log(other_pairing):
    return MentoringLogFactory(pairing=other_pairing)


def _mentor(township, **overrides):
    return {
        "township": township.pk,
        "name": "孙建华",
        "kind": "village_secretary",
        "unit": "枫树村党支部",
        "post": "书记",
        "phone": "13800001234",
        "specialties": "基层治理、产业发展",
        "max_mentees": 2,
        **overrides,
    }


def _pairing(cadre, mentor, **overrides):
    return {"cadre": cadre.pk, "mentor": mentor.pk, "started_on": "2025-05-01", "goals": "熟悉村务", **overrides}


def _log(pairing, **overrides):
    return {
        "pairing": pairing.pk,
        "date": "2025-06-01",
        "form": "talk",
        "place": "村委会",
        "content": "谈心谈话，交流换届准备。",
        "hours": "1.5",
        **overrides,
    }


class TestAuthenticationAndSchema:
    @pytest.mark.parametrize("url", ["/api/v1/mentors/", "/api/v1/pairings/", "/api/v1/mentoring-logs/"])
    def test_anonymous_callers_are_refused(self, api, url):
        assert api.get(url).status_code in (401, 403)

    def test_schema_has_the_mentorship_paths(self, api, county_user):
        auth(api, county_user)
        paths = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
        for path in [
            "/api/v1/mentors/",
            "/api/v1/mentors/{id}/",
            "/api/v1/pairings/",
            "/api/v1/pairings/{id}/",
            "/api/v1/pairings/{id}/end/",
            "/api/v1/mentoring-logs/",
            "/api/v1/mentoring-logs/{id}/",
        ]:
            assert path in paths, path
        assert set(paths["/api/v1/mentors/{id}/"]) == {"get", "put", "patch"}
        assert set(paths["/api/v1/pairings/{id}/"]) == {"get"}
        assert set(paths["/api/v1/mentoring-logs/{id}/"]) == {"get"}
        end_body = paths["/api/v1/pairings/{id}/end/"]["post"]["requestBody"]["content"]["application/json"]
        assert end_body["schema"]["$ref"] == "#/components/schemas/PairingEnd"
        assert "multipart/form-data" in paths["/api/v1/mentoring-logs/"]["post"]["requestBody"]["content"]


class TestMentors:
    def test_create(self, api, township_secretary, township):
        auth(api, township_secretary)
        response = api.post("/api/v1/mentors/", _mentor(township), format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        mentor = Mentor.objects.get()
        assert (mentor.name, mentor.township, mentor.max_mentees) == ("孙建华", township, 2)
        assert mentor.history.get().history_user == township_secretary
        assert body["id"] == mentor.pk
        assert (body["township_name"], body["kind_display"], body["phone"]) == ("白水镇", "村党组织书记", "13800001234")
        # Capacity is the mentor's own limit capped by the county's (default 1: one-to-one).
        assert (body["active_count"], body["max_mentees"], body["capacity"]) == (0, 2, 1)

    def test_update_and_partial_update(self, api, county_user, mentor, other_township):
        auth(api, county_user)
        patched = api.patch(f"/api/v1/mentors/{mentor.pk}/", {"is_active": False}, format="json")
        assert patched.status_code == 200, patched.json()
        assert patched.json()["is_active"] is False
        put = api.put(
            f"/api/v1/mentors/{mentor.pk}/", _mentor(other_township, name="赵国强", is_active=True), format="json"
        )
        assert put.status_code == 200, put.json()
        mentor.refresh_from_db()
        assert (mentor.township, mentor.kind, mentor.is_active) == (other_township, "village_secretary", True)
        assert mentor.history.first().history_user == county_user

    def test_put_requires_every_field(self, api, county_user, mentor):
        auth(api, county_user)
        response = api.put(f"/api/v1/mentors/{mentor.pk}/", {"name": "赵国强"}, format="json")
        assert response.status_code == 400
        assert response.json()["kind"] == ["该字段是必填项。"]

    def test_errors_come_back_in_chinese(self, api, county_user, township, mentor):
        auth(api, county_user)
        too_many = api.post("/api/v1/mentors/", _mentor(township, max_mentees=30), format="json")
        assert too_many.status_code == 400
        assert too_many.json() == {"max_mentees": ["请确保该值小于或者等于 20。"]}
        duplicate = api.post("/api/v1/mentors/", _mentor(township, name=mentor.name, phone=mentor.phone), format="json")
        assert duplicate.status_code == 400
        assert "已经存在" in duplicate.json()["non_field_errors"][0]
        assert Mentor.objects.count() == 1

    def test_phone_masked_in_lists_and_for_readers(self, api, county_user, leader, mentor):
        auth(api, county_user)
        assert api.get("/api/v1/mentors/").json()["results"][0]["phone"] == "139****5678"
        assert api.get(f"/api/v1/mentors/{mentor.pk}/").json()["phone"] == "13912345678"
        reader = auth(APIClient(), leader)
        assert reader.get(f"/api/v1/mentors/{mentor.pk}/").json()["phone"] == "139****5678"

    def test_active_count_and_capacity_follow_pairings_and_policy(self, api, county_user, county, village, mentor):
        CountyPolicy.objects.create(county=county, mentee_limit=3)
        Mentor.objects.filter(pk=mentor.pk).update(max_mentees=5)
        PairingFactory(cadre=CadreFactory(village=village), mentor=mentor)
        PairingFactory(
            cadre=CadreFactory(village=village),
            mentor=mentor,
            ended_on=dt.date(2025, 6, 1),
            end_reason="外出务工",
        )
        auth(api, county_user)
        body = api.get(f"/api/v1/mentors/{mentor.pk}/").json()
        assert (body["active_count"], body["capacity"]) == (1, 3)

    def test_filtering_and_ordering(self, api, county_user, township, other_township, village):
        MentorFactory(township=township, name="甲", kind="retired_cadre", specialties="茶叶种植")
        MentorFactory(township=township, name="乙", kind="county_leader", unit="县农业农村局", is_active=False)
        busy = MentorFactory(township=other_township, name="丙", kind="county_leader", max_mentees=2)
        PairingFactory(cadre=CadreFactory(village=VillageFactory(township=other_township)), mentor=busy)
        auth(api, county_user)
        names = lambda **p: [m["name"] for m in api.get("/api/v1/mentors/", p).json()["results"]]  # noqa: E731
        assert names(township=other_township.pk) == ["丙"]
        assert names(kind="county_leader", ordering="name") == ["丙", "乙"]
        assert names(is_active="false") == ["乙"]
        assert names(q="茶叶") == ["甲"]
        assert names(q="农业农村") == ["乙"]
        assert names(ordering="-active_count")[0] == "丙"
        bad = api.get("/api/v1/mentors/", {"kind": "nobody"})
        assert bad.status_code == 400 and "kind" in bad.json()


class TestPairings:
    def test_create(self, api, township_secretary, cadre, mentor):
        auth(api, township_secretary)
        response = api.post("/api/v1/pairings/", _pairing(cadre, mentor, planned_end_on="2026-04-30"), format="json")
        assert response.status_code == 201, response.json()
        pairing = Pairing.objects.get()
        assert (pairing.cadre, pairing.mentor, pairing.created_by) == (cadre, mentor, township_secretary)
        assert pairing.history.get().history_user == township_secretary
        body = response.json()
        assert {k: body[k] for k in ("cadre", "cadre_name", "mentor", "mentor_name", "township_name")} == {
            "cadre": cadre.pk,
            "cadre_name": "李明",
            "mentor": mentor.pk,
            "mentor_name": "赵国强",
            "township_name": "白水镇",
        }
        assert (body["started_on"], body["planned_end_on"], body["goals"]) == ("2025-05-01", "2026-04-30", "熟悉村务")
        assert (body["ended_on"], body["end_reason"], body["is_active"]) == (None, "", True)

    def test_second_active_pairing_for_the_same_cadre(self, api, county_user, pairing, township):
        auth(api, county_user)
        another = MentorFactory(township=township)
        response = api.post("/api/v1/pairings/", _pairing(pairing.cadre, another), format="json")
        assert response.status_code == 400
        assert response.json() == {"cadre": ["李明已有在帮导师，请先结束原结对再重新结对。"]}
        assert Pairing.objects.count() == 1

    def test_mentor_over_the_limit(self, api, county_user, pairing, village):
        auth(api, county_user)
        response = api.post("/api/v1/pairings/", _pairing(CadreFactory(village=village), pairing.mentor), format="json")
        assert response.status_code == 400
        assert response.json() == {"mentor": ["导师赵国强已带满1名后备干部，不能再结对。"]}
        assert Pairing.objects.count() == 1

    def test_input_errors(self, api, county_user, cadre, mentor):
        auth(api, county_user)
        response = api.post("/api/v1/pairings/", {"cadre": cadre.pk, "mentor": 999999}, format="json")
        assert response.status_code == 400
        assert response.json() == {"mentor": ["无效主键 “999999” － 对象不存在。"], "started_on": ["该字段是必填项。"]}
        before = api.post("/api/v1/pairings/", _pairing(cadre, mentor, planned_end_on="2025-01-01"), format="json")
        assert before.status_code == 400
        assert not Pairing.objects.exists()

    def test_end(self, api, county_user, pairing):
        auth(api, county_user)
        url = f"/api/v1/pairings/{pairing.pk}/end/"
        no_reason = api.post(url, {"ended_on": "2025-12-31"}, format="json")
        assert no_reason.status_code == 400
        assert no_reason.json() == {"end_reason": ["请填写结束原因。"]}
        response = api.post(url, {"ended_on": "2025-12-31", "end_reason": "进入村两委"}, format="json")
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["ended_on"], body["end_reason"], body["is_active"]) == ("2025-12-31", "进入村两委", False)
        pairing.refresh_from_db()
        assert (pairing.ended_on, pairing.end_reason) == (dt.date(2025, 12, 31), "进入村两委")
        assert pairing.history.first().history_user == county_user
        again = api.post(url, {"ended_on": "2026-01-31", "end_reason": "重复"}, format="json")
        assert again.status_code == 400
        assert again.json() == {"non_field_errors": ["该结对已经结束。"]}

    def test_end_before_start(self, api, county_user, pairing):
        auth(api, county_user)
        response = api.post(
            f"/api/v1/pairings/{pairing.pk}/end/", {"ended_on": "2024-01-01", "end_reason": "调整"}, format="json"
        )
        assert response.status_code == 400
        assert response.json() == {"ended_on": ["结束时间不能早于结对时间。"]}

    def test_after_ending_the_cadre_can_be_paired_again(self, api, county_user, pairing, township):
        auth(api, county_user)
        api.post(f"/api/v1/pairings/{pairing.pk}/end/", {"ended_on": "2025-04-30", "end_reason": "导师调动"})
        response = api.post("/api/v1/pairings/", _pairing(pairing.cadre, MentorFactory(township=township)))
        assert response.status_code == 201, response.json()
        assert Pairing.objects.filter(cadre=pairing.cadre, ended_on__isnull=True).count() == 1

    def test_filtering(self, api, county_user, pairing, other_pairing, village):
        ended = PairingFactory(
            cadre=CadreFactory(village=village, name="周末"), ended_on=dt.date(2025, 9, 1), end_reason="退出"
        )
        auth(api, county_user)
        ids = lambda **p: {x["id"] for x in api.get("/api/v1/pairings/", p).json()["results"]}  # noqa: E731
        assert ids() == {pairing.pk, other_pairing.pk, ended.pk}
        assert ids(active="true") == {pairing.pk, other_pairing.pk}
        assert ids(active="false") == {ended.pk}
        assert ids(township=other_pairing.cadre.village.township_id) == {other_pairing.pk}
        assert ids(mentor=pairing.mentor_id) == {pairing.pk}
        assert ids(cadre=ended.cadre_id) == {ended.pk}
        names = [x["cadre_name"] for x in api.get("/api/v1/pairings/", {"ordering": "cadre"}).json()["results"]]
        assert names == ["李明", "王芳", "周末"]  # by pinyin (li < wang < zhou), not by code point


class TestMentoringLogs:
    def test_create(self, api, township_secretary, pairing):
        auth(api, township_secretary)
        response = api.post("/api/v1/mentoring-logs/", _log(pairing), format="json")
        assert response.status_code == 201, response.json()
        log = MentoringLog.objects.get()
        assert (log.pairing, log.date, log.hours, log.created_by) == (
            pairing,
            dt.date(2025, 6, 1),
            Decimal("1.5"),
            township_secretary,
        )
        # Not given: the township enters it.
        assert log.entered_by == EnteredBy.TOWNSHIP
        assert log.history.get().history_user == township_secretary
        body = response.json()
        assert {k: body[k] for k in ("pairing", "cadre_name", "mentor_name", "township_name")} == {
            "pairing": pairing.pk,
            "cadre_name": "李明",
            "mentor_name": "赵国强",
            "township_name": "白水镇",
        }
        assert (body["form_display"], body["hours"], body["entered_by_display"], body["attachment"]) == (
            "谈心谈话",
            "1.5",
            "乡镇党委",
            None,
        )

    def test_create_with_an_attachment(self, api, county_user, pairing):
        auth(api, county_user)
        upload = SimpleUploadedFile("记录.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        response = api.post(
            "/api/v1/mentoring-logs/", _log(pairing, attachment=upload, entered_by="mentor"), format="multipart"
        )
        assert response.status_code == 201, response.json()
        log = MentoringLog.objects.get()
        assert log.attachment.name == f"mentoring_logs/{pairing.pk}/20250601-talk.pdf"
        assert log.attachment.read() == b"%PDF-1.4 test"
        assert log.entered_by == EnteredBy.MENTOR
        url = response.json()["attachment"]
        assert url == f"http://testserver/api/v1/mentoring-logs/{log.pk}/attachment/"
        assert b"".join(api.get(url).streaming_content) == b"%PDF-1.4 test"

    def test_domain_errors(self, api, county_user, pairing):
        auth(api, county_user)
        early = api.post("/api/v1/mentoring-logs/", _log(pairing, date="2025-01-01"), format="json")
        assert early.status_code == 400
        assert early.json() == {"date": ["帮带日期不能早于结对时间。"]}
        upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
        exe = api.post("/api/v1/mentoring-logs/", _log(pairing, attachment=upload), format="multipart")
        assert exe.status_code == 400
        assert exe.json()["attachment"][0].startswith("附件类型不支持（.exe）")
        hours = api.post("/api/v1/mentoring-logs/", _log(pairing, hours="0.2"), format="json")
        assert hours.status_code == 400
        assert hours.json() == {"hours": ["请确保该值大于或者等于 0.5。"]}
        assert not MentoringLog.objects.exists()

    def test_filtering(self, api, county_user, pairing, log, other_log):
        feedback = MentoringLogFactory(pairing=pairing, date=dt.date(2025, 8, 1), form="feedback")
        auth(api, county_user)
        ids = lambda **p: {x["id"] for x in api.get("/api/v1/mentoring-logs/", p).json()["results"]}  # noqa: E731
        assert ids() == {log.pk, other_log.pk, feedback.pk}
        assert ids(pairing=pairing.pk) == {log.pk, feedback.pk}
        assert ids(form="feedback") == {feedback.pk}
        assert ids(date_after="2025-05-01", date_before="2025-08-31", pairing=pairing.pk) == {feedback.pk}
        assert ids(date_before="2025-04-01", pairing=pairing.pk) == {log.pk}
        assert ids(township=other_log.pairing.cadre.village.township_id) == {other_log.pk}
        dates = [x["date"] for x in api.get("/api/v1/mentoring-logs/", {"pairing": pairing.pk}).json()["results"]]
        assert dates == ["2025-08-01", "2025-04-01"]


class TestScoping:
    def test_township_secretary_gets_404_outside_the_township(
        self, api, township_secretary, other_mentor, other_pairing, other_log
    ):
        auth(api, township_secretary)
        for method, url in [
            ("get", f"/api/v1/mentors/{other_mentor.pk}/"),
            ("patch", f"/api/v1/mentors/{other_mentor.pk}/"),
            ("put", f"/api/v1/mentors/{other_mentor.pk}/"),
            ("get", f"/api/v1/pairings/{other_pairing.pk}/"),
            ("post", f"/api/v1/pairings/{other_pairing.pk}/end/"),
            ("get", f"/api/v1/mentoring-logs/{other_log.pk}/"),
        ]:
            response = getattr(api, method)(url, {"ended_on": "2025-12-31", "end_reason": "x"}, format="json")
            assert response.status_code == 404, (method, url)
        other_pairing.refresh_from_db()
        assert other_pairing.is_active

    def test_township_secretary_lists_only_own(
        self, api, township_secretary, log, other_log, other_township, other_mentor
    ):
        auth(api, township_secretary)
        assert [m["name"] for m in api.get("/api/v1/mentors/").json()["results"]] == ["赵国强"]
        assert [p["cadre_name"] for p in api.get("/api/v1/pairings/").json()["results"]] == ["李明"]
        assert [x["id"] for x in api.get("/api/v1/mentoring-logs/").json()["results"]] == [log.pk]
        for url in ["/api/v1/mentors/", "/api/v1/pairings/", "/api/v1/mentoring-logs/"]:
            outside = api.get(url, {"township": other_township.pk})
            assert outside.status_code == 400, url
            assert outside.json() == {"township": ["选择一个有效的选项： 该选择不在可用的选项中。"]}
        assert api.get("/api/v1/pairings/", {"mentor": other_mentor.pk}).status_code == 400

    def test_township_secretary_cannot_pair_another_townships_cadre(
        self, api, township_secretary, cadre, mentor, other_cadre, other_mentor
    ):
        auth(api, township_secretary)
        response = api.post("/api/v1/pairings/", _pairing(other_cadre, mentor), format="json")
        assert response.status_code == 400
        assert response.json() == {"cadre": [f"无效主键 “{other_cadre.pk}” － 对象不存在。"]}
        response = api.post("/api/v1/pairings/", _pairing(cadre, other_mentor), format="json")
        assert response.status_code == 400
        assert list(response.json()) == ["mentor"]
        assert not Pairing.objects.exists()

    def test_township_secretary_cannot_log_or_add_mentors_elsewhere(
        self, api, township_secretary, other_pairing, other_township
    ):
        auth(api, township_secretary)
        log = api.post("/api/v1/mentoring-logs/", _log(other_pairing), format="json")
        assert log.status_code == 400
        assert list(log.json()) == ["pairing"]
        mentor = api.post("/api/v1/mentors/", _mentor(other_township), format="json")
        assert mentor.status_code == 403
        assert mentor.json() == {"detail": "只能管理本辖区的导师和结对。"}
        assert not MentoringLog.objects.exists()
        assert not Mentor.objects.filter(township=other_township).exclude(pk=other_pairing.mentor_id).exists()

    def test_leaders_read_but_get_403_on_every_write(self, api, leader, township, cadre, mentor, pairing, log):
        auth(api, leader)
        for url in ["/api/v1/mentors/", "/api/v1/pairings/", "/api/v1/mentoring-logs/"]:
            assert api.get(url).json()["count"] == 1, url
        other_cadre = CadreFactory(village=cadre.village)
        writes = [
            ("post", "/api/v1/mentors/", _mentor(township)),
            ("patch", f"/api/v1/mentors/{mentor.pk}/", {"name": "改名"}),
            ("put", f"/api/v1/mentors/{mentor.pk}/", _mentor(township)),
            ("post", "/api/v1/pairings/", _pairing(other_cadre, MentorFactory(township=township))),
            ("post", f"/api/v1/pairings/{pairing.pk}/end/", {"ended_on": "2025-12-31", "end_reason": "x"}),
            ("post", "/api/v1/mentoring-logs/", _log(pairing)),
        ]
        for method, url, data in writes:
            response = getattr(api, method)(url, data, format="json")
            assert response.status_code == 403, (method, url)
            assert response.json() == READ_ONLY
        mentor.refresh_from_db()
        pairing.refresh_from_db()
        assert (mentor.name, pairing.is_active) == ("赵国强", True)
        assert (Pairing.objects.count(), MentoringLog.objects.count()) == (1, 1)


class TestQueryCounts:
    @pytest.mark.parametrize("rows", [3, 30])
    def test_mentor_list(self, api, county_user, township, django_assert_num_queries, rows):
        village = VillageFactory(township=township)
        for _ in range(rows):
            PairingFactory(cadre=CadreFactory(village=village), mentor=MentorFactory(township=township))
        api.force_authenticate(county_user)
        # count, page of rows, county limits (the user is already loaded by force_authenticate)
        with django_assert_num_queries(3 + REQUEST_TRANSACTION):
            response = api.get("/api/v1/mentors/", {"ordering": "-active_count"})
        assert response.json()["count"] == rows

    @pytest.mark.parametrize("rows", [3, 30])
    def test_pairing_list(self, api, county_user, township, django_assert_num_queries, rows):
        village = VillageFactory(township=township)
        for _ in range(rows):
            PairingFactory(cadre=CadreFactory(village=village), mentor=MentorFactory(township=township))
        api.force_authenticate(county_user)
        with django_assert_num_queries(2 + REQUEST_TRANSACTION):
            response = api.get("/api/v1/pairings/", {"active": "true"})
        assert response.json()["count"] == rows

    @pytest.mark.parametrize("rows", [3, 30])
    def test_mentoring_log_list(self, api, county_user, township, django_assert_num_queries, rows):
        pairings = [PairingFactory(cadre=CadreFactory(village=VillageFactory(township=township))) for _ in range(3)]
        for i in range(rows):
            MentoringLogFactory(pairing=pairings[i % 3])
        api.force_authenticate(county_user)
        with django_assert_num_queries(2 + REQUEST_TRANSACTION):
            response = api.get("/api/v1/mentoring-logs/", {"date_after": "2025-01-01"})
        assert response.json()["count"] == rows
