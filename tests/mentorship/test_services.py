import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from cadre.models import Cadre, Status
from cadre.services import cadre_change_status
from mentorship.dates import add_months
from mentorship.models import ActivityForm, Mentor, MentorKind, Pairing
from mentorship.selectors import (
    cadre_mentorship,
    due_date,
    mentor_suggestions,
    overdue_pairings,
    reserves_without_mentor,
)
from mentorship.services import (
    mentor_create,
    mentoring_log_create,
    pairing_create,
    pairing_end,
    policy_update,
)
from tests.factories import CadreFactory

DAY = dt.date(2026, 3, 1)


def new_mentor(user, township, name="周建国", **extra):
    data = {"township": township, "name": name, "kind": MentorKind.TOWNSHIP_CADRE, "phone": "13900001111",
            "max_mentees": 1, **extra}  # fmt: skip
    return mentor_create(user=user, data=data)


def pair(user, cadre, mentor, started_on=DAY):
    return pairing_create(user=user, cadre=cadre, mentor=mentor, started_on=started_on)


def log(user, pairing, day, form=ActivityForm.TALK):
    return mentoring_log_create(
        user=user, pairing=pairing, data={"date": day, "form": form, "content": "谈工作打算", "hours": 1}
    )


@pytest.mark.django_db
class TestPairingRules:
    def test_a_reserve_has_one_active_pairing(self, county_user, township, cadre):
        first = new_mentor(county_user, township)
        second = new_mentor(county_user, township, name="吴志刚", phone="13900002222")
        pair(county_user, cadre, first)
        with pytest.raises(ValidationError) as exc:
            pair(county_user, cadre, second)
        assert exc.value.message_dict == {"cadre": ["李明已有在帮导师，请先结束原结对再重新结对。"]}

    def test_the_database_refuses_a_second_active_pairing_whatever_the_path(self, county_user, township, cadre):
        mentor = new_mentor(county_user, township, max_mentees=2)
        pairing = pair(county_user, cadre, mentor)
        with pytest.raises(IntegrityError), transaction.atomic():
            Pairing.objects.create(cadre=cadre, mentor=mentor, started_on=DAY, created_by=county_user)
        assert Pairing.objects.get() == pairing

    def test_a_mentor_never_exceeds_the_county_limit(self, county_user, township, village):
        mentor = new_mentor(county_user, township, max_mentees=3)
        a, b, c = (CadreFactory(village=village) for _ in range(3))
        pair(county_user, a, mentor)  # county policy defaults to strict one-to-one
        with pytest.raises(ValidationError) as exc:
            pair(county_user, b, mentor)
        assert exc.value.message_dict == {"mentor": ["导师周建国已带满1名后备干部，不能再结对。"]}
        policy_update(user=county_user, county_id=township.county_id, mentee_limit=2, requirements={})
        pair(county_user, b, mentor)
        with pytest.raises(ValidationError) as exc:
            pair(county_user, c, mentor)
        assert exc.value.message_dict == {"mentor": ["导师周建国已带满2名后备干部，不能再结对。"]}

    def test_the_mentors_own_limit_caps_below_the_county(self, county_user, township, village):
        policy_update(user=county_user, county_id=township.county_id, mentee_limit=5, requirements={})
        mentor = new_mentor(county_user, township, max_mentees=1)
        pair(county_user, CadreFactory(village=village), mentor)
        with pytest.raises(ValidationError):
            pair(county_user, CadreFactory(village=village), mentor)

    def test_ending_and_re_pairing_keeps_the_history(self, county_user, township, cadre):
        first = new_mentor(county_user, township)
        second = new_mentor(county_user, township, name="吴志刚", phone="13900002222")
        old = pair(county_user, cadre, first, started_on=dt.date(2025, 1, 1))
        log(county_user, old, dt.date(2025, 3, 1))
        pairing_end(user=county_user, pairing=old, ended_on=dt.date(2025, 12, 31), reason="导师调动工作")
        new = pair(county_user, cadre, second, started_on=dt.date(2026, 1, 1))
        view = cadre_mentorship(cadre=cadre)
        assert view["active_pairing"] == new
        assert [(p.mentor.name, p.ended_on, p.end_reason) for p in view["pairings"]] == [
            ("吴志刚", None, ""),
            ("周建国", dt.date(2025, 12, 31), "导师调动工作"),
        ]
        assert [entry.pairing for entry in view["logs"]] == [old]
        assert [h.history_type for h in old.history.order_by("history_date")] == ["+", "~"]
        # the mentor is free again
        pair(county_user, CadreFactory(village=cadre.village), first)

    def test_ending_needs_a_reason_and_happens_once(self, county_user, township, cadre):
        pairing = pair(county_user, cadre, new_mentor(county_user, township))
        with pytest.raises(ValidationError) as exc:
            pairing_end(user=county_user, pairing=pairing, ended_on=DAY, reason="  ")
        assert exc.value.message_dict == {"end_reason": ["请填写结束原因。"]}
        pairing_end(user=county_user, pairing=pairing, ended_on=DAY, reason="调整结对")
        with pytest.raises(ValidationError) as exc:
            pairing_end(user=county_user, pairing=pairing, ended_on=DAY, reason="再次")
        assert exc.value.messages == ["该结对已经结束。"]

    def test_only_live_reserves_with_an_active_mentor_can_be_paired(self, county_user, township, cadre):
        mentor = new_mentor(county_user, township, is_active=False)
        with pytest.raises(ValidationError) as exc:
            pair(county_user, cadre, mentor)
        assert exc.value.message_dict == {"mentor": ["导师周建国已不在导师库中。"]}
        cadre_change_status(user=county_user, cadre=cadre, to=Status.LEFT, on=DAY, reason="外出务工")
        Mentor.objects.filter(pk=mentor.pk).update(is_active=True)
        with pytest.raises(ValidationError) as exc:
            pair(county_user, cadre, mentor)
        assert exc.value.message_dict == {"cadre": ["李明当前状态为“已退出”，不能结对。"]}

    def test_township_secretary_works_only_in_their_township(
        self, county_user, township_secretary, township, other_township, other_cadre
    ):
        with pytest.raises(PermissionDenied):
            new_mentor(township_secretary, other_township)
        mentor = new_mentor(county_user, township)
        with pytest.raises(PermissionDenied):
            pair(township_secretary, other_cadre, mentor)

    def test_log_dates_stay_within_the_pairing(self, county_user, township, cadre):
        pairing = pair(county_user, cadre, new_mentor(county_user, township))
        with pytest.raises(ValidationError) as exc:
            log(county_user, pairing, DAY - dt.timedelta(days=1))
        assert exc.value.message_dict == {"date": ["帮带日期不能早于结对时间。"]}

    def test_attachments_are_checked_for_type_and_size(self, county_user, township, cadre):
        from django.core.files.uploadedfile import SimpleUploadedFile

        pairing = pair(county_user, cadre, new_mentor(county_user, township))
        bad = SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")
        with pytest.raises(ValidationError) as exc:
            mentoring_log_create(user=county_user, pairing=pairing, data={
                "date": DAY, "form": ActivityForm.TALK, "content": "谈心", "hours": 1, "attachment": bad})  # fmt: skip
        assert exc.value.message_dict["attachment"][0].startswith("附件类型不支持（.exe）")
        big = SimpleUploadedFile("记录.pdf", b"x" * (10 * 1024 * 1024 + 1), "application/pdf")
        with pytest.raises(ValidationError) as exc:
            mentoring_log_create(user=county_user, pairing=pairing, data={
                "date": DAY, "form": ActivityForm.TALK, "content": "谈心", "hours": 1, "attachment": big})  # fmt: skip
        assert exc.value.message_dict == {"attachment": ["附件不能超过10MB。"]}
        ok = SimpleUploadedFile("记录.pdf", b"%PDF-1.4", "application/pdf")
        entry = mentoring_log_create(user=county_user, pairing=pairing, data={
            "date": DAY, "form": ActivityForm.TALK, "content": "谈心", "hours": 1, "attachment": ok})  # fmt: skip
        assert entry.attachment.name.endswith(".pdf") and entry.entered_by == "county"


@pytest.mark.django_db
class TestSuggestions:
    def test_same_township_then_specialty_then_load(self, county_user, township, other_township, village):
        policy_update(user=county_user, county_id=township.county_id, mentee_limit=3, requirements={})
        cadre = CadreFactory(village=village, specialty="电商、直播带货")
        far = new_mentor(
            county_user, other_township, name="远方", phone="13900000001", specialties="电商", max_mentees=3
        )
        near_busy = new_mentor(county_user, township, name="近忙", phone="13900000002", max_mentees=3)
        near_match = new_mentor(
            county_user, township, name="近专", phone="13900000003", specialties="电商、财务", max_mentees=3
        )
        full = new_mentor(county_user, township, name="满员", phone="13900000004", max_mentees=1)
        pair(county_user, CadreFactory(village=village), near_busy)
        pair(county_user, CadreFactory(village=village), full)
        ranked = mentor_suggestions(user=county_user, cadre=cadre)
        assert [s.mentor for s in ranked] == [near_match, near_busy, far]
        assert ranked[0].reasons == ["同一乡镇", "专长匹配：电商", "已带0/3人"]


class TestDueDates:
    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [
            (dt.date(2025, 11, 30), 3, dt.date(2026, 2, 28)),  # across a year, into a short month
            (dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29)),  # leap year
            (dt.date(2025, 10, 31), 3, dt.date(2026, 1, 31)),
            (dt.date(2025, 12, 15), 1, dt.date(2026, 1, 15)),
            (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
            (dt.date(2026, 3, 31), 6, dt.date(2026, 9, 30)),
            (dt.date(2026, 5, 1), 12, dt.date(2027, 5, 1)),
            (dt.date(2026, 1, 1), 24, dt.date(2028, 1, 1)),
        ],
    )
    def test_months_are_added_on_the_calendar(self, day, months, expected):
        assert add_months(day, months) == expected

    def test_due_counts_from_the_last_activity_or_the_start(self):
        assert due_date(started_on=dt.date(2025, 12, 31), last_on=None, every_months=3) == dt.date(2026, 3, 31)
        assert due_date(started_on=dt.date(2025, 1, 1), last_on=dt.date(2025, 11, 30), every_months=3) == dt.date(
            2026, 2, 28
        )


@pytest.mark.django_db
class TestOverdue:
    def test_overdue_the_day_after_the_due_date_across_the_year_end(self, county_user, township, cadre):
        policy_update(user=county_user, county_id=township.county_id, mentee_limit=1,
                      requirements={ActivityForm.TALK: 3})  # fmt: skip
        pairing = pair(county_user, cadre, new_mentor(county_user, township), started_on=dt.date(2025, 6, 1))
        log(county_user, pairing, dt.date(2025, 11, 30))
        log(county_user, pairing, dt.date(2025, 12, 5), form=ActivityForm.FIELD_RESEARCH)  # another form
        assert overdue_pairings(user=county_user, today=dt.date(2026, 2, 28)) == []
        [late] = overdue_pairings(user=county_user, today=dt.date(2026, 3, 1))
        assert (late.pairing, late.form_label, late.last_on, late.due_on) == (
            pairing, "谈心谈话", dt.date(2025, 11, 30), dt.date(2026, 2, 28))  # fmt: skip
        assert late.days_overdue(dt.date(2026, 3, 1)) == 1

    def test_a_pairing_with_no_log_is_due_from_its_start(self, county_user, township, cadre):
        policy_update(user=county_user, county_id=township.county_id, mentee_limit=1,
                      requirements={ActivityForm.TALK: 3, ActivityForm.FEEDBACK: 12})  # fmt: skip
        pair(county_user, cadre, new_mentor(county_user, township), started_on=dt.date(2025, 12, 31))
        assert overdue_pairings(user=county_user, today=dt.date(2026, 3, 31)) == []
        assert [o.form_label for o in overdue_pairings(user=county_user, today=dt.date(2026, 4, 1))] == ["谈心谈话"]

    def test_ended_pairings_and_other_townships_are_not_counted(
        self, county_user, township_secretary, township, other_township, cadre, other_cadre
    ):
        policy_update(user=county_user, county_id=township.county_id, mentee_limit=1,
                      requirements={ActivityForm.TALK: 3})  # fmt: skip
        mine = pair(county_user, cadre, new_mentor(county_user, township), started_on=dt.date(2025, 1, 1))
        pair(county_user, other_cadre, new_mentor(county_user, other_township, name="吴", phone="13900000005"),
             started_on=dt.date(2025, 1, 1))  # fmt: skip
        today = dt.date(2026, 1, 1)
        assert len(overdue_pairings(user=county_user, today=today)) == 2
        assert [o.pairing for o in overdue_pairings(user=township_secretary, today=today)] == [mine]
        pairing_end(user=county_user, pairing=mine, ended_on=dt.date(2025, 6, 1), reason="调整结对")
        assert overdue_pairings(user=township_secretary, today=today) == []

    def test_reserves_without_mentor(self, county_user, township_secretary, township, cadre, other_cadre, village):
        seated = CadreFactory(village=village, entered_on=dt.date(2025, 1, 1))
        from org.models import Seat

        cadre_change_status(user=county_user, cadre=seated, to=Status.SEATED, on=DAY,
                            seat=Seat.objects.filter(village=village).first())  # fmt: skip
        assert set(reserves_without_mentor(user=county_user)) == {cadre, other_cadre}
        pair(county_user, cadre, new_mentor(county_user, township))
        assert list(reserves_without_mentor(user=county_user)) == [other_cadre]
        assert list(reserves_without_mentor(user=township_secretary)) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestConcurrency:
    """Two requests racing on PostgreSQL: one wins, the other gets a clear error."""

    def _race(self, calls):
        barrier = threading.Barrier(len(calls))
        results = [None] * len(calls)

        def run(index, call):
            try:
                barrier.wait()
                results[index] = ("ok", call())
            except ValidationError as exc:
                results[index] = ("error", exc.messages)
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        return results

    def test_two_mentors_racing_for_one_reserve(self, county_user, township, cadre):
        first = new_mentor(county_user, township)
        second = new_mentor(county_user, township, name="吴志刚", phone="13900002222")
        results = self._race([lambda: pair(county_user, cadre, first), lambda: pair(county_user, cadre, second)])
        assert sorted(kind for kind, _ in results) == ["error", "ok"]
        assert [m for kind, m in results if kind == "error"] == [["李明已有在帮导师，请先结束原结对再重新结对。"]]
        assert Pairing.objects.filter(cadre=cadre, ended_on__isnull=True).count() == 1

    def test_two_reserves_racing_for_a_mentors_last_place(self, county_user, township, village):
        mentor = new_mentor(county_user, township)
        a, b = CadreFactory(village=village), CadreFactory(village=village)
        results = self._race([lambda: pair(county_user, a, mentor), lambda: pair(county_user, b, mentor)])
        assert sorted(kind for kind, _ in results) == ["error", "ok"]
        assert [m for kind, m in results if kind == "error"] == [["导师周建国已带满1名后备干部，不能再结对。"]]
        assert Pairing.objects.filter(mentor=mentor, ended_on__isnull=True).count() == 1


@pytest.mark.django_db
class TestPairingFollowsTheCadre:
    def test_entering_a_seat_or_leaving_ends_the_pairing(self, county_user, township, village, cadre):
        from org.models import Seat

        Cadre.objects.filter(pk=cadre.pk).update(entered_on=dt.date(2024, 12, 1))  # listed before the seat date
        mentor = new_mentor(county_user, township)
        pairing = pair(county_user, cadre, mentor, started_on=dt.date(2025, 1, 1))
        log(county_user, pairing, dt.date(2026, 2, 1))
        # the seat date is before the last log: the pairing ends at that log, not before it
        cadre_change_status(user=county_user, cadre=cadre, to=Status.SEATED, on=dt.date(2026, 1, 15),
                            seat=Seat.objects.filter(village=village).first())  # fmt: skip
        pairing.refresh_from_db()
        assert (pairing.ended_on, pairing.end_reason) == (dt.date(2026, 2, 1), "后备干部进入村“两委”班子")
        other = CadreFactory(village=village)
        second = pair(county_user, other, mentor)  # the mentor's place is free again
        cadre_change_status(user=county_user, cadre=other, to=Status.LEFT, on=dt.date(2026, 4, 1), reason="外出务工")
        second.refresh_from_db()
        assert (second.ended_on, second.end_reason) == (dt.date(2026, 4, 1), "后备干部退出：外出务工")

    def test_a_pairing_cannot_end_before_its_last_log(self, county_user, township, cadre):
        pairing = pair(county_user, cadre, new_mentor(county_user, township), started_on=dt.date(2025, 1, 1))
        log(county_user, pairing, dt.date(2025, 6, 10))
        with pytest.raises(ValidationError) as exc:
            pairing_end(user=county_user, pairing=pairing, ended_on=dt.date(2025, 3, 1), reason="调整结对")
        assert exc.value.message_dict == {"ended_on": ["结束时间不能早于最后一次帮带记录（2025-06-10）。"]}


@pytest.mark.django_db
def test_a_mentor_needs_a_real_phone_number(county_user, township):
    with pytest.raises(ValidationError) as exc:
        new_mentor(county_user, township, phone="12345")
    assert exc.value.message_dict == {"phone": ["电话号码格式不正确，应为11位手机号或带区号的固定电话"]}
    assert new_mentor(county_user, township, phone="0746-3221234").phone == "0746-3221234"


@pytest.mark.django_db
def test_a_mentors_limit_cannot_drop_below_their_current_load(county_user, township, village):
    from mentorship.services import mentor_update

    policy_update(user=county_user, county_id=township.county_id, mentee_limit=3, requirements={})
    mentor = new_mentor(county_user, township, max_mentees=3)
    pair(county_user, CadreFactory(village=village), mentor)
    pair(county_user, CadreFactory(village=village), mentor)
    with pytest.raises(ValidationError) as exc:
        mentor_update(user=county_user, mentor=mentor, data={"max_mentees": 1})
    assert exc.value.message_dict == {"max_mentees": ["导师当前在带2人，可带人数不能少于2。"]}
    assert mentor_update(user=county_user, mentor=mentor, data={"max_mentees": 2}).max_mentees == 2


@pytest.mark.django_db
class TestEventsFromTheRegistry:
    """mentorship follows the registry through cadre.events, which cadre sends inside its
    transaction without importing mentorship (tests/test_layers.py checks the imports)."""

    def test_a_move_within_the_county_keeps_the_pairing(self, county_user, township, cadre, other_village):
        from cadre.services import cadre_update

        pairing = pair(county_user, cadre, new_mentor(county_user, township))
        cadre_update(user=county_user, cadre=cadre, data={"village": other_village})
        pairing.refresh_from_db()
        assert pairing.is_active

    def test_a_move_to_another_county_ends_the_pairing(self, county_user, township, cadre):
        from cadre.services import cadre_update
        from tests.factories import TownshipFactory, UserFactory, VillageFactory

        pairing = pair(county_user, cadre, new_mentor(county_user, township))
        elsewhere = VillageFactory(township=TownshipFactory(name="远方镇"), name="远方村")
        city_admin = UserFactory(username="city", is_superuser=True, county=None)
        cadre_update(user=city_admin, cadre=cadre, data={"village": elsewhere})
        pairing.refresh_from_db()
        assert (pairing.is_active, pairing.end_reason) == (False, "后备干部调往其他县(区)")

    def test_a_failing_receiver_rolls_the_status_change_back(self, county_user, township, cadre):
        from cadre.events import reserve_left_pool

        pairing = pair(county_user, cadre, new_mentor(county_user, township))

        def refuse(**kwargs):
            raise ValidationError("某个应用拒绝了这次变更")

        reserve_left_pool.connect(refuse, dispatch_uid="test-refuse")
        try:
            with pytest.raises(ValidationError):
                cadre_change_status(user=county_user, cadre=cadre, to=Status.LEFT, on=DAY, reason="外出务工")
        finally:
            reserve_left_pool.disconnect(dispatch_uid="test-refuse")
        cadre.refresh_from_db()
        pairing.refresh_from_db()
        assert cadre.status == Status.RESERVE and pairing.is_active
