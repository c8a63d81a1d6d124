"""The pairing list's filters and links, the overdue filter computed in the database, and
the searchable selects' server-side search."""

import datetime as dt

import pytest
from django.urls import reverse

from mentorship.models import ActivityForm, MentorKind, Pairing
from mentorship.selectors import overdue_pairings, pairing_list, with_overdue
from mentorship.services import mentor_create, mentoring_log_create, pairing_create, pairing_end, policy_update
from tests.factories import CadreFactory, VillageFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 1, 31)


def new_mentor(user, township, n, **extra):
    data = {"township": township, "name": f"导师{n}", "kind": MentorKind.TOWNSHIP_CADRE, "phone": f"1390000{n:04d}",
            "max_mentees": 5, **extra}  # fmt: skip
    return mentor_create(user=user, data=data)


def pair(user, cadre, mentor, started_on=DAY):
    return pairing_create(user=user, cadre=cadre, mentor=mentor, started_on=started_on)


def talk(user, pairing, day, form=ActivityForm.TALK):
    data = {"date": day, "form": form, "content": "谈心", "hours": 1}
    return mentoring_log_create(user=user, pairing=pairing, data=data)


class TestOverdueInTheDatabase:
    @pytest.mark.parametrize("today_offset", [0, 29, 30, 31, 60, 95, 120])
    def test_it_agrees_with_overdue_pairings(self, county_user, township, other_township, today_offset):
        policy_update(user=county_user, county_id=township.county_id, mentee_limit=5,
                      requirements={ActivityForm.TALK: 1, ActivityForm.FIELD_RESEARCH: 3})  # fmt: skip
        mentor = new_mentor(county_user, township, 1)
        other_mentor = new_mentor(county_user, other_township, 2)
        village, other_village = VillageFactory(township=township), VillageFactory(township=other_township)
        fresh = pair(county_user, CadreFactory(village=village), mentor)  # no logs: due from its start
        talked = pair(county_user, CadreFactory(village=village), mentor, started_on=dt.date(2025, 11, 30))
        talk(county_user, talked, dt.date(2026, 1, 31))
        talk(county_user, talked, dt.date(2025, 12, 31), form=ActivityForm.FIELD_RESEARCH)
        elsewhere = pair(county_user, CadreFactory(village=other_village), other_mentor, dt.date(2025, 10, 1))
        ended = pair(county_user, CadreFactory(village=village), mentor, started_on=dt.date(2025, 1, 1))
        pairing_end(user=county_user, pairing=ended, ended_on=dt.date(2025, 2, 1), reason="调整")
        today = DAY + dt.timedelta(days=today_offset)
        expected = {o.pairing.pk for o in overdue_pairings(user=county_user, today=today)}
        computed = set(
            with_overdue(pairing_list(user=county_user), today=today)
            .filter(is_overdue=True)
            .values_list("pk", flat=True)
        )
        assert computed == expected
        assert ended.pk not in computed
        assert {fresh.pk, talked.pk, elsewhere.pk} >= computed

    def test_month_ends_clamp_like_add_months(self, county_user, township):
        policy_update(user=county_user, county_id=township.county_id, mentee_limit=5,
                      requirements={ActivityForm.TALK: 1})  # fmt: skip
        cadre = CadreFactory(village=VillageFactory(township=township))
        p = pair(county_user, cadre, new_mentor(county_user, township, 1))
        # 31 January + 1 month is 28 February 2026: overdue from 1 March
        for today, overdue in ((dt.date(2026, 2, 28), False), (dt.date(2026, 3, 1), True)):
            row = with_overdue(pairing_list(user=county_user), today=today).get(pk=p.pk)
            assert row.is_overdue is overdue

    def test_no_requirements_nothing_overdue(self, county_user, township):
        pair(county_user, CadreFactory(village=VillageFactory(township=township)), new_mentor(county_user, township, 1))
        rows = with_overdue(pairing_list(user=county_user), today=dt.date(2030, 1, 1))
        assert not rows.filter(is_overdue=True).exists()


class TestListPage:
    @pytest.fixture
    def pairings(self, county_user, township, other_township):
        policy_update(user=county_user, county_id=township.county_id, mentee_limit=5, requirements={})
        v1, v2 = VillageFactory(township=township, name="东村"), VillageFactory(township=township, name="西村")
        v3 = VillageFactory(township=other_township, name="南村")
        m1, m2 = new_mentor(county_user, township, 1), new_mentor(county_user, other_township, 2)
        return {
            "east": pair(county_user, CadreFactory(village=v1, name="王东"), m1),
            "west": pair(county_user, CadreFactory(village=v2, name="赵西"), m1, started_on=dt.date(2026, 3, 1)),
            "south": pair(county_user, CadreFactory(village=v3, name="钱南"), m2),
        }

    def names(self, client, **query):
        response = client.get(reverse("mentorship:pairing-list"), query)
        assert response.status_code == 200
        return sorted(p.cadre.name for p in response.context["pairings"])

    def test_each_filter(self, login, county_user, township, pairings):
        client = login(county_user)
        assert self.names(client) == ["王东", "赵西", "钱南"]
        assert self.names(client, township=township.pk) == ["王东", "赵西"]
        assert self.names(client, village=pairings["west"].cadre.village_id) == ["赵西"]
        assert self.names(client, mentor=pairings["south"].mentor_id) == ["钱南"]
        assert self.names(client, q="东") == ["王东"]
        assert self.names(client, q="导师2") == ["钱南"]

    def test_state_and_overdue(self, login, county_user, township, pairings):
        policy_update(user=county_user, county_id=township.county_id, mentee_limit=5,
                      requirements={ActivityForm.TALK: 1})  # fmt: skip
        pairing_end(user=county_user, pairing=pairings["east"], ended_on=dt.date(2026, 2, 1), reason="调整")
        client = login(county_user)
        assert self.names(client) == ["赵西", "钱南"]
        assert self.names(client, show="ended") == ["王东"]
        assert self.names(client, show="all") == ["王东", "赵西", "钱南"]
        # today (the real date) is long after March 2026 + 1 month: both active ones are overdue
        talk(county_user, pairings["west"], dt.date(2026, 3, 1))
        overdue = {o.pairing.cadre.name for o in overdue_pairings(user=county_user, today=dt.date.today())}
        assert self.names(client, overdue="1") == sorted(overdue)

    def test_rows_link_to_cadre_mentor_and_pairing(self, login, county_user, pairings):
        page = login(county_user).get(reverse("mentorship:pairing-list")).content.decode()
        p = pairings["east"]
        for url in (p.cadre.get_absolute_url(), p.mentor.get_absolute_url(), p.get_absolute_url()):
            assert f'href="{url}"' in page

    def test_a_township_sees_and_filters_only_its_own(self, login, township_secretary, pairings):
        client = login(township_secretary)
        assert self.names(client) == ["王东", "赵西"]
        # another township's village or mentor is not a valid choice: the filter is refused
        response = client.get(reverse("mentorship:pairing-list"), {"mentor": pairings["south"].mentor_id})
        assert response.context["filter"].errors and "钱南" not in response.content.decode()

    def test_the_filter_selects_render_only_the_chosen_option(self, login, county_user, township, pairings):
        for i in range(30):
            VillageFactory(township=township, name=f"多村{i}")
        chosen = pairings["west"].cadre.village
        page = login(county_user).get(reverse("mentorship:pairing-list"), {"village": chosen.pk}).content.decode()
        select = page.split('name="village"', 1)[1].split("</select>", 1)[0]
        assert select.count("<option") == 2 and chosen.name in select and "多村" not in select
        assert 'data-search-url="/cadres/search/villages/"' in page


class TestSearchEndpoints:
    URLS = {"cadres": "cadre:search-cadres", "villages": "cadre:search-villages",
            "free-cadres": "mentorship:search-free-cadres", "mentors": "mentorship:search-mentors"}  # fmt: skip

    def search(self, client, kind, **params):
        response = client.get(reverse(self.URLS[kind]), params)
        assert response.status_code == 200
        return [row["text"] for row in response.json()["results"]]

    def test_at_most_twenty_matches(self, login, county_user, township):
        village = VillageFactory(township=township, name="大村")
        for i in range(25):
            CadreFactory(village=village, name=f"陈{i:02d}")
        results = self.search(login(county_user), "cadres", q="陈")
        assert len(results) == 20 and results[0] == f"{township.name} 大村 陈00"

    def test_scoped_to_the_township(self, login, township_secretary, county_user, township, other_township):
        CadreFactory(village=VillageFactory(township=township, name="本村"), name="孙本")
        CadreFactory(village=VillageFactory(township=other_township, name="外村"), name="孙外")
        new_mentor(county_user, township, 1, name="孙导师")
        new_mentor(county_user, other_township, 2, name="孙外导师")
        client = login(township_secretary)
        assert self.search(client, "cadres", q="孙") == [f"{township.name} 本村 孙本"]
        assert [t.split("（")[0] for t in self.search(client, "mentors", q="孙")] == [f"{township.name} 孙导师"]
        assert self.search(client, "villages", q="村") == [f"{township.name} 本村"]

    def test_free_reserves_and_active_mentors_only_when_asked(self, login, county_user, township):
        village = VillageFactory(township=township)
        paired, free = CadreFactory(village=village, name="周甲"), CadreFactory(village=village, name="周乙")
        mentor = new_mentor(county_user, township, 1)
        new_mentor(county_user, township, 2, is_active=False)
        pair(county_user, paired, mentor)
        client = login(county_user)
        assert len(self.search(client, "cadres", q="周")) == 2
        assert [t.split()[-1] for t in self.search(client, "free-cadres", q="周")] == [free.name]
        assert len(self.search(client, "mentors")) == 2 and len(self.search(client, "mentors", active="1")) == 1

    def test_anonymous_visitors_get_nothing(self, client):
        for name in self.URLS.values():
            assert client.get(reverse(name), {"q": "张"}).status_code == 302

    def test_the_pairing_form_validates_the_chosen_id_in_scope(
        self, login, township_secretary, county_user, township, other_township, cadre, other_cadre
    ):
        theirs = new_mentor(county_user, other_township, 9)
        mine = new_mentor(county_user, township, 1)
        client = login(township_secretary)
        response = client.post(reverse("mentorship:pairing-create"),
                               {"cadre": cadre.pk, "mentor": theirs.pk, "started_on": "2026-01-05"})  # fmt: skip
        assert "mentor" in response.context["form"].errors and not Pairing.objects.exists()
        response = client.post(reverse("mentorship:pairing-create"),
                               {"cadre": other_cadre.pk, "mentor": mine.pk, "started_on": "2026-01-05"})  # fmt: skip
        assert "cadre" in response.context["form"].errors and not Pairing.objects.exists()
        response = client.post(reverse("mentorship:pairing-create"),
                               {"cadre": cadre.pk, "mentor": mine.pk, "started_on": "2026-01-05"})  # fmt: skip
        assert response.status_code == 302 and Pairing.objects.get().cadre == cadre

    def test_the_pairing_form_never_renders_the_whole_list(self, login, county_user, township):
        village = VillageFactory(township=township)
        for i in range(30):
            CadreFactory(village=village, name=f"许{i}")
            new_mentor(county_user, township, 100 + i)
        page = login(county_user).get(reverse("mentorship:pairing-create")).content.decode()
        assert "许1" not in page and "导师101" not in page
        assert 'data-search-url="/mentorship/search/free-cadres/"' in page
