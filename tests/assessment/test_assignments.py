"""Frontline assignments: one full-time post at a time (the database's exclusion
constraint, said clearly by the service), short 跟班学习 flagged, typical deeds, the
county's own kinds, scoping, and the pages."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from assessment.models import Assignment, AssignmentKind
from assessment.services import assignment_create, assignment_kind_save, deed_create, deed_set_publicized
from tests.factories import AssignmentFactory, AssignmentKindFactory, CadreFactory, CountyFactory, builtin_kind
from tests.queries import REQUEST_TRANSACTION

D = dt.date


def kind(name="网格化管理"):
    return builtin_kind(name)


def post(user, cadre, start, end=None, *, full_time=True, kind_name="网格化管理", host="城关镇网格中心"):
    data = {"kind": kind(kind_name), "host_unit": host, "started_on": start, "ended_on": end, "full_time": full_time}
    return assignment_create(user=user, cadre=cadre, data=data)


@pytest.mark.django_db
class TestOneFullTimePostAtATime:
    def test_overlapping_full_time_posts_are_refused_with_the_other_post_named(self, county_user, cadre):
        post(county_user, cadre, D(2026, 3, 1), D(2026, 5, 31), kind_name="卡口值守", host="城关检查站")
        with pytest.raises(ValidationError) as exc:
            post(county_user, cadre, D(2026, 5, 31), D(2026, 8, 31))
        (message,) = exc.value.message_dict["started_on"]
        assert message == (
            "与已有的全脱产历练“卡口值守 · 城关检查站”（2026-03-01至2026-05-31）时间重叠："
            "同一时间只能有一个全脱产岗位。"
        )
        assert Assignment.objects.count() == 1

    def test_an_open_ended_post_blocks_every_later_full_time_post(self, county_user, cadre):
        post(county_user, cadre, D(2026, 3, 1))
        with pytest.raises(ValidationError, match="2026-03-01至今"):
            post(county_user, cadre, D(2027, 1, 1), D(2027, 2, 1))

    def test_part_time_posts_and_posts_one_after_another_are_fine(self, county_user, cadre):
        post(county_user, cadre, D(2026, 3, 1), D(2026, 5, 31))
        post(county_user, cadre, D(2026, 4, 1), D(2026, 4, 30), full_time=False)
        post(county_user, cadre, D(2026, 6, 1), D(2026, 6, 30))
        post(county_user, CadreFactory(village=cadre.village), D(2026, 3, 1), D(2026, 5, 31))  # another person
        assert Assignment.objects.count() == 4

    def test_the_database_refuses_an_overlap_whatever_the_path(self, county_user, cadre):
        AssignmentFactory(cadre=cadre, started_on=D(2026, 3, 1), ended_on=None, created_by=county_user)
        with pytest.raises(IntegrityError, match="assignment_full_time_no_overlap"), transaction.atomic():
            AssignmentFactory(cadre=cadre, started_on=D(2030, 1, 1), ended_on=D(2030, 2, 1), created_by=county_user)

    def test_an_end_before_the_start_is_refused(self, county_user, cadre):
        with pytest.raises(ValidationError) as exc:
            post(county_user, cadre, D(2026, 3, 1), D(2026, 2, 1))
        assert exc.value.message_dict == {"ended_on": ["结束日期不能早于开始日期。"]}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the built-in kinds for later tests
def test_two_requests_racing_for_one_persons_time(county_user, cadre):
    """Both check, both would pass; the lock on the reserve makes the second see the first."""
    barrier, results = threading.Barrier(2), []

    def run(start):
        try:
            barrier.wait()
            post(county_user, cadre, start, start + dt.timedelta(days=60))
            results.append("ok")
        except ValidationError as exc:
            results.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(d,)) for d in (D(2026, 3, 1), D(2026, 3, 15))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r == "ok" for r in results) == [False, True]
    assert Assignment.objects.count() == 1


@pytest.mark.django_db
class TestRules:
    def test_shadowing_shorter_than_a_month_is_flagged(self, county_user, cadre):
        short = post(county_user, cadre, D(2026, 3, 1), D(2026, 3, 20), kind_name="跟班学习", host="县农业农村局")
        month = post(county_user, cadre, D(2026, 4, 1), D(2026, 4, 30), kind_name="跟班学习", host="县农业农村局")
        ongoing = post(county_user, cadre, D(2026, 5, 1), None, kind_name="跟班学习", host="县农业农村局")
        assert (short.days, short.too_short) == (20, True)
        assert (month.days, month.too_short) == (30, False)
        assert ongoing.too_short is False  # not over yet

    def test_township_secretaries_record_for_their_own_township_only(
        self, township_secretary, leader, cadre, other_cadre
    ):
        assert post(township_secretary, cadre, D(2026, 3, 1)).cadre == cadre
        with pytest.raises(PermissionDenied):
            post(township_secretary, other_cadre, D(2026, 3, 1))
        with pytest.raises(PermissionDenied):
            post(leader, cadre, D(2027, 3, 1))

    def test_another_countys_kind_cannot_be_used(self, county_user, cadre):
        elsewhere = AssignmentKindFactory(county=CountyFactory(name="白云县"), name="白云专班")
        data = {"kind": elsewhere, "host_unit": "x", "started_on": D(2026, 3, 1), "full_time": True}
        with pytest.raises(ValidationError) as exc:
            assignment_create(user=county_user, cadre=cadre, data=data)
        assert exc.value.message_dict == {"kind": ["请选择本县可用的岗位类型。"]}

    def test_a_county_adds_its_own_kinds_and_leaves_the_built_in_ones(self, county_user, township_secretary, county):
        added = assignment_kind_save(user=county_user, kind=AssignmentKind(), data={"name": "乡村振兴专班"})
        assert added.county == county
        with pytest.raises(PermissionDenied):
            assignment_kind_save(user=county_user, kind=kind(), data={"name": "改名"})
        with pytest.raises(PermissionDenied):
            assignment_kind_save(user=township_secretary, kind=AssignmentKind(), data={"name": "镇里的"})
        with pytest.raises(ValidationError):
            assignment_kind_save(user=county_user, kind=AssignmentKind(), data={"name": "乡村振兴专班"})

    def test_deeds_and_publicity(self, county_user, township_secretary, cadre):
        assignment = post(township_secretary, cadre, D(2026, 3, 1), D(2026, 5, 31))
        with pytest.raises(ValidationError):
            deed_create(user=township_secretary, assignment=assignment,
                        data={"title": "早", "text": "x", "date": D(2026, 2, 1)})  # fmt: skip
        deed = deed_create(user=township_secretary, assignment=assignment,
                           data={"title": "连续值守二十天", "text": "主动请缨", "date": D(2026, 4, 1)})  # fmt: skip
        with pytest.raises(PermissionDenied):
            deed_set_publicized(user=township_secretary, deed=deed, publicized=True)
        assert deed_set_publicized(user=county_user, deed=deed, publicized=True).publicized


@pytest.mark.django_db
class TestPages:
    def test_record_an_assignment_through_the_page(self, login, township_secretary, cadre):
        client = login(township_secretary)
        form = client.get(reverse("assessment:assignment-create"), {"cadre": cadre.pk})
        assert form.status_code == 200
        response = client.post(
            reverse("assessment:assignment-create"),
            {"cadre": cadre.pk, "kind": kind("跟班学习").pk, "host_unit": "县农业农村局", "role": "参谋员",
             "started_on": "2026-03-01", "ended_on": "2026-03-20", "full_time": "on"},
            follow=True,
        )  # fmt: skip
        html = response.content.decode()
        assert "已保存李明的一线历练。" in html and "不足30天" in html
        assert "跟班学习" in login(township_secretary).get(cadre.get_absolute_url()).content.decode()

    def test_an_overlap_is_shown_on_the_form(self, login, county_user, cadre):
        post(county_user, cadre, D(2026, 3, 1), None)
        response = login(county_user).post(
            reverse("assessment:assignment-create"),
            {"cadre": cadre.pk, "kind": kind().pk, "host_unit": "网格", "started_on": "2026-06-01", "full_time": "on"},
        )
        assert response.status_code == 200
        assert "时间重叠：同一时间只能有一个全脱产岗位" in response.content.decode()

    def test_another_townships_assignment_is_not_found(self, login, township_secretary, county_user, other_cadre):
        assignment = post(county_user, other_cadre, D(2026, 3, 1))
        client = login(township_secretary)
        assert client.get(reverse("assessment:assignment-detail", args=[assignment.pk])).status_code == 404
        assert list(client.get(reverse("assessment:assignment-list")).context["assignments"]) == []

    def test_leaders_read_but_cannot_record(self, login, leader, county_user, cadre):
        assignment = post(county_user, cadre, D(2026, 3, 1))
        client = login(leader)
        assert client.get(reverse("assessment:assignment-detail", args=[assignment.pk])).status_code == 200
        assert client.get(reverse("assessment:assignment-create")).status_code == 403

    @pytest.mark.parametrize("n", [2, 25])
    def test_the_list_does_not_grow_with_the_rows(self, login, county_user, village, n, django_assert_num_queries):
        for i in range(n):
            AssignmentFactory(cadre=CadreFactory(village=village), created_by=county_user, started_on=D(2026, 1, 1 + i))
        client = login(county_user)
        # session, user, count, the page of assignments with their units, the two filter lists
        with django_assert_num_queries(6 + REQUEST_TRANSACTION):
            client.get(reverse("assessment:assignment-list"))
