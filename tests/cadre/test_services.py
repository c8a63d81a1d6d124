import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cadre.models import Cadre, Education, PoliticalStatus, Source, Status
from cadre.services import cadre_change_status, cadre_create, cadre_update
from org.models import Seat, SeatPost
from tests.factories import CadreFactory, make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre(village):
    """Listed in 2025, before the dates these tests seat the reserve on (a term may not
    start before the reserve was listed)."""
    return CadreFactory(village=village, name="李明", entered_on=dt.date(2025, 1, 1))


DAY = dt.date(2026, 3, 1)


def _data(village, **overrides):
    return {
        "name": "赵小军",
        "id_number": make_id_number(birth=dt.date(1996, 7, 8), seq=123),
        "education": Education.BACHELOR,
        "political_status": PoliticalStatus.MEMBER,
        "party_joined_on": dt.date(2018, 7, 1),
        "source": Source.VETERAN,
        "village": village,
        **overrides,
    }


def _seat(village, post=SeatPost.BRANCH_MEMBER, number=1):
    return Seat.objects.get(village=village, post=post, number=number)


class TestCreate:
    def test_the_pool_entry_date_is_kept_or_defaults_to_today(self, county_user, village):
        given = cadre_create(user=county_user, data=_data(village, entered_on=dt.date(2021, 5, 10)))
        assert given.entered_on == dt.date(2021, 5, 10)
        cadre_update(user=county_user, cadre=given, data={"entered_on": None, "name": "赵小兵"})
        given.refresh_from_db()
        assert (given.name, given.entered_on) == ("赵小兵", dt.date(2021, 5, 10))
        today = cadre_create(user=county_user, data=_data(village, id_number=make_id_number(seq=124), entered_on=None))
        assert today.entered_on == timezone.localdate()

    def test_birth_date_and_gender_are_taken_from_the_id_number(self, county_user, village):
        cadre = cadre_create(user=county_user, data=_data(village))
        assert cadre.birth_date == dt.date(1996, 7, 8)
        assert cadre.gender == "M"
        assert cadre.status == Status.RESERVE

    def test_lower_case_x_is_stored_upper_case(self, county_user, village):
        number = "11010519491231002X"
        cadre = cadre_create(user=county_user, data=_data(village, id_number=number.lower(), party_joined_on=None))
        assert cadre.id_number == number

    def test_a_birth_date_that_contradicts_the_id_number_is_refused(self, county_user, village):
        with pytest.raises(ValidationError) as exc:
            cadre_create(user=county_user, data=_data(village, birth_date=dt.date(1996, 7, 9)))
        assert exc.value.message_dict == {"birth_date": ["出生日期与身份证号不符：身份证号中为1996-07-08"]}
        assert not Cadre.objects.exists()

    def test_a_gender_that_contradicts_the_id_number_is_refused(self, county_user, village):
        with pytest.raises(ValidationError) as exc:
            cadre_create(user=county_user, data=_data(village, gender="F"))
        assert exc.value.message_dict == {"gender": ["性别与身份证号不符：身份证号中为男"]}

    def test_a_wrong_check_digit_is_refused(self, county_user, village):
        number = make_id_number(seq=123)
        wrong = number[:17] + ("0" if number[17] != "0" else "1")
        with pytest.raises(ValidationError) as exc:
            cadre_create(user=county_user, data=_data(village, id_number=wrong))
        assert exc.value.message_dict == {"id_number": [f"校验位错误，应为{number[17]}"]}

    def test_the_same_id_number_twice_is_refused(self, county_user, village, cadre):
        with pytest.raises(ValidationError) as exc:
            cadre_create(user=county_user, data=_data(village, id_number=cadre.id_number))
        assert exc.value.message_dict == {"id_number": ["具有 身份证号 的 后备干部 已存在。"]}

    def test_party_joining_date_only_for_party_members(self, county_user, village):
        with pytest.raises(ValidationError) as exc:
            cadre_create(user=county_user, data=_data(village, political_status=PoliticalStatus.LEAGUE))
        assert exc.value.message_dict == {"party_joined_on": ["只有中共党员或预备党员才能填写入党时间"]}

    def test_the_database_refuses_a_party_date_for_non_members_whatever_the_path(self, cadre):
        with pytest.raises(IntegrityError), transaction.atomic():
            Cadre.objects.filter(pk=cadre.pk).update(party_joined_on=DAY)

    def test_the_database_refuses_an_id_number_of_the_wrong_shape(self, cadre):
        with pytest.raises(IntegrityError), transaction.atomic():
            Cadre.objects.filter(pk=cadre.pk).update(id_number="43112119950314101x")

    def test_township_secretary_cannot_create_in_another_township(self, township_secretary, other_village):
        with pytest.raises(PermissionDenied):
            cadre_create(user=township_secretary, data=_data(other_village))

    def test_leader_cannot_create(self, leader, village):
        with pytest.raises(PermissionDenied):
            cadre_create(user=leader, data=_data(village))


class TestUpdate:
    def test_township_secretary_cannot_move_a_cadre_out_of_their_township(
        self, township_secretary, cadre, other_village
    ):
        with pytest.raises(PermissionDenied):
            cadre_update(user=township_secretary, cadre=cadre, data={"village": other_village})
        cadre.refresh_from_db()
        assert cadre.village.name == "枫树村"

    def test_township_secretary_cannot_edit_another_townships_cadre(self, township_secretary, other_cadre):
        with pytest.raises(PermissionDenied):
            cadre_update(user=township_secretary, cadre=other_cadre, data={"name": "改名"})


class TestLifecycle:
    def test_reserve_goes_on_the_key_training_list(self, county_user, cadre):
        cadre = cadre_change_status(user=county_user, cadre=cadre, to=Status.KEY_TRAINING, on=DAY)
        assert (cadre.status, cadre.key_training_since) == (Status.KEY_TRAINING, DAY)

    def test_entering_a_seat_fills_the_vacancy(self, county_user, cadre, village):
        seat = _seat(village)
        cadre = cadre_change_status(user=county_user, cadre=cadre, to=Status.SEATED, on=DAY, seat=seat)
        seat = Seat.objects.with_holder().get(pk=seat.pk)
        assert (cadre.status, cadre.seat, cadre.seated_on) == (Status.SEATED, seat, DAY)
        assert (seat.holder, seat.since, seat.is_vacant) == ("李明", DAY, False)
        assert seat.holder_name == ""  # stored once: on the cadre

    def test_an_occupied_seat_cannot_be_entered(self, county_user, cadre, village):
        seat = _seat(village)
        Seat.objects.filter(pk=seat.pk).update(holder_name="周建国", holder_since=DAY)
        with pytest.raises(ValidationError) as exc:
            cadre_change_status(user=county_user, cadre=cadre, to=Status.SEATED, on=DAY, seat=seat)
        assert exc.value.message_dict == {"seat": ["枫树村 支委委员已由周建国担任，请先空出该职位。"]}
        cadre.refresh_from_db()
        assert cadre.status == Status.RESERVE

    def test_entering_requires_a_seat(self, county_user, cadre):
        with pytest.raises(ValidationError) as exc:
            cadre_change_status(user=county_user, cadre=cadre, to=Status.SEATED, on=DAY)
        assert exc.value.message_dict == {"seat": ["请选择所任两委职位。"]}

    def test_leaving_needs_a_reason_and_vacates_the_seat(self, county_user, cadre, village):
        seat = _seat(village)
        cadre_change_status(user=county_user, cadre=cadre, to=Status.SEATED, on=DAY, seat=seat)
        with pytest.raises(ValidationError) as exc:
            cadre_change_status(user=county_user, cadre=cadre, to=Status.LEFT, on=DAY, reason=" ")
        assert exc.value.message_dict == {"left_reason": ["请填写退出原因。"]}
        cadre = cadre_change_status(user=county_user, cadre=cadre, to=Status.LEFT, on=DAY, reason="外出务工")
        seat = Seat.objects.with_holder().get(pk=seat.pk)
        assert (cadre.status, cadre.left_on, cadre.left_reason) == (Status.LEFT, DAY, "外出务工")
        assert seat.is_vacant and seat.since is None

    @pytest.mark.parametrize("to", [Status.RESERVE, Status.KEY_TRAINING, Status.SEATED])
    def test_nothing_follows_leaving(self, county_user, cadre, to):
        cadre_change_status(user=county_user, cadre=cadre, to=Status.LEFT, on=DAY, reason="迁出")
        with pytest.raises(ValidationError) as exc:
            cadre_change_status(user=county_user, cadre=cadre, to=to, on=DAY)
        assert exc.value.messages == [f"不能从“已退出”变更为“{to.label}”。"]

    def test_a_seated_cadre_cannot_go_back_to_reserve(self, county_user, cadre, village):
        cadre_change_status(user=county_user, cadre=cadre, to=Status.SEATED, on=DAY, seat=_seat(village))
        with pytest.raises(ValidationError):
            cadre_change_status(user=county_user, cadre=cadre, to=Status.RESERVE, on=DAY)

    def test_two_cadres_cannot_hold_one_seat_in_the_database(self, county_user, cadre, village):
        seat = _seat(village)
        cadre_change_status(user=county_user, cadre=cadre, to=Status.SEATED, on=DAY, seat=seat)
        second = CadreFactory(village=village)
        with pytest.raises(IntegrityError), transaction.atomic():
            Cadre.objects.filter(pk=second.pk).update(status=Status.SEATED, seat=seat, seated_on=DAY)

    def test_the_database_refuses_a_left_cadre_without_reason(self, cadre):
        with pytest.raises(IntegrityError), transaction.atomic():
            Cadre.objects.filter(pk=cadre.pk).update(status=Status.LEFT, left_on=DAY)

    def test_township_secretary_cannot_change_another_townships_cadre(self, township_secretary, other_cadre):
        with pytest.raises(PermissionDenied):
            cadre_change_status(user=township_secretary, cadre=other_cadre, to=Status.KEY_TRAINING, on=DAY)


class TestHistory:
    def test_every_change_records_who_made_it_and_what_changed(self, county_user, village):
        cadre = cadre_create(user=county_user, data=_data(village))
        cadre_update(user=county_user, cadre=cadre, data={"phone": "13900001111", "education": Education.POSTGRADUATE})
        cadre_change_status(user=county_user, cadre=cadre, to=Status.KEY_TRAINING, on=DAY)

        from cadre.selectors import cadre_history

        entries = cadre_history(cadre=cadre)
        assert [e["type"] for e in entries] == ["修改", "修改", "新建"]
        assert all(e["user"] == county_user for e in entries)
        assert entries[0]["reason"] == "状态变更为重点培养"
        assert {(c["field"], c["old"], c["new"]) for c in entries[1]["changes"]} == {
            ("联系电话", "—", "13900001111"),
            ("学历", "本科", "研究生"),
        }

    def test_history_names_the_seat_and_village_not_their_ids(self, county_user, cadre, village, other_village):
        from cadre.selectors import cadre_history

        cadre_update(user=county_user, cadre=cadre, data={"village": other_village})
        seat = _seat(other_village, SeatPost.SECRETARY)
        cadre_change_status(user=county_user, cadre=cadre, to=Status.SEATED, on=DAY, seat=seat)
        entries = cadre_history(cadre=cadre)
        seated = {c["field"]: c["new"] for c in entries[0]["changes"]}
        moved = {c["field"]: (c["old"], c["new"]) for c in entries[1]["changes"]}
        assert seated["所任两委职位"] == "石桥村 党组织书记"
        assert moved["所在村(社区)"] == ("枫树村", "石桥村")
