import datetime as dt

import pytest
from rest_framework.test import APIClient

from cadre.models import Cadre, Status
from org.models import Seat, SeatPost
from tests.api import auth
from tests.factories import CadreFactory, VillageFactory, make_id_number
from tests.queries import REQUEST_TRANSACTION

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre(village):
    """Listed in 2025, before the dates these tests seat the reserve on (a term may not
    start before the reserve was listed)."""
    return CadreFactory(village=village, name="李明", entered_on=dt.date(2025, 1, 1))


def _new(village, **overrides):
    return {
        "name": "孙立新",
        "id_number": make_id_number(birth=dt.date(1993, 9, 9), seq=357),
        "education": "bachelor",
        "political_status": "masses",
        "source": "veteran",
        "village": village.pk,
        **overrides,
    }


class TestAuthentication:
    @pytest.mark.parametrize(
        "url",
        ["/api/v1/cadres/", "/api/v1/townships/", "/api/v1/villages/", "/api/v1/schema/", "/api/v1/docs/"],
    )
    def test_anonymous_callers_are_refused(self, api, url):
        response = api.get(url)
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"

    def test_a_wrong_password_gets_no_token(self, api, county_user):
        response = api.post("/api/v1/auth/token/", {"username": "county", "password": "nope"})
        assert response.status_code == 400
        assert "无法使用提供的认证信息登录" in response.json()["non_field_errors"][0]

    def test_schema_and_docs_for_signed_in_users(self, api, county_user):
        auth(api, county_user)
        schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
        assert schema.status_code == 200
        assert "/api/v1/cadres/{id}/status/" in schema.json()["paths"]
        api.force_authenticate(county_user)
        docs = api.get("/api/v1/docs/")
        assert docs.status_code == 200 and b"swagger-ui" in docs.content


class TestScoping:
    def test_township_secretary_gets_404_for_another_townships_cadre(self, api, township_secretary, other_cadre):
        auth(api, township_secretary)
        for method, url in [("get", ""), ("patch", ""), ("put", ""), ("post", "status/")]:
            response = getattr(api, method)(f"/api/v1/cadres/{other_cadre.pk}/{url}", {}, format="json")
            assert response.status_code == 404, (method, url)

    def test_township_secretary_lists_only_own_units(
        self, api, township_secretary, cadre, other_cadre, other_township, other_village
    ):
        auth(api, township_secretary)
        assert [c["name"] for c in api.get("/api/v1/cadres/").json()["results"]] == ["李明"]
        assert [t["name"] for t in api.get("/api/v1/townships/").json()["results"]] == ["白水镇"]
        assert [v["name"] for v in api.get("/api/v1/villages/").json()["results"]] == ["枫树村"]
        assert api.get(f"/api/v1/townships/{other_township.pk}/").status_code == 404
        assert api.get(f"/api/v1/villages/{other_village.pk}/").status_code == 404
        outside = api.get("/api/v1/cadres/", {"township": other_township.pk})
        assert outside.status_code == 400
        assert outside.json() == {"township": ["选择一个有效的选项： 该选择不在可用的选项中。"]}

    def test_township_secretary_cannot_create_in_another_township(self, api, township_secretary, other_village):
        auth(api, township_secretary)
        response = api.post("/api/v1/cadres/", _new(other_village), format="json")
        assert response.status_code == 403
        assert response.json() == {"detail": "只能管理本辖区的村(社区)。"}
        assert not Cadre.objects.exists()

    def test_leaders_read_but_cannot_write(self, api, leader, cadre):
        auth(api, leader)
        assert api.get(f"/api/v1/cadres/{cadre.pk}/").status_code == 200
        response = api.patch(f"/api/v1/cadres/{cadre.pk}/", {"name": "改名"}, format="json")
        assert response.status_code == 403
        assert response.json() == {"detail": "您的角色只能查看，不能修改。"}


class TestCadres:
    def test_create_returns_the_record_with_derived_fields(self, api, county_user, village):
        auth(api, county_user)
        response = api.post("/api/v1/cadres/", _new(village), format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["gender"], body["birth_date"], body["is_young"], body["is_college_educated"]) == (
            "M",
            "1993-09-09",
            body["age"] < 35,
            True,
        )
        assert Cadre.objects.get().history.get().history_user == county_user

    def test_errors_come_back_in_chinese_by_field(self, api, county_user, village):
        auth(api, county_user)
        response = api.post("/api/v1/cadres/", _new(village, id_number="431121199309093571", gender="F"), format="json")
        assert response.status_code == 400
        assert response.json()["id_number"][0].startswith("校验位错误，应为")

    def test_list_masks_numbers_detail_shows_them_to_editors(self, api, county_user, leader, cadre):
        Cadre.objects.filter(pk=cadre.pk).update(phone="13812345678")
        auth(api, county_user)
        listed = api.get("/api/v1/cadres/").json()["results"][0]
        assert listed["id_number"] == cadre.id_number[:4] + "*" * 10 + cadre.id_number[-4:]
        assert listed["phone"] == "138****5678"
        assert api.get(f"/api/v1/cadres/{cadre.pk}/").json()["id_number"] == cadre.id_number
        reader = auth(APIClient(), leader)
        assert reader.get(f"/api/v1/cadres/{cadre.pk}/").json()["phone"] == "138****5678"

    def test_status_change(self, api, county_user, cadre, village):
        auth(api, county_user)
        seat = Seat.objects.get(village=village, post=SeatPost.DEPUTY_SECRETARY)
        response = api.post(
            f"/api/v1/cadres/{cadre.pk}/status/",
            {"to": "seated", "on": "2026-06-01", "seat": seat.pk},
            format="json",
        )
        assert response.status_code == 200
        assert response.json()["status"] == Status.SEATED
        again = api.post(f"/api/v1/cadres/{cadre.pk}/status/", {"to": "reserve", "on": "2026-06-02"}, format="json")
        assert again.status_code == 400
        assert again.json() == {"non_field_errors": ["不能从“已进入两委”变更为“储备中”。"]}

    def test_filtering_and_ordering(self, api, county_user, village):
        CadreFactory(
            village=village,
            name="甲",
            education="junior",
            id_number=make_id_number(birth=dt.date(1980, 1, 1), seq=1),
        )
        CadreFactory(
            village=village,
            name="乙",
            education="bachelor",
            id_number=make_id_number(birth=dt.date(2001, 1, 1), seq=3),
        )
        auth(api, county_user)
        names = lambda **p: [c["name"] for c in api.get("/api/v1/cadres/", p).json()["results"]]  # noqa: E731
        assert names(education="bachelor") == ["乙"]
        assert names(age_band="under35") == ["乙"]
        assert names(ordering="birth_date") == ["甲", "乙"]
        assert names(q="甲") == ["甲"]


class TestQueryCounts:
    @pytest.mark.parametrize("rows", [10, 200])
    def test_cadre_list(self, api, county_user, township, django_assert_num_queries, rows):
        villages = [VillageFactory(township=township) for _ in range(4)]
        for i in range(rows):
            CadreFactory(village=villages[i % 4])
        api.force_authenticate(county_user)
        # count and page of rows (the user is already loaded by force_authenticate)
        with django_assert_num_queries(2 + REQUEST_TRANSACTION):
            response = api.get("/api/v1/cadres/", {"page_size": 50})
        assert response.json()["count"] == rows

    @pytest.mark.parametrize("rows", [3, 30])
    def test_village_list(self, api, county_user, township, django_assert_num_queries, rows):
        for _ in range(rows):
            VillageFactory(township=township)
        api.force_authenticate(county_user)
        with django_assert_num_queries(2 + REQUEST_TRANSACTION):
            api.get("/api/v1/villages/")
