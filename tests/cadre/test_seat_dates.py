"""The dates a two-committee term may start on hold for every path that seats a reserve:
the status page, the API and the village page's promotion all go through the service."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cadre.models import Cadre, Status
from cadre.services import cadre_change_status
from org.models import SeatPost
from org.services import seat_holder_assign, seat_holder_end
from tests.api import auth
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db

TOMORROW = timezone.localdate() + dt.timedelta(days=1)


@pytest.fixture
def seat(village):
    return village.seats.get(post=SeatPost.DIRECTOR)


@pytest.fixture
def reserve(village):
    return CadreFactory(village=village, name="赵强", entered_on=dt.date(2020, 1, 1))


def _vacated(county_user, seat, on):
    seat_holder_assign(user=county_user, seat=seat, name="周建国", since=dt.date(2019, 1, 5))
    seat_holder_end(user=county_user, seat=seat, on=on, reason="换届离任")


def _seat_error(county_user, reserve, seat, on):
    with pytest.raises(ValidationError) as exc:
        cadre_change_status(user=county_user, cadre=reserve, to=Status.SEATED, on=on, seat=seat)
    assert Cadre.objects.get(pk=reserve.pk).status == Status.RESERVE
    return exc.value.message_dict


class TestTheService:
    def test_a_term_does_not_start_in_the_future(self, county_user, reserve, seat):
        assert _seat_error(county_user, reserve, seat, TOMORROW) == {"on": ["任职时间不能晚于今天。"]}

    def test_a_term_does_not_start_before_the_reserve_was_listed(self, county_user, reserve, seat):
        message = {"on": ["任职时间不能早于列入后备时间（2020-01-01）。"]}
        assert _seat_error(county_user, reserve, seat, dt.date(2019, 12, 31)) == message

    def test_a_term_does_not_start_before_the_outside_incumbent_left(self, county_user, reserve, seat):
        _vacated(county_user, seat, dt.date(2024, 6, 30))
        message = {"on": ["任职时间不能早于上一任的离任时间（2024-06-30）。"]}
        assert _seat_error(county_user, reserve, seat, dt.date(2024, 6, 29)) == message
        on = dt.date(2024, 6, 30)
        cadre = cadre_change_status(user=county_user, cadre=reserve, to=Status.SEATED, on=on, seat=seat)
        assert (cadre.seat, cadre.seated_on) == (seat, dt.date(2024, 6, 30))

    def test_a_term_does_not_start_before_the_seated_reserve_left(self, county_user, reserve, seat, village):
        before = CadreFactory(village=village, name="钱多多", entered_on=dt.date(2018, 1, 1))
        cadre_change_status(user=county_user, cadre=before, to=Status.SEATED, on=dt.date(2021, 1, 4), seat=seat)
        cadre_change_status(user=county_user, cadre=before, to=Status.LEFT, on=dt.date(2025, 3, 1), reason="辞职")
        message = {"on": ["任职时间不能早于上一任的离任时间（2025-03-01）。"]}
        assert _seat_error(county_user, reserve, seat, dt.date(2025, 2, 28)) == message


class TestAnOutsideIncumbent:
    """The village page records an incumbent outside the registry: not before a seated
    reserve who held the seat left (the registry's date, which org alone cannot see)."""

    def test_not_before_the_seated_reserve_left(self, login, county_user, reserve, seat):
        cadre_change_status(user=county_user, cadre=reserve, to=Status.SEATED, on=dt.date(2021, 1, 4), seat=seat)
        cadre_change_status(user=county_user, cadre=reserve, to=Status.LEFT, on=dt.date(2025, 3, 1), reason="辞职")
        url = reverse("org:seat-assign", args=[seat.pk])
        client = login(county_user)
        response = client.post(url, {"name": "周建国", "since": "2025-02-28"})
        assert response.context["form"].errors == {"since": ["任职时间不能早于上一任的离任时间（2025-03-01）。"]}
        client.post(url, {"name": "周建国", "since": "2025-03-01", "confirmed": "1"})
        seat.refresh_from_db()
        assert (seat.holder_name, seat.holder_since) == ("周建国", dt.date(2025, 3, 1))


class TestTheStatusPage:
    def test_a_date_before_the_last_holder_left_shows_on_the_form(self, login, county_user, reserve, seat):
        _vacated(county_user, seat, dt.date(2024, 6, 30))
        data = {"to": "seated", "on": "2024-06-01", "seat": seat.pk, "confirmed": "1"}
        response = login(county_user).post(reverse("cadre:status", args=[reserve.pk]), data)
        assert response.status_code == 200
        assert response.context["form"].errors == {"on": ["任职时间不能早于上一任的离任时间（2024-06-30）。"]}
        assert Cadre.objects.get(pk=reserve.pk).status == Status.RESERVE

    @pytest.mark.parametrize(
        ("on", "message"),
        [
            (TOMORROW.isoformat(), "任职时间不能晚于今天。"),
            ("2019-12-31", "任职时间不能早于列入后备时间（2020-01-01）。"),
        ],
    )
    def test_a_date_out_of_bounds_shows_on_the_form(self, login, county_user, reserve, seat, on, message):
        data = {"to": "seated", "on": on, "seat": seat.pk, "confirmed": "1"}
        response = login(county_user).post(reverse("cadre:status", args=[reserve.pk]), data)
        assert response.status_code == 200
        assert response.context["form"].errors == {"on": [message]}
        assert message in response.content.decode()
        assert Cadre.objects.get(pk=reserve.pk).status == Status.RESERVE

    def test_the_first_step_already_shows_the_refusal_and_changes_nothing(self, login, county_user, reserve, seat):
        data = {"to": "seated", "on": "2019-12-31", "seat": seat.pk}  # no confirmation yet
        response = login(county_user).post(reverse("cadre:status", args=[reserve.pk]), data)
        assert response.status_code == 200 and not response.context.get("confirming")
        assert response.context["form"].errors == {"on": ["任职时间不能早于列入后备时间（2020-01-01）。"]}
        assert Cadre.objects.get(pk=reserve.pk).status == Status.RESERVE

    def test_a_good_date_is_confirmed_first_and_back_keeps_the_input(self, login, county_user, reserve, seat):
        client = login(county_user)
        data = {"to": "seated", "on": "2024-06-01", "seat": seat.pk}
        confirming = client.post(reverse("cadre:status", args=[reserve.pk]), data)
        assert confirming.context["confirming"] and confirming.context["effects"]
        assert Cadre.objects.get(pk=reserve.pk).status == Status.RESERVE  # the dry run was rolled back
        back = client.post(reverse("cadre:status", args=[reserve.pk]), {**data, "confirmed": "0"})
        assert not back.context.get("confirming") and back.context["form"]["on"].value() == "2024-06-01"
        client.post(reverse("cadre:status", args=[reserve.pk]), {**data, "confirmed": "1"})
        assert Cadre.objects.get(pk=reserve.pk).status == Status.SEATED


class TestTheApi:
    def test_a_date_before_the_reserve_was_listed_is_a_400_in_chinese(self, api, county_user, reserve, seat):
        auth(api, county_user)
        response = api.post(
            f"/api/v1/cadres/{reserve.pk}/status/", {"to": "seated", "on": "2019-12-31", "seat": seat.pk}, format="json"
        )
        assert response.status_code == 400
        assert response.json() == {"on": ["任职时间不能早于列入后备时间（2020-01-01）。"]}
        assert Cadre.objects.get(pk=reserve.pk).status == Status.RESERVE
