"""Who holds a seat is stored once (a seated reserve, or an incumbent outside the
registry) and every path that changes either side leaves seat and holder agreeing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cadre.models import Cadre, Status
from cadre.org_selectors import township_overview, township_villages
from cadre.services import cadre_change_status, cadre_update
from org.models import Seat, SeatPost
from org.selectors import seat_list_vacant
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre(village):
    """Listed in 2025, before the dates these tests seat the reserve on (a term may not
    start before the reserve was listed)."""
    return CadreFactory(village=village, name="李明", entered_on=dt.date(2025, 1, 1))


DAY = dt.date(2026, 3, 1)


@pytest.fixture
def seat(village):
    return village.seats.get(post=SeatPost.DIRECTOR)


@pytest.fixture
def outsider_seat(village):
    seat = village.seats.get(post=SeatPost.SECRETARY)
    seat.holder_name, seat.holder_since = "周建国", dt.date(2021, 1, 5)
    seat.save()
    return seat


def _holder(seat):
    seat = Seat.objects.with_holder().get(pk=seat.pk)
    return seat.holder, seat.since


def test_a_seat_shows_its_outside_incumbent_or_nobody(seat, outsider_seat):
    assert _holder(outsider_seat) == ("周建国", dt.date(2021, 1, 5))
    assert _holder(seat) == (None, None)
    assert Seat.objects.get(pk=seat.pk).is_vacant  # without the annotation, read on demand


def test_seat_and_holder_agree_through_the_whole_lifecycle(county_user, cadre, seat):
    cadre = cadre_change_status(user=county_user, cadre=cadre, to=Status.SEATED, on=DAY, seat=seat)
    assert _holder(seat) == ("李明", DAY)
    assert seat not in seat_list_vacant(user=county_user)

    cadre_update(user=county_user, cadre=cadre, data={"name": "李明亮"})  # a corrected name follows
    assert _holder(seat) == ("李明亮", DAY)

    cadre_change_status(user=county_user, cadre=cadre, to=Status.LEFT, on=DAY, reason="外出务工")
    assert _holder(seat) == (None, None)
    assert seat in seat_list_vacant(user=county_user)


def test_the_database_refuses_an_outside_holder_on_a_seat_a_reserve_holds(county_user, cadre, seat):
    cadre_change_status(user=county_user, cadre=cadre, to=Status.SEATED, on=DAY, seat=seat)
    with pytest.raises(IntegrityError, match="seat_single_holder"), transaction.atomic():
        Seat.objects.filter(pk=seat.pk).update(holder_name="周建国", holder_since=DAY)
    seat.holder_name = "周建国"
    with pytest.raises(ValidationError) as exc:
        seat.full_clean()
    assert "该职位由后备干部担任" in exc.value.messages[0]


def test_the_database_refuses_seating_a_reserve_where_an_outsider_sits(cadre, outsider_seat):
    with pytest.raises(IntegrityError, match="seat_single_holder"), transaction.atomic():
        Cadre.objects.filter(pk=cadre.pk).update(status=Status.SEATED, seat=outsider_seat, seated_on=DAY)


def test_the_service_refuses_an_occupied_seat_by_its_holders_name(county_user, cadre, outsider_seat):
    with pytest.raises(ValidationError) as exc:
        cadre_change_status(user=county_user, cadre=cadre, to=Status.SEATED, on=DAY, seat=outsider_seat)
    assert exc.value.message_dict == {"seat": ["枫树村 党组织书记已由周建国担任，请先空出该职位。"]}


def test_vacancy_counts_follow_both_kinds_of_holder(county_user, township, cadre, seat, outsider_seat, village):
    seats = village.seats.count()
    cadre_change_status(user=county_user, cadre=cadre, to=Status.SEATED, on=DAY, seat=seat)
    (overview,) = [t for t in township_overview(user=county_user) if t.pk == township.pk]
    (row,) = township_villages(township=township)
    assert overview.vacant_seat_count == row.vacant_seat_count == seats - 2
