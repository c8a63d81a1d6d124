import datetime as dt

import pytest
from django.urls import reverse

from mentorship.models import ActivityForm, MentoringLog, MentorKind, Pairing
from mentorship.services import mentor_create, mentoring_log_create, pairing_create, policy_update
from tests.factories import CadreFactory, VillageFactory
from tests.queries import REQUEST_TRANSACTION

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 1, 5)


def mentor(user, township, n=0, **extra):
    data = {"township": township, "name": f"导师{n}", "kind": MentorKind.TOWNSHIP_CADRE, "phone": f"1390000{n:04d}",
            "specialties": "电商、基层治理", **extra}  # fmt: skip
    return mentor_create(user=user, data=data)


@pytest.fixture
def pairing(county_user, township, cadre):
    return pairing_create(user=county_user, cadre=cadre, mentor=mentor(county_user, township), started_on=DAY)


def populate(user, township, n):
    """n mentors, each with one reserve and two log entries."""
    policy_update(user=user, county_id=township.county_id, mentee_limit=2, requirements={ActivityForm.TALK: 3})
    village = VillageFactory(township=township)
    for i in range(n):
        p = pairing_create(user=user, cadre=CadreFactory(village=village), mentor=mentor(user, township, i + 1),
                           started_on=DAY)  # fmt: skip
        for day in (DAY, DAY + dt.timedelta(days=30)):
            mentoring_log_create(user=user, pairing=p, data={"date": day, "form": ActivityForm.TALK,
                                                             "content": "谈心", "hours": 1})  # fmt: skip


class TestScoping:
    def test_another_townships_mentor_and_pairing_are_not_found(
        self, login, township_secretary, county_user, other_township, other_cadre
    ):
        theirs = mentor(county_user, other_township, 9)
        their_pairing = pairing_create(user=county_user, cadre=other_cadre, mentor=theirs, started_on=DAY)
        client = login(township_secretary)
        assert client.get(reverse("mentorship:mentor-detail", args=[theirs.pk])).status_code == 404
        assert client.get(reverse("mentorship:mentor-update", args=[theirs.pk])).status_code == 404
        assert client.get(reverse("mentorship:pairing-detail", args=[their_pairing.pk])).status_code == 404
        response = client.post(reverse("mentorship:pairing-detail", args=[their_pairing.pk]),
                               {"date": "2026-02-01", "form": "talk", "content": "x", "hours": "1"})  # fmt: skip
        assert response.status_code == 404 and not MentoringLog.objects.exists()
        assert list(client.get(reverse("mentorship:mentor-list")).context["mentors"]) == []
        assert list(client.get(reverse("mentorship:pairing-list")).context["pairings"]) == []

    def test_the_pairing_form_offers_only_own_reserves_and_mentors(
        self, login, township_secretary, county_user, township, other_township, cadre, other_cadre
    ):
        mine, theirs = mentor(county_user, township, 1), mentor(county_user, other_township, 2)
        form = login(township_secretary).get(reverse("mentorship:pairing-create")).context["form"]
        assert list(form.fields["cadre"].queryset) == [cadre]
        assert list(form.fields["mentor"].queryset) == [mine]
        response = login(township_secretary).post(reverse("mentorship:pairing-create"), {
            "cadre": other_cadre.pk, "mentor": theirs.pk, "started_on": "2026-01-01"})  # fmt: skip
        assert response.status_code == 200 and not Pairing.objects.exists()

    def test_leaders_read_but_cannot_write(self, login, leader, pairing):
        client = login(leader)
        assert client.get(reverse("mentorship:pairing-detail", args=[pairing.pk])).status_code == 200
        assert client.get(reverse("mentorship:pairing-create")).status_code == 403
        assert client.get(reverse("mentorship:mentor-create")).status_code == 403
        response = client.post(reverse("mentorship:pairing-detail", args=[pairing.pk]),
                               {"end": "1", "ended_on": "2026-02-01", "end_reason": "x"})  # fmt: skip
        assert response.status_code == 403

    def test_only_county_staff_change_the_policy(self, login, township_secretary, county_user, county):
        data = {"mentee_limit": "2", "every_talk": "3"}
        assert login(township_secretary).post(reverse("mentorship:policy"), data).status_code == 403
        assert login(county_user).post(reverse("mentorship:policy"), data).status_code == 302
        assert county.mentorship_policy.mentee_limit == 2
        assert [(r.form, r.every_months) for r in county.mentorship_policy.requirements.all()] == [("talk", 3)]


class TestPages:
    def test_pair_log_and_end_through_the_pages(self, login, county_user, township, cadre):
        m = mentor(county_user, township)
        client = login(county_user)
        page = client.get(reverse("mentorship:pairing-create"), {"cadre": cadre.pk})
        assert [s.mentor for s in page.context["suggestions"]] == [m]
        response = client.post(reverse("mentorship:pairing-create"), {
            "cadre": cadre.pk, "mentor": m.pk, "started_on": "2026-01-05", "goals": "熟悉村务"})  # fmt: skip
        pairing = Pairing.objects.get()
        assert response["Location"] == pairing.get_absolute_url()
        client.post(pairing.get_absolute_url(), {"date": "2026-02-01", "form": "talk", "place": "村委会",
                                                 "content": "谈工作打算", "hours": "1.5"})  # fmt: skip
        assert pairing.logs.get().entered_by == "county"
        detail = client.get(reverse("cadre:detail", args=[cadre.pk])).content.decode()
        assert "导师0" in detail and "谈工作打算" in detail
        end = {"end": "1", "ended_on": "2026-03-01", "end_reason": "调整结对"}
        step = client.post(pairing.get_absolute_url(), end)
        pairing.refresh_from_db()
        assert pairing.ended_on is None and step.context["confirm_end"]
        client.post(pairing.get_absolute_url(), {**end, "confirm": "1"})
        pairing.refresh_from_db()
        assert pairing.ended_on == dt.date(2026, 3, 1)

    def test_ending_a_pairing_is_folded_away_until_it_is_tried(self, login, county_user, pairing):
        client = login(county_user)
        page = client.get(pairing.get_absolute_url()).content.decode()
        assert '<details class="card card-body">' in page and "添加帮带记录" in page
        wrong = client.post(pairing.get_absolute_url(), {"end": "1", "ended_on": "2026-02-01", "end_reason": ""})
        html = wrong.content.decode()
        assert '<details class="card card-body" open>' in html and "请确认结束结对" not in html

    def test_a_second_pairing_is_refused_with_a_message(self, login, county_user, township, cadre, pairing):
        other = mentor(county_user, township, 5)
        response = login(county_user).post(reverse("mentorship:pairing-create"), {
            "cadre": cadre.pk, "mentor": other.pk, "started_on": "2026-01-05"})  # fmt: skip
        # the reserve is no longer offered, so the form refuses the choice itself
        assert "选择一个有效的选项" in response.content.decode()
        assert Pairing.objects.count() == 1

    def test_compliance_page(self, login, county_user, township, cadre, pairing, other_cadre):
        policy_update(user=county_user, county_id=township.county_id, mentee_limit=1,
                      requirements={ActivityForm.TALK: 1})  # fmt: skip
        page = login(county_user).get(reverse("mentorship:compliance"))
        assert page.context["overdue"] == [pairing]
        assert page.context["overdue"][0].form_label == "谈心谈话"
        assert page.context["overdue_count"] == 1
        assert page.context["without"] == [other_cadre]
        assert page.context["without_count"] == 1
        rows = {r["township"].name: (r["active_pairings"], r["overdue"], r["without_mentor"])
                for r in page.context["townships"]}  # fmt: skip
        assert rows == {"白水镇": (1, 1, 0), "龙山乡": (0, 0, 1)}

    def test_the_compliance_page_offers_township_details_only_to_who_sees_several(
        self, login, county_user, township_secretary, township, other_township
    ):
        url = reverse("mentorship:compliance")
        own = login(township_secretary).get(url, {"township": township.pk}).content.decode()
        assert "查看明细" not in own and "显示全部乡镇" not in own
        page = login(county_user).get(url, {"township": township.pk}).content.decode()
        assert "正在查看" in page and f'href="?township={other_township.pk}">查看明细' in page
        assert f'href="?township={township.pk}"' not in page and "显示全部乡镇" in page

    def test_the_compliance_page_offers_pairing_only_to_those_who_may_pair(
        self, login, county_user, leader, other_cadre
    ):
        pair = f"{reverse('mentorship:pairing-create')}?cadre={other_cadre.pk}"
        assert pair in login(county_user).get(reverse("mentorship:compliance")).content.decode()
        page = login(leader).get(reverse("mentorship:compliance")).content.decode()
        assert "王芳" in page and reverse("mentorship:pairing-create") not in page
        assert login(leader).get(pair).status_code == 403


class TestQueryCounts:
    @pytest.mark.parametrize("n", [3, 25])
    def test_mentor_list(self, login, county_user, township, django_assert_num_queries, n):
        populate(county_user, township, n)
        client = login(county_user)
        # session, user, count, page, county limits, township filter choices
        with django_assert_num_queries(6 + REQUEST_TRANSACTION):
            client.get(reverse("mentorship:mentor-list"))

    @pytest.mark.parametrize("n", [3, 25])
    def test_pairing_list(self, login, county_user, township, django_assert_num_queries, n):
        populate(county_user, township, n)
        client = login(county_user)
        # session, user, count, page (overdue computed in it), township choices; the
        # village and mentor selects render no options until one is chosen
        with django_assert_num_queries(5 + REQUEST_TRANSACTION):
            client.get(reverse("mentorship:pairing-list"))

    @pytest.mark.parametrize("n", [3, 25])
    def test_pairing_list_with_every_filter(self, login, county_user, township, django_assert_num_queries, n):
        populate(county_user, township, n)
        pairing = Pairing.objects.first()
        client = login(county_user)
        query = {"q": pairing.cadre.name, "township": township.pk, "village": pairing.cadre.village_id,
                 "mentor": pairing.mentor_id, "show": "all", "overdue": "1"}  # fmt: skip
        # as above, plus validating the chosen township, village and mentor, and rendering
        # the chosen village's and mentor's one option each
        with django_assert_num_queries(10 + REQUEST_TRANSACTION):
            response = client.get(reverse("mentorship:pairing-list"), query)
        assert response.status_code == 200

    @pytest.mark.parametrize("n", [3, 25])
    def test_compliance(self, login, county_user, township, django_assert_num_queries, n):
        populate(county_user, township, n)
        client = login(county_user)
        # session, user, overdue rows and their count, reserves without a mentor and their
        # count, then the township table: pairing counts, without-mentor counts, townships
        with django_assert_num_queries(9 + REQUEST_TRANSACTION):
            client.get(reverse("mentorship:compliance"))

    @pytest.mark.parametrize("n", [3, 25])
    def test_pairing_create_with_suggestions(self, login, county_user, township, django_assert_num_queries, n):
        populate(county_user, township, n)
        cadre = CadreFactory(village=VillageFactory(township=township))
        client = login(county_user)
        # session, user, cadre, county policy, mentors, the chosen cadre's option (the
        # searchable selects render only the chosen option, never the whole list)
        with django_assert_num_queries(6 + REQUEST_TRANSACTION):
            client.get(reverse("mentorship:pairing-create"), {"cadre": cadre.pk})


@pytest.mark.django_db
class TestReadsNeverWrite:
    """A county that never saved its mentoring rules reads the defaults: pages that only
    read issue no INSERT, UPDATE or DELETE (the policy used to be created on a GET)."""

    @pytest.mark.parametrize(
        "name", ["mentorship:policy", "mentorship:pairing-create", "mentorship:mentor-list", "mentorship:compliance"]
    )
    def test_get_writes_nothing(self, login, county_user, township, cadre, name):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from mentorship.models import CountyPolicy

        client = login(county_user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name), {"cadre": cadre.pk})
        assert response.status_code == 200
        writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
        # Django's session middleware may refresh the session row; nothing else is written.
        assert [sql for sql in writes if "django_session" not in sql] == []
        assert not CountyPolicy.objects.exists()


def test_a_reserve_who_left_is_not_flagged_as_lacking_a_mentor(login, county_user, cadre):
    from cadre.models import Status

    type(cadre).objects.filter(pk=cadre.pk).update(
        status=Status.LEFT, left_on=dt.date(2026, 3, 1), left_reason="外出务工"
    )
    page = login(county_user).get(cadre.get_absolute_url()).content.decode()
    assert "无在帮导师（已退出后备队伍）" in page
    assert "尚未结对导师" not in page and "结对导师</a>" not in page
