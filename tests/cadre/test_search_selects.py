"""Searchable selects on the cadre form (村) and the assignment form (后备干部): the page
renders only the chosen option, the server validates the choice within the user's scope,
and the search endpoints in the cadre app are scoped and bounded."""

import pytest
from django.urls import reverse

from assessment.models import Assignment
from cadre.models import Status
from tests.factories import CadreFactory, VillageFactory, builtin_kind, make_id_number
from tests.queries import REQUEST_TRANSACTION

pytestmark = pytest.mark.django_db


def select_of(page: str, name: str) -> str:
    return page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]


class TestCadreFormVillage:
    def test_the_new_form_renders_no_village_and_searches_the_server(self, login, county_user, township):
        for i in range(30):
            VillageFactory(township=township, name=f"多村{i}")
        page = login(county_user).get(reverse("cadre:create")).content.decode()
        assert select_of(page, "village").count("<option") == 1 and "多村" not in page
        assert 'data-search-url="/cadres/search/villages/"' in page

    def test_the_edit_form_renders_only_the_chosen_village(self, login, county_user, township, cadre):
        for i in range(30):
            VillageFactory(township=township, name=f"多村{i}")
        page = login(county_user).get(reverse("cadre:update", args=[cadre.pk])).content.decode()
        select = select_of(page, "village")
        assert select.count("<option") == 2 and f"{township.name} {cadre.village.name}" in select
        assert "多村" not in select

    def test_moving_a_reserve_to_another_townships_village_is_refused(
        self, login, township_secretary, cadre, other_village
    ):
        client = login(township_secretary)
        form = client.get(reverse("cadre:update", args=[cadre.pk])).context["form"]
        data = {k: v for k, v in form.initial.items() if v is not None and k != "photo"}
        response = client.post(reverse("cadre:update", args=[cadre.pk]), {**data, "village": other_village.pk})
        assert response.context["form"].errors["village"] == ["请选择本辖区内的村(社区)。"]
        cadre.refresh_from_db()
        assert cadre.village_id != other_village.pk

    @pytest.mark.parametrize("villages", [2, 40])
    def test_the_form_pages_cost_the_same_however_many_villages(
        self, login, county_user, township, cadre, villages, django_assert_num_queries
    ):
        for i in range(villages):
            VillageFactory(township=township, name=f"多村{i}")
        client = login(county_user)
        # session, user
        with django_assert_num_queries(2 + REQUEST_TRANSACTION):
            assert client.get(reverse("cadre:create")).status_code == 200
        # session, user, the cadre, the chosen village
        with django_assert_num_queries(4 + REQUEST_TRANSACTION):
            assert client.get(reverse("cadre:update", args=[cadre.pk])).status_code == 200


class TestAssignmentFormCadre:
    @pytest.mark.parametrize("reserves", [2, 40])
    def test_the_form_page_costs_the_same_however_many_reserves(
        self, login, county_user, village, cadre, reserves, django_assert_num_queries
    ):
        for i in range(reserves):
            CadreFactory(village=village, name=f"许{i}")
        client = login(county_user)
        # session, user, the kinds of post, the chosen reserve
        with django_assert_num_queries(4 + REQUEST_TRANSACTION):
            response = client.get(reverse("assessment:assignment-create"), {"cadre": cadre.pk})
        assert response.status_code == 200

    def test_the_form_renders_at_most_the_chosen_reserve(self, login, county_user, village, cadre):
        for i in range(30):
            CadreFactory(village=village, name=f"许{i}")
        client = login(county_user)
        page = client.get(reverse("assessment:assignment-create")).content.decode()
        assert select_of(page, "cadre").count("<option") == 1 and "许1" not in page
        assert 'data-search-url="/cadres/search/?pool=1"' in page
        page = client.get(reverse("assessment:assignment-create"), {"cadre": cadre.pk}).content.decode()
        select = select_of(page, "cadre")
        assert select.count("<option") == 2 and "李明" in select and "许1" not in select

    def test_another_townships_reserve_is_refused_in_chinese(self, login, township_secretary, other_cadre):
        response = login(township_secretary).post(
            reverse("assessment:assignment-create"),
            {"cadre": other_cadre.pk, "kind": builtin_kind().pk, "host_unit": "网格", "started_on": "2026-06-01"},
        )
        assert response.context["form"].errors["cadre"] == ["请选择本辖区内在册的后备干部（储备中或重点培养）。"]
        assert not Assignment.objects.exists()


class TestSearchEndpoints:
    def search(self, client, name, **params):
        response = client.get(reverse(name), params)
        assert response.status_code == 200
        return [row["text"] for row in response.json()["results"]]

    def test_a_township_secretary_finds_only_their_townships_rows(
        self, login, township_secretary, township, other_township
    ):
        CadreFactory(village=VillageFactory(township=township, name="本村"), name="孙本")
        CadreFactory(village=VillageFactory(township=other_township, name="外村"), name="孙外")
        client = login(township_secretary)
        assert self.search(client, "cadre:search-cadres", q="孙") == [f"{township.name} 本村 孙本"]
        assert self.search(client, "cadre:search-villages", q="村") == [f"{township.name} 本村"]
        assert self.search(client, "cadre:search-villages", q=other_township.name) == []

    def test_pool_only_when_asked(self, login, county_user, village):
        CadreFactory(village=village, name="周甲")
        CadreFactory(village=village, name="周乙", status=Status.LEFT, left_on="2026-01-01", left_reason="外出")
        client = login(county_user)
        assert len(self.search(client, "cadre:search-cadres", q="周")) == 2
        assert [t.split()[-1] for t in self.search(client, "cadre:search-cadres", q="周", pool="1")] == ["周甲"]

    @pytest.mark.parametrize("name", ["cadre:search-cadres", "cadre:search-villages"])
    def test_at_most_twenty_rows_in_one_query(self, login, county_user, township, name, django_assert_num_queries):
        for i in range(25):
            CadreFactory(village=VillageFactory(township=township, name=f"大村{i:02d}"), name=f"陈{i:02d}")
        client = login(county_user)
        # session, user, the matches
        with django_assert_num_queries(3 + REQUEST_TRANSACTION):
            response = client.get(reverse(name), {"q": "陈" if name.endswith("cadres") else "大村"})
        assert len(response.json()["results"]) == 20


def test_the_roster_filter_renders_only_the_chosen_village(login, county_user, township, village):
    """The roster's village filter searches on the server: with 40 villages in the county
    the page holds the chosen one only (and 全部村), and still filters by it."""
    villages = [VillageFactory(township=township, name=f"第{i}村") for i in range(40)]
    CadreFactory(village=villages[3], name="赵强", id_number=make_id_number(seq=303))
    client = login(county_user)
    page = client.get(reverse("cadre:list")).content.decode()
    assert 'data-search-url="/cadres/search/villages/"' in page and "第39村" not in page
    page = client.get(reverse("cadre:list"), {"village": villages[3].pk}).content.decode()
    assert f'<option value="{villages[3].pk}" selected>第3村</option>' in page and "第4村" not in page
    assert "赵强" in page
