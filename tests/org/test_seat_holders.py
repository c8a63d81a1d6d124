"""The village's two committees in the product: county staff record who holds each seat
(an incumbent outside the registry, or a reserve of the village promoted through the
registry), end terms with a date and a reason, and everyone in scope reads the history."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cadre.models import Cadre, Status
from cadre.org_services import seat_incumbency_end, seat_reserve_promote
from cadre.services import cadre_change_status
from org.models import Seat, SeatPost
from org.services import seat_holder_assign, seat_holder_end
from tests.factories import CadreFactory, VillageFactory, make_id_number
from tests.queries import REQUEST_TRANSACTION

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
EARLY = dt.date(2021, 1, 5)


@pytest.fixture
def seat(village):
    return village.seats.get(post=SeatPost.DIRECTOR)


@pytest.fixture
def secretary_seat(village):
    return village.seats.get(post=SeatPost.SECRETARY)


@pytest.fixture
def reserve(village):
    return CadreFactory(village=village, name="赵强", entered_on=dt.date(2020, 1, 1))


def _holder(seat):
    seat = Seat.objects.with_holder().get(pk=seat.pk)
    return seat.holder, seat.since


def _village_page(client, village):
    return client.get(reverse("org:village", args=[village.pk]))


class TestOutsideIncumbents:
    def test_county_staff_record_an_incumbent_and_the_history_keeps_who(self, county_user, seat):
        seat_holder_assign(user=county_user, seat=seat, name=" 周 建国 ", since=EARLY)
        assert _holder(seat) == ("周建国", EARLY)
        record = seat.history.latest()
        assert record.history_user == county_user and record.history_change_reason == "登记现任：周建国"

    def test_an_occupied_seat_cannot_be_assigned(self, county_user, seat, reserve):
        seat_holder_assign(user=county_user, seat=seat, name="周建国", since=EARLY)
        with pytest.raises(ValidationError) as exc:
            seat_holder_assign(user=county_user, seat=seat, name="钱多多", since=TODAY)
        assert exc.value.message_dict == {"name": ["枫树村 村(居)委会主任已由周建国担任，请先办理离任。"]}

    def test_a_seat_a_reserve_holds_cannot_be_assigned(self, county_user, seat, reserve):
        seat_reserve_promote(user=county_user, seat=seat, cadre=reserve, on=TODAY)
        with pytest.raises(ValidationError, match="已由赵强担任"):
            seat_holder_assign(user=county_user, seat=seat, name="钱多多", since=TODAY)

    def test_a_name_is_required_and_the_start_not_in_the_future(self, county_user, seat):
        with pytest.raises(ValidationError) as exc:
            seat_holder_assign(user=county_user, seat=seat, name="  ", since=EARLY)
        assert exc.value.message_dict == {"name": ["请填写现任姓名。"]}
        with pytest.raises(ValidationError) as exc:
            seat_holder_assign(user=county_user, seat=seat, name="周建国", since=TODAY + dt.timedelta(days=1))
        assert exc.value.message_dict == {"since": ["任职时间不能晚于今天。"]}

    def test_the_end_comes_after_the_start_and_has_a_reason(self, county_user, seat):
        seat_holder_assign(user=county_user, seat=seat, name="周建国", since=EARLY)
        with pytest.raises(ValidationError) as exc:
            seat_holder_end(user=county_user, seat=seat, on=EARLY - dt.timedelta(days=1), reason=" ")
        assert exc.value.message_dict == {
            "on": ["离任时间不能早于任职时间（2021-01-05）。"],
            "reason": ["请填写离任原因。"],
        }
        seat_holder_end(user=county_user, seat=seat, on=dt.date(2024, 6, 30), reason="换届离任")
        seat.refresh_from_db()
        assert _holder(seat) == (None, None)
        assert (seat.vacated_on, seat.vacated_reason) == (dt.date(2024, 6, 30), "换届离任")

    def test_the_next_incumbent_starts_after_the_last_one_left(self, county_user, seat):
        seat_holder_assign(user=county_user, seat=seat, name="周建国", since=EARLY)
        seat_holder_end(user=county_user, seat=seat, on=dt.date(2024, 6, 30), reason="换届离任")
        with pytest.raises(ValidationError, match="不能早于上一任的离任时间"):
            seat_holder_assign(user=county_user, seat=seat, name="钱多多", since=dt.date(2024, 1, 1))
        seat_holder_assign(user=county_user, seat=seat, name="钱多多", since=dt.date(2024, 7, 1))
        seat.refresh_from_db()
        assert (seat.vacated_on, seat.vacated_reason) == (None, "")

    def test_a_vacant_seat_has_no_term_to_end(self, county_user, seat):
        with pytest.raises(ValidationError, match="无需办理离任"):
            seat_incumbency_end(user=county_user, seat=seat, on=TODAY, reason="辞职")


class TestPromotion:
    def test_a_reserve_of_the_village_enters_a_vacant_seat_through_the_registry(self, county_user, seat, reserve):
        cadre = seat_reserve_promote(user=county_user, seat=seat, cadre=reserve, on=dt.date(2025, 1, 2))
        assert (cadre.status, cadre.seat, cadre.seated_on) == (Status.SEATED, seat, dt.date(2025, 1, 2))
        assert _holder(seat) == ("赵强", dt.date(2025, 1, 2))
        assert cadre.history.latest().history_change_reason == "状态变更为已进入两委"

    def test_only_a_reserve_of_that_village(self, county_user, seat, other_cadre):
        neighbour = CadreFactory(village=VillageFactory(township=seat.village.township, name="邻村"))
        for stranger in (neighbour, other_cadre):
            with pytest.raises(ValidationError) as exc:
                seat_reserve_promote(user=county_user, seat=seat, cadre=stranger, on=TODAY)
            assert exc.value.message_dict == {"cadre": ["只能从本村的后备干部中选任。"]}
        assert _holder(seat) == (None, None)

    def test_only_a_reserve_still_in_the_pool(self, county_user, seat, secretary_seat, reserve, village):
        cadre_change_status(user=county_user, cadre=reserve, to=Status.LEFT, on=TODAY, reason="外出务工")
        with pytest.raises(ValidationError) as exc:
            seat_reserve_promote(user=county_user, seat=seat, cadre=reserve, on=TODAY)
        assert exc.value.message_dict == {"cadre": ["赵强当前为“已退出”，不能选任。"]}
        seated = CadreFactory(village=village, name="孙丽")
        seat_reserve_promote(user=county_user, seat=secretary_seat, cadre=seated, on=TODAY)
        with pytest.raises(ValidationError, match="已进入两委"):
            seat_reserve_promote(user=county_user, seat=seat, cadre=seated, on=TODAY)

    def test_key_training_reserves_may_be_promoted(self, county_user, seat, reserve):
        cadre_change_status(user=county_user, cadre=reserve, to=Status.KEY_TRAINING, on=dt.date(2024, 1, 1))
        assert seat_reserve_promote(user=county_user, seat=seat, cadre=reserve, on=TODAY).status == Status.SEATED

    def test_not_into_an_occupied_seat(self, county_user, seat, reserve):
        seat_holder_assign(user=county_user, seat=seat, name="周建国", since=EARLY)
        with pytest.raises(ValidationError, match="已由周建国担任"):
            seat_reserve_promote(user=county_user, seat=seat, cadre=reserve, on=TODAY)
        assert Cadre.objects.get(pk=reserve.pk).status == Status.RESERVE

    def test_not_before_the_reserve_was_listed(self, county_user, seat, reserve):
        with pytest.raises(ValidationError) as exc:
            seat_reserve_promote(user=county_user, seat=seat, cadre=reserve, on=dt.date(2019, 12, 31))
        assert exc.value.message_dict == {"on": ["任职时间不能早于列入后备时间（2020-01-01）。"]}

    def test_ending_a_promoted_reserves_term_takes_them_out_through_the_registry(self, county_user, seat, reserve):
        seat_reserve_promote(user=county_user, seat=seat, cadre=reserve, on=dt.date(2025, 1, 2))
        with pytest.raises(ValidationError, match="离任时间不能早于任职时间"):
            seat_incumbency_end(user=county_user, seat=seat, on=dt.date(2025, 1, 1), reason="辞职")
        seat_incumbency_end(user=county_user, seat=seat, on=dt.date(2025, 9, 1), reason="辞职")
        reserve.refresh_from_db()
        assert (reserve.status, reserve.left_on, reserve.left_reason) == (Status.LEFT, dt.date(2025, 9, 1), "辞职")
        assert _holder(seat) == (None, None)


class TestWhoMayRecord:
    @pytest.mark.parametrize("who", ["township_secretary", "leader"])
    def test_only_county_staff_record_holders(self, request, who, seat, reserve):
        user = request.getfixturevalue(who)
        with pytest.raises(PermissionDenied):
            seat_holder_assign(user=user, seat=seat, name="周建国", since=EARLY)
        with pytest.raises(PermissionDenied):
            seat_reserve_promote(user=user, seat=seat, cadre=reserve, on=TODAY)
        with pytest.raises(PermissionDenied):
            seat_incumbency_end(user=user, seat=seat, on=TODAY, reason="辞职")

    def test_not_in_another_county(self, county_user):
        stranger_seat = VillageFactory().seats.first()  # a village in a new county
        with pytest.raises(PermissionDenied):
            seat_holder_assign(user=county_user, seat=stranger_seat, name="周建国", since=EARLY)


class TestVillagePage:
    def test_county_staff_see_what_they_can_do_on_each_seat(self, login, county_user, village, seat, reserve):
        seat_holder_assign(user=county_user, seat=seat, name="周建国", since=EARLY)
        html = _village_page(login(county_user), village).content.decode()
        assert "村“两委”班子" in html and '村"两委"' not in html
        assert reverse("org:seat-end", args=[seat.pk]) in html
        assert reverse("org:seat-assign", args=[seat.pk]) not in html
        vacant = village.seats.get(post=SeatPost.SECRETARY)
        assert reverse("org:seat-promote", args=[vacant.pk]) in html
        assert reverse("org:seat-assign", args=[vacant.pk]) in html

    @pytest.mark.parametrize("who", ["township_secretary", "leader"])
    def test_others_read_the_seats_without_buttons(self, request, login, county_user, who, village, seat):
        seat_holder_assign(user=county_user, seat=seat, name="周建国", since=EARLY)
        html = _village_page(login(request.getfixturevalue(who)), village).content.decode()
        assert "周建国" in html and "此处只读" in html
        assert "/org/seats/" not in html

    @pytest.mark.parametrize("action", ["seat-assign", "seat-end", "seat-promote"])
    def test_township_secretaries_cannot_open_the_actions(self, login, township_secretary, seat, action):
        client = login(township_secretary)
        assert client.get(reverse(f"org:{action}", args=[seat.pk])).status_code == 403
        assert client.post(reverse(f"org:{action}", args=[seat.pk]), {"confirmed": "1"}).status_code == 403

    @pytest.mark.parametrize("action", ["seat-assign", "seat-end", "seat-promote"])
    def test_another_county_is_not_found(self, login, county_user, action):
        stranger = VillageFactory()  # a village in a new county
        client = login(county_user)
        assert _village_page(client, stranger).status_code == 404
        assert client.get(reverse(f"org:{action}", args=[stranger.seats.first().pk])).status_code == 404

    def test_another_township_is_not_found_for_a_secretary(self, login, township_secretary, other_village):
        client = login(township_secretary)
        assert _village_page(client, other_village).status_code == 404
        assert client.get(reverse("org:seat-assign", args=[other_village.seats.first().pk])).status_code == 404

    def test_history_of_holders_is_shown(self, login, county_user, village, seat, reserve):
        seat_holder_assign(user=county_user, seat=seat, name="周建国", since=EARLY)
        seat_incumbency_end(user=county_user, seat=seat, on=dt.date(2024, 6, 30), reason="换届离任")
        seat_reserve_promote(user=county_user, seat=seat, cadre=reserve, on=dt.date(2024, 7, 1))
        seat_incumbency_end(user=county_user, seat=seat, on=dt.date(2025, 3, 1), reason="调任乡镇")
        seat_holder_assign(user=county_user, seat=seat, name="钱多多", since=dt.date(2025, 3, 2))
        response = _village_page(login(county_user), village)
        (row,) = [r for r in response.context["seat_terms"] if r.seat == seat]
        assert (row.current.name, row.current.since) == ("钱多多", dt.date(2025, 3, 2))
        assert [(t.name, t.since, t.until, t.reason, t.cadre_id) for t in row.past] == [
            ("赵强", dt.date(2024, 7, 1), dt.date(2025, 3, 1), "调任乡镇", reserve.pk),
            ("周建国", EARLY, dt.date(2024, 6, 30), "换届离任", None),
        ]
        html = response.content.decode()
        assert "历任记录" in html and "2021年1月5日 – 2024年6月30日" in html and "换届离任" in html
        assert reverse("cadre:detail", args=[reserve.pk]) in html

    def test_a_holder_recorded_before_the_history_began_is_the_current_term(self, login, county_user, village, seat):
        Seat.objects.filter(pk=seat.pk).update(holder_name="老书记", holder_since=EARLY)  # no history row
        response = _village_page(login(county_user), village)
        (row,) = [r for r in response.context["seat_terms"] if r.seat == seat]
        assert (row.current.name, row.past) == ("老书记", [])
        assert "暂无离任记录" in response.content.decode()

    def test_a_holder_loaded_without_history_keeps_their_term_when_it_ends(self, login, county_user, village, seat):
        Seat.objects.filter(pk=seat.pk).update(holder_name="老书记", holder_since=EARLY)  # a bulk load
        seat_holder_end(user=county_user, seat=seat, on=dt.date(2024, 6, 30), reason="换届离任")
        response = _village_page(login(county_user), village)
        (row,) = [r for r in response.context["seat_terms"] if r.seat == seat]
        assert row.current is None
        assert [(t.name, t.since, t.until, t.reason) for t in row.past] == [
            ("老书记", EARLY, dt.date(2024, 6, 30), "换届离任")
        ]

    @pytest.mark.parametrize("terms", [0, 6])
    def test_the_page_costs_the_same_whatever_the_past(
        self, login, county_user, village, seat, terms, django_assert_num_queries
    ):
        for i in range(terms):
            seat_holder_assign(user=county_user, seat=seat, name=f"人{i}", since=dt.date(2010 + i, 1, 1))
            seat_holder_end(user=county_user, seat=seat, on=dt.date(2010 + i, 6, 1), reason="换届")
            CadreFactory(village=village, name=f"后备{i}", id_number=make_id_number(seq=500 + i))
        client = login(county_user)
        # session, user, village, its seats with holders, the seats' history, the seated
        # reserves, the village's reserves
        with django_assert_num_queries(7 + REQUEST_TRANSACTION):
            assert _village_page(client, village).status_code == 200


class TestConfirmation:
    def test_assigning_is_confirmed_before_anything_changes(self, login, county_user, village, seat):
        client = login(county_user)
        url = reverse("org:seat-assign", args=[seat.pk])
        assert "登记现任" in client.get(url).content.decode()
        data = {"name": "周建国", "since": "2021-01-05"}
        page = client.post(url, data).content.decode()
        assert "请确认" in page and "登记 周建国 为 村(居)委会主任，任职时间 2021年1月5日。" in page
        assert _holder(seat) == (None, None)
        back = client.post(url, {**data, "confirmed": ["1", "0"]})
        assert "请确认" not in back.content.decode() and back.context["form"]["name"].value() == "周建国"
        assert _holder(seat) == (None, None)
        response = client.post(url, {**data, "confirmed": "1"})
        assert response.status_code == 302 and response["Location"] == village.get_absolute_url()
        assert _holder(seat) == ("周建国", EARLY)

    def test_a_rule_broken_shows_on_the_form_not_on_the_confirmation(self, login, county_user, seat):
        seat_holder_assign(user=county_user, seat=seat, name="周建国", since=EARLY)
        response = login(county_user).post(
            reverse("org:seat-assign", args=[seat.pk]), {"name": "钱多多", "since": "2024-01-01"}
        )
        assert "请确认" not in response.content.decode()
        assert response.context["form"].errors == {"name": ["枫树村 村(居)委会主任已由周建国担任，请先办理离任。"]}

    def test_promoting_lists_only_the_villages_reserves_and_says_what_follows(
        self, login, county_user, village, seat, reserve, other_cadre
    ):
        client = login(county_user)
        url = reverse("org:seat-promote", args=[seat.pk])
        form = client.get(url).context["form"]
        assert [c.name for c in form.fields["cadre"].queryset] == ["赵强"]
        page = client.post(url, {"cadre": reserve.pk, "on": TODAY.isoformat()}).content.decode()
        assert "其状态将变更为“已进入两委”" in page
        assert Cadre.objects.get(pk=reserve.pk).status == Status.RESERVE
        client.post(url, {"cadre": reserve.pk, "on": TODAY.isoformat(), "confirmed": "1"})
        assert Cadre.objects.get(pk=reserve.pk).status == Status.SEATED

    def test_ending_a_reserves_term_warns_that_they_leave_the_registry(self, login, county_user, seat, reserve):
        seat_reserve_promote(user=county_user, seat=seat, cadre=reserve, on=dt.date(2024, 1, 1))
        client = login(county_user)
        url = reverse("org:seat-end", args=[seat.pk])
        data = {"on": "2025-01-01", "reason": "辞职"}
        page = client.post(url, data).content.decode()
        assert "赵强 自 2025年1月1日 起不再担任 村(居)委会主任（原因：辞职）" in page and "已退出" in page
        assert Cadre.objects.get(pk=reserve.pk).status == Status.SEATED
        client.post(url, {**data, "confirmed": "1"})
        assert Cadre.objects.get(pk=reserve.pk).status == Status.LEFT
