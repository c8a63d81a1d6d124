"""The training rules: who may create sessions and mark whom, all-or-nothing bulk saves,
hours derived from attendance, needs counted in the database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadre.models import Status, Tier
from common.scope import Scope
from tests.factories import (
    AttendanceFactory,
    CadreFactory,
    CountyFactory,
    TownshipFactory,
    TrainingNeedFactory,
    TrainingSessionFactory,
    VillageFactory,
    make_id_number,
)
from training.models import Attendance, AttendanceStatus, Kind, Level, TrainingNeed
from training.selectors import (
    hours_by_reserve,
    needs_summary,
    session_counts,
    session_list,
    session_targets,
)
from training.services import attendance_save, need_save, needs_save, session_create, session_update

pytestmark = pytest.mark.django_db

PRESENT, ABSENT, LEAVE = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.LEAVE


@pytest.fixture
def session(county, county_user):
    return TrainingSessionFactory(county=county, created_by=county_user, has_exam=True)


def data(**extra):
    return {"title": "雏鹰展翅第5期", "level": Level.COUNTY, "kind": Kind.YOUNG_EAGLE, "date": dt.date(2026, 5, 8),
            "hours": Decimal("3.5"), **extra}  # fmt: skip


class TestSessions:
    def test_county_staff_create_any_level_for_their_county(self, county_user, county, township, other_township):
        session = session_create(user=county_user, data=data(target_townships=[township, other_township]))
        assert session.county == county and session.organizer is None
        assert set(session.target_townships.all()) == {township, other_township}
        local = session_create(user=county_user, data=data(level=Level.TOWNSHIP, organizer=township))
        assert list(local.target_townships.all()) == [township]  # none listed: the organiser's township
        assert session.history.get().history_user == county_user

    def test_a_township_level_session_needs_an_organiser(self, county_user):
        with pytest.raises(ValidationError) as error:
            session_create(user=county_user, data=data(level=Level.TOWNSHIP))
        assert error.value.message_dict == {"organizer": ["乡镇级培训须填写举办乡镇。"]}

    def test_target_townships_must_be_in_the_county(self, county_user):
        elsewhere = TownshipFactory(county=CountyFactory(name="白云县"), name="云上镇")
        with pytest.raises(ValidationError) as error:
            session_create(user=county_user, data=data(target_townships=[elsewhere]))
        assert error.value.message_dict == {"target_townships": ["参训乡镇须是本县的乡镇：云上镇"]}

    def test_the_target_townships_are_checked_in_one_query(self, county_user, township, other_township):
        with CaptureQueriesContext(connection) as queries:
            session_create(user=county_user, data=data(target_townships=[township, other_township]))
        checks = [q["sql"] for q in queries][: next(i for i, q in enumerate(queries) if q["sql"].startswith("INSERT"))]
        assert sum('FROM "org_township"' in sql for sql in checks) == 1  # before the save: the check
        missing = max(township.pk, other_township.pk) + 1000
        with pytest.raises(ValidationError) as error:
            session_create(user=county_user, data=data(target_townships=[township.pk, missing]))
        assert error.value.message_dict == {"target_townships": ["参训乡镇须是本县的乡镇：（不存在的乡镇）"]}

    def test_a_township_secretary_creates_only_their_own_township_level_sessions(
        self, township_secretary, township, other_township
    ):
        with pytest.raises(ValidationError) as error:
            session_create(user=township_secretary, data=data())
        assert error.value.message_dict == {"level": ["乡镇只能举办本乡镇的乡镇级培训。"]}
        with pytest.raises(ValidationError):
            session_create(user=township_secretary, data=data(level=Level.TOWNSHIP, organizer=other_township))
        session = session_create(user=township_secretary, data=data(level=Level.TOWNSHIP, organizer=township))
        assert session.organizer == township and list(session.target_townships.all()) == [township]

    def test_a_township_secretary_cannot_edit_a_county_session(self, township_secretary, session):
        with pytest.raises(PermissionDenied):
            session_update(user=township_secretary, session=session, data={"title": "改名"})

    def test_leaders_create_nothing(self, leader):
        with pytest.raises(PermissionDenied):
            session_create(user=leader, data=data())

    def test_an_edit_may_not_drop_recorded_attendance_or_scores(self, county_user, session, cadre, other_township):
        attendance_save(user=county_user, session=session, rows=[{"cadre": cadre, "status": PRESENT,
                                                                  "exam_score": "90"}])  # fmt: skip
        with pytest.raises(ValidationError) as error:
            session_update(user=county_user, session=session, data={"has_exam": False})
        assert "不能取消结业考试" in str(error.value)
        with pytest.raises(ValidationError) as error:
            session_update(user=county_user, session=session, data={"target_townships": [other_township]})
        assert "已有1名不在新参训范围内的人员记录了考勤" in str(error.value)
        session_update(user=county_user, session=session, data={"title": "新名称", "target_tiers": [Tier.VILLAGE]})
        session.refresh_from_db()
        assert (session.title, session.target_tiers) == ("新名称", ["village"])


class TestAttendance:
    def test_a_bulk_save_records_every_row_and_an_upsert_changes_status(self, county_user, session, cadre, other_cadre):
        rows = [{"cadre": cadre, "status": PRESENT, "exam_score": "88.5"},
                {"cadre": other_cadre.pk, "status": LEAVE, "note": "生病"}]  # fmt: skip
        attendance_save(user=county_user, session=session, rows=rows)
        assert dict(Attendance.objects.values_list("cadre__name", "status")) == {"李明": PRESENT, "王芳": LEAVE}
        assert Attendance.objects.get(cadre=cadre).exam_score == Decimal("88.5")
        attendance_save(user=county_user, session=session, rows=[{"cadre": other_cadre, "status": PRESENT}])
        assert Attendance.objects.count() == 2
        assert Attendance.objects.get(cadre=other_cadre).status == PRESENT

    def test_a_township_cannot_mark_another_townships_reserve_and_nothing_is_saved(
        self, township_secretary, session, cadre, other_cadre
    ):
        rows = [{"cadre": cadre, "status": PRESENT}, {"cadre": other_cadre, "status": PRESENT}]
        with pytest.raises(ValidationError) as error:
            attendance_save(user=township_secretary, session=session, rows=rows)
        assert error.value.messages == [f"编号为{other_cadre.pk}的人员不是本乡镇的后备干部，只能记录本乡镇的后备干部。"]
        assert error.value.error_list[0].params == {"cadre": other_cadre.pk}
        assert not Attendance.objects.exists()
        attendance_save(user=township_secretary, session=session, rows=rows[:1])
        assert Attendance.objects.get().recorded_by == township_secretary

    def test_another_townships_reserve_stays_unnamed_in_every_error_of_the_row(
        self, township_secretary, session, cadre, other_cadre
    ):
        rows = [{"cadre": other_cadre.pk, "status": "", "note": "x" * 300}]
        with pytest.raises(ValidationError) as error:
            attendance_save(user=township_secretary, session=session, rows=rows)
        assert error.value.messages == [
            f"编号为{other_cadre.pk}的人员不是本乡镇的后备干部，只能记录本乡镇的后备干部。",
            f"{other_cadre.pk}：请选择出勤、缺勤或请假。",
        ]
        assert other_cadre.name not in "".join(error.value.messages)

    def test_a_score_only_when_present_and_only_with_an_exam(self, county_user, county, session, cadre, other_cadre):
        rows = [{"cadre": cadre, "status": ABSENT, "exam_score": 60}, {"cadre": other_cadre, "status": PRESENT,
                                                                      "exam_score": "101"}]  # fmt: skip
        with pytest.raises(ValidationError) as error:
            attendance_save(user=county_user, session=session, rows=rows)
        assert error.value.messages == ["李明：缺勤人员不能填写考试成绩，只有出勤人员才有成绩。",
                                        "王芳：考试成绩应在0到100之间。"]  # fmt: skip
        no_exam = TrainingSessionFactory(county=county, created_by=county_user)
        with pytest.raises(ValidationError) as error:
            attendance_save(user=county_user, session=no_exam, rows=[{"cadre": cadre, "status": PRESENT,
                                                                      "exam_score": 90}])  # fmt: skip
        assert error.value.messages == ["李明：本次培训没有结业考试，不能填写考试成绩。"]
        assert not Attendance.objects.exists()

    def test_a_non_target_or_left_reserve_is_refused(self, county_user, county, township, village, cadre, other_cadre):
        session = TrainingSessionFactory(county=county, created_by=county_user, target_townships=[township],
                                         target_tiers=[Tier.VILLAGE])  # fmt: skip
        senior = CadreFactory(village=village, name="赵强", tier=Tier.TOWNSHIP, id_number=make_id_number(seq=301))
        gone = CadreFactory(village=village, name="钱七", id_number=make_id_number(seq=303), status=Status.LEFT,
                            left_on=dt.date(2026, 1, 1), left_reason="外出务工")  # fmt: skip
        stranger = CadreFactory(village=VillageFactory(township=TownshipFactory(county=CountyFactory(name="白云县"))),
                                id_number=make_id_number(seq=305))  # fmt: skip
        rows = [{"cadre": c, "status": PRESENT} for c in (cadre, other_cadre, senior, gone, stranger)]
        with pytest.raises(ValidationError) as error:
            attendance_save(user=county_user, session=session, rows=rows)
        assert error.value.messages == [
            "王芳不在本次培训的参训范围内。",
            "赵强不在本次培训的参训范围内。",
            "钱七已退出后备干部队伍。",
            f"找不到编号为{stranger.pk}的本县后备干部。",
        ]
        assert not Attendance.objects.exists()

    def test_a_missing_status_or_a_future_session_is_refused(self, county_user, county, session, cadre):
        with pytest.raises(ValidationError) as error:
            attendance_save(user=county_user, session=session, rows=[{"cadre": cadre, "status": ""}])
        assert error.value.messages == ["李明：请选择出勤、缺勤或请假。"]
        future = TrainingSessionFactory(county=county, created_by=county_user, date=dt.date.today() + dt.timedelta(2))
        with pytest.raises(ValidationError, match="培训尚未举行"):
            attendance_save(user=county_user, session=future, rows=[{"cadre": cadre, "status": PRESENT}])

    def test_leaders_mark_nothing(self, leader, session, cadre):
        with pytest.raises(PermissionDenied):
            attendance_save(user=leader, session=session, rows=[{"cadre": cadre, "status": PRESENT}])

    def test_counts_and_targets_are_per_user(self, county_user, township_secretary, session, cadre, other_cadre):
        attendance_save(user=county_user, session=session, rows=[{"cadre": cadre, "status": PRESENT},
                                                                 {"cadre": other_cadre, "status": ABSENT}])  # fmt: skip
        counts = session_counts(session=session, user=county_user)
        assert (counts["expected"], counts["present"], counts["absent"], counts["rate"]) == (2, 1, 1, Decimal("50.0"))
        mine = session_counts(session=session, user=township_secretary)
        assert (mine["expected"], mine["present"], mine["absent"], mine["rate"]) == (1, 1, 0, Decimal("100.0"))
        assert [c.name for c in session_targets(session=session, user=township_secretary)] == ["李明"]
        listed = session_list(user=county_user).get()
        assert (listed.marked, listed.present, listed.absent, listed.leave) == (2, 1, 1, 0)
        assert session_list(user=township_secretary).get().marked == 1

    def test_a_township_sees_sessions_meant_for_it(self, county_user, county, township_secretary, other_township):
        TrainingSessionFactory(county=county, created_by=county_user, title="全县")
        TrainingSessionFactory(county=county, created_by=county_user, title="龙山乡专场",
                               target_townships=[other_township])  # fmt: skip
        assert [s.title for s in session_list(user=township_secretary)] == ["全县"]
        assert {s.title for s in session_list(user=county_user)} == {"全县", "龙山乡专场"}


class TestHours:
    def test_hours_per_year_are_derived_from_presence_only(self, county_user, county, cadre, other_cadre):
        def held(date, hours):
            return TrainingSessionFactory(county=county, created_by=county_user, date=date, hours=Decimal(hours))

        AttendanceFactory(session=held(dt.date(2026, 1, 10), "4"), cadre=cadre)
        AttendanceFactory(session=held(dt.date(2026, 6, 10), "2.5"), cadre=cadre)
        AttendanceFactory(session=held(dt.date(2026, 7, 10), "8"), cadre=cadre, status=ABSENT)
        AttendanceFactory(session=held(dt.date(2026, 8, 10), "8"), cadre=cadre, status=LEAVE)
        AttendanceFactory(session=held(dt.date(2025, 12, 31), "6"), cadre=cadre)
        AttendanceFactory(session=held(dt.date(2026, 3, 3), "1.5"), cadre=other_cadre)
        rows = hours_by_reserve(Scope.county(county.pk), 2026)
        hours = {c.name: (c.training_hours, c.sessions_attended) for c in rows}
        assert hours == {"李明": (Decimal("6.5"), 2), "王芳": (Decimal("1.5"), 1)}
        assert {c.name: c.training_hours for c in hours_by_reserve(county_user, 2025)} == {
            "李明": Decimal("6"), "王芳": Decimal("0"),
        }  # fmt: skip
        township_only = hours_by_reserve(Scope.township(cadre.village.township_id), 2026)
        assert [(c.name, c.training_hours) for c in township_only] == [("李明", Decimal("6.5"))]


class TestNeeds:
    def test_needs_are_saved_cleared_and_summarised(self, county_user, township_secretary, session, village, cadre,
                                                   other_cadre):  # fmt: skip
        third = CadreFactory(village=village, name="孙丽", id_number=make_id_number(seq=401))
        need_save(user=township_secretary, session=session, cadre=cadre, topics=["ecommerce", "policy"],
                  details="直播带货实操")  # fmt: skip
        needs_save(user=township_secretary, session=session, rows=[
            {"cadre": third, "topics": ["ecommerce"], "details": "直播带货实操"}])  # fmt: skip
        needs_save(user=county_user, session=session, rows=[{"cadre": other_cadre, "topics": ["law"]}])
        assert TrainingNeed.objects.get(cadre=cadre).topics == ["policy", "ecommerce"]  # in Topic order
        summary = needs_summary(session=session, user=county_user)
        assert summary["total"] == 3
        assert [(t["label"], t["count"]) for t in summary["topics"][:3]] == [("电商直播", 2), ("政策理论", 1),
                                                                            ("法律法规", 1)]  # fmt: skip
        assert summary["townships"] == [{"township": "白水镇", "expected": 2, "answered": 2},
                                        {"township": "龙山乡", "expected": 1, "answered": 1}]  # fmt: skip
        assert summary["details"] == [{"details": "直播带货实操", "n": 2}]
        mine = needs_summary(session=session, user=township_secretary)
        assert mine["total"] == 2 and [t["township"] for t in mine["townships"]] == ["白水镇"]
        need_save(user=township_secretary, session=session, cadre=third, topics=[])
        assert TrainingNeed.objects.count() == 2

    def test_a_township_enters_needs_only_for_its_own_reserves_and_before_the_deadline(
        self, township_secretary, county_user, session, cadre, other_cadre
    ):
        with pytest.raises(ValidationError):
            needs_save(user=township_secretary, session=session, rows=[
                {"cadre": cadre, "topics": ["law"]}, {"cadre": other_cadre, "topics": ["law"]}])  # fmt: skip
        assert not TrainingNeed.objects.exists()
        with pytest.raises(ValidationError) as error:
            need_save(user=township_secretary, session=session, cadre=cadre, topics=["cooking"])
        assert error.value.messages == ["李明：无法识别的需求主题：cooking。"]
        session.needs_deadline = dt.date(2026, 5, 1)
        session.save()
        with pytest.raises(ValidationError, match="需求征集已于2026-05-01截止"):
            need_save(user=township_secretary, session=session, cadre=cadre, topics=["law"])
        assert need_save(user=county_user, session=session, cadre=cadre, topics=["law"]).topics == ["law"]
        TrainingNeedFactory(session=session, cadre=other_cadre)


@pytest.mark.parametrize("n", [3, 30])
def test_a_bulk_save_costs_the_same_whatever_its_size(county_user, session, village, n, django_assert_num_queries):
    people = [CadreFactory(village=village, name=f"人{i}", id_number=make_id_number(seq=700 + i)) for i in range(n)]
    rows = [{"cadre": p.pk, "status": PRESENT, "exam_score": 80} for p in people]
    # savepoint, the session's scope check, the cadres with their target flag, the upsert, release
    with django_assert_num_queries(5):
        attendance_save(user=county_user, session=session, rows=rows)
    with django_assert_num_queries(5):
        needs_save(user=county_user, session=session, rows=[{"cadre": p.pk, "topics": ["law"]} for p in people])
    assert Attendance.objects.count() == TrainingNeed.objects.count() == n
