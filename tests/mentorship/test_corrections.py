"""Correcting and withdrawing mentoring log entries and pairing details, and the
confirmation steps of ending a pairing and of a reserve leaving the pool."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cadre.models import Status
from cadre.status_effects import describe_status_change
from common.scope import Scope
from mentorship.models import ActivityForm, MentoringLog, MentorKind, Pairing
from mentorship.selectors import cadre_mentorship, overdue_pairings, report_pairing_counts
from mentorship.services import (
    mentor_create,
    mentoring_log_create,
    mentoring_log_update,
    mentoring_log_withdraw,
    pairing_create,
    pairing_end,
    pairing_update,
    policy_update,
)
from tests.queries import REQUEST_TRANSACTION

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 1)


def new_mentor(user, township, name="周建国", phone="13900001111"):
    data = {"township": township, "name": name, "kind": MentorKind.TOWNSHIP_CADRE, "phone": phone}
    return mentor_create(user=user, data=data)


@pytest.fixture
def pairing(county_user, township, cadre):
    return pairing_create(user=county_user, cadre=cadre, mentor=new_mentor(county_user, township), started_on=DAY)


@pytest.fixture
def other_pairing(county_user, other_township, other_cadre):
    mentor = new_mentor(county_user, other_township, name="吴志刚", phone="13900002222")
    return pairing_create(user=county_user, cadre=other_cadre, mentor=mentor, started_on=DAY)


def add_log(user, pairing, day=DAY, form=ActivityForm.TALK):
    data = {"date": day, "form": form, "content": "谈工作打算", "hours": 1}
    return mentoring_log_create(user=user, pairing=pairing, data=data)


class TestLogCorrection:
    def test_an_entry_is_corrected_and_the_history_keeps_the_old_text(self, township_secretary, county_user, pairing):
        entry = add_log(county_user, pairing)
        mentoring_log_update(user=township_secretary, log=entry, data={"content": "谈换届打算", "hours": 2})
        entry.refresh_from_db()
        assert (entry.content, entry.hours) == ("谈换届打算", 2)
        latest, previous = entry.history.all()[:2]
        assert latest.history_user == township_secretary and previous.content == "谈工作打算"

    def test_a_correction_keeps_the_date_inside_the_pairing(self, county_user, pairing):
        entry = add_log(county_user, pairing)
        with pytest.raises(ValidationError) as exc:
            mentoring_log_update(user=county_user, log=entry, data={"date": DAY - dt.timedelta(days=1)})
        assert exc.value.message_dict == {"date": ["帮带日期不能早于结对时间。"]}

    def test_another_township_and_read_only_roles_cannot_correct(
        self, township_secretary, leader, county_user, other_pairing
    ):
        entry = add_log(county_user, other_pairing)
        for user in (township_secretary, leader):
            with pytest.raises(PermissionDenied):
                mentoring_log_update(user=user, log=entry, data={"content": "x"})
            with pytest.raises(PermissionDenied):
                mentoring_log_withdraw(user=user, log=entry, reason="录错")


class TestLogWithdrawal:
    def test_a_withdrawn_entry_is_kept_with_who_when_and_why(self, township_secretary, county_user, pairing):
        entry = add_log(county_user, pairing)
        mentoring_log_withdraw(user=township_secretary, log=entry, reason="  重复录入 ")
        kept = MentoringLog.with_withdrawn.get(pk=entry.pk)
        assert kept.is_withdrawn and kept.withdrawn_by == township_secretary and kept.withdrawn_reason == "重复录入"
        assert kept.history.first().history_change_reason == "撤回：重复录入"

    def test_a_reason_is_required_and_a_withdrawn_entry_cannot_change_again(self, county_user, pairing):
        entry = add_log(county_user, pairing)
        with pytest.raises(ValidationError) as exc:
            mentoring_log_withdraw(user=county_user, log=entry, reason=" ")
        assert exc.value.message_dict == {"reason": ["请填写撤回原因。"]}
        mentoring_log_withdraw(user=county_user, log=entry, reason="录错")
        with pytest.raises(ValidationError):
            mentoring_log_update(user=county_user, log=entry, data={"content": "x"})
        with pytest.raises(ValidationError):
            mentoring_log_withdraw(user=county_user, log=entry, reason="再撤")

    def test_a_withdrawn_entry_counts_nowhere(self, county_user, township, pairing):
        policy_update(user=county_user, county_id=township.county_id, mentee_limit=1,
                      requirements={ActivityForm.TALK: 1})  # fmt: skip
        today = DAY + dt.timedelta(days=40)
        entry = add_log(county_user, pairing, day=DAY + dt.timedelta(days=20))
        assert overdue_pairings(user=county_user, today=today) == []
        mentoring_log_withdraw(user=county_user, log=entry, reason="日期填错")
        assert [o.pairing for o in overdue_pairings(user=county_user, today=today)] == [pairing]
        assert pairing.logs.count() == 0 and MentoringLog.objects.count() == 0
        counts = report_pairing_counts(scope=Scope.of(county_user), as_of=today)
        assert counts[pairing.cadre.village.township_id] == {"active": 1, "overdue": 1}
        assert cadre_mentorship(cadre=pairing.cadre)["logs"] == []
        # nor does it hold the pairing's end after it
        pairing_end(user=county_user, pairing=pairing, ended_on=DAY + dt.timedelta(days=1), reason="调整")


class TestPairingCorrection:
    def test_the_details_are_corrected(self, township_secretary, pairing):
        pairing_update(user=township_secretary, pairing=pairing,
                       data={"started_on": DAY - dt.timedelta(days=10), "goals": "熟悉村务"})  # fmt: skip
        pairing.refresh_from_db()
        assert pairing.started_on == DAY - dt.timedelta(days=10) and pairing.goals == "熟悉村务"
        assert pairing.history.first().history_user == township_secretary

    def test_the_start_cannot_pass_the_first_entry(self, county_user, pairing):
        add_log(county_user, pairing, day=DAY + dt.timedelta(days=5))
        with pytest.raises(ValidationError) as exc:
            pairing_update(user=county_user, pairing=pairing, data={"started_on": DAY + dt.timedelta(days=6)})
        assert exc.value.message_dict == {"started_on": ["结对时间不能晚于第一条帮带记录（2026-03-06）。"]}

    def test_another_township_cannot_correct(self, township_secretary, other_pairing):
        with pytest.raises(PermissionDenied):
            pairing_update(user=township_secretary, pairing=other_pairing, data={"goals": "x"})


class TestLeavingThePoolIsDescribed:
    def test_the_confirmation_names_the_pairing_that_will_end(self, county_user, pairing):
        effects = describe_status_change(cadre=pairing.cadre, to=Status.LEFT, on=DAY, reason="外出务工")
        assert "李明的状态将从“储备中”变更为“已退出”，日期 2026-03-01。" in effects
        assert "与导师周建国的结对将于 2026-03-01 结束，结束原因：后备干部退出：外出务工。" in effects

    def test_no_pairing_no_pairing_sentence(self, cadre):
        effects = describe_status_change(cadre=cadre, to=Status.KEY_TRAINING, on=DAY)
        assert not any("结对" in e for e in effects)


class TestPages:
    def test_correct_and_withdraw_through_the_pages(self, login, township_secretary, county_user, pairing):
        entry = add_log(county_user, pairing)
        client = login(township_secretary)
        detail = client.get(pairing.get_absolute_url()).content.decode()
        assert reverse("mentorship:log-update", args=[entry.pk]) in detail
        response = client.post(reverse("mentorship:log-update", args=[entry.pk]), {
            "date": "2026-03-02", "form": "talk", "content": "改过的内容", "hours": "2", "entered_by": ""})  # fmt: skip
        assert response.status_code == 302 and response["Location"] == pairing.get_absolute_url()
        entry.refresh_from_db()
        assert entry.content == "改过的内容" and entry.date == dt.date(2026, 3, 2)
        page = client.get(reverse("mentorship:log-withdraw", args=[entry.pk])).content.decode()
        assert "不再计入帮带次数" in page
        assert client.post(reverse("mentorship:log-withdraw", args=[entry.pk]), {"reason": ""}).status_code == 200
        client.post(reverse("mentorship:log-withdraw", args=[entry.pk]), {"reason": "重复录入"})
        detail = client.get(pairing.get_absolute_url())
        assert detail.context["log_count"] == 0 and "已撤回" in detail.content.decode()
        assert client.get(reverse("mentorship:log-update", args=[entry.pk])).status_code == 404

    def test_the_pairing_is_corrected_through_its_page(self, login, township_secretary, pairing):
        client = login(township_secretary)
        response = client.post(reverse("mentorship:pairing-update", args=[pairing.pk]),
                               {"started_on": "2026-02-20", "goals": "学会做群众工作"})  # fmt: skip
        assert response.status_code == 302
        pairing.refresh_from_db()
        assert pairing.started_on == dt.date(2026, 2, 20) and pairing.goals == "学会做群众工作"

    def test_other_townships_entries_are_not_found_and_leaders_cannot_write(
        self, login, township_secretary, leader, county_user, pairing, other_pairing
    ):
        theirs = add_log(county_user, other_pairing)
        mine = add_log(county_user, pairing)
        client = login(township_secretary)
        for name in ("mentorship:log-update", "mentorship:log-withdraw"):
            assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
            assert client.post(reverse(name, args=[theirs.pk]), {"reason": "x"}).status_code == 404
        assert client.get(reverse("mentorship:pairing-update", args=[other_pairing.pk])).status_code == 404
        client = login(leader)
        for name in ("mentorship:log-update", "mentorship:log-withdraw", "mentorship:pairing-update"):
            target = pairing if name == "mentorship:pairing-update" else mine
            assert client.get(reverse(name, args=[target.pk])).status_code == 403
        assert not MentoringLog.with_withdrawn.filter(withdrawn_at__isnull=False).exists()
        leader_page = client.get(pairing.get_absolute_url()).content.decode()
        assert "更正" not in leader_page and "撤回" not in leader_page

    def test_ending_a_pairing_asks_first_and_says_what_happens(self, login, county_user, pairing):
        client = login(county_user)
        end = {"end": "1", "ended_on": "2026-04-01", "end_reason": "调整结对"}
        step = client.post(pairing.get_absolute_url(), end)
        assert step.status_code == 200 and Pairing.objects.get().is_active
        page = step.content.decode()
        assert "导师周建国与李明的结对将于 2026-04-01 结束。" in page and "确认结束结对" in page
        client.post(pairing.get_absolute_url(), {**end, "confirm": "1"})
        assert Pairing.objects.get().ended_on == dt.date(2026, 4, 1)

    def test_leaving_the_pool_through_the_status_page_asks_first(self, login, county_user, pairing):
        client = login(county_user)
        url = reverse("cadre:status", args=[pairing.cadre.pk])
        form = client.get(url).context["form"]
        assert form["to"].value() in (None, "") and form.fields["to"].choices[0] == ("", "请选择…")
        assert client.post(url, {"on": "2026-04-01"}).context["form"].errors["to"]
        data = {"to": "left", "on": "2026-04-01", "reason": "外出务工"}
        step = client.post(url, data)
        assert "与导师周建国的结对将于 2026-04-01 结束" in step.content.decode()
        assert Pairing.objects.get().is_active
        client.post(url, {**data, "confirmed": "1"})
        pairing.refresh_from_db()
        assert pairing.cadre.status == Status.LEFT and pairing.ended_on == dt.date(2026, 4, 1)

    def test_leaving_without_a_reason_is_asked_before_the_confirmation(self, login, county_user, cadre):
        response = login(county_user).post(reverse("cadre:status", args=[cadre.pk]), {"to": "left", "on": "2026-04-01"})
        assert response.context["form"].errors == {"reason": ["请填写退出原因。"]}
        assert not response.context.get("confirming")


class TestQueryCounts:
    """The pages of this change cost the same whatever the number of entries and pairings."""

    @pytest.fixture(params=[2, 12])
    def busy(self, request, county_user, township, pairing):
        from tests.factories import CadreFactory, VillageFactory

        policy_update(user=county_user, county_id=township.county_id, mentee_limit=20,
                      requirements={ActivityForm.TALK: 3})  # fmt: skip
        village = VillageFactory(township=township)
        for i in range(request.param):
            add_log(county_user, pairing, day=DAY + dt.timedelta(days=i))
            other = new_mentor(county_user, township, name=f"导师{i}", phone=f"1380000{i:04d}")
            pairing_create(user=county_user, cadre=CadreFactory(village=village), mentor=other, started_on=DAY)
        return pairing

    def count(self, client, django_assert_num_queries, url, expected, data=None):
        with django_assert_num_queries(expected + REQUEST_TRANSACTION):
            response = client.post(url, data) if data is not None else client.get(url)
        assert response.status_code == 200

    def test_pairing_detail(self, login, county_user, busy, django_assert_num_queries):
        # session, user, pairing, its whole log (withdrawn too)
        self.count(login(county_user), django_assert_num_queries, busy.get_absolute_url(), 4)

    def test_end_confirmation_step(self, login, county_user, busy, django_assert_num_queries):
        data = {"end": "1", "ended_on": "2026-06-01", "end_reason": "调整"}
        # session, user, pairing, its whole log
        self.count(login(county_user), django_assert_num_queries, busy.get_absolute_url(), 4, data)

    def test_log_edit_and_withdraw_pages(self, login, county_user, busy, django_assert_num_queries):
        entry = busy.logs.first()
        client = login(county_user)
        # session, user, the entry with its pairing
        self.count(client, django_assert_num_queries, reverse("mentorship:log-update", args=[entry.pk]), 3)
        self.count(client, django_assert_num_queries, reverse("mentorship:log-withdraw", args=[entry.pk]), 3)
        self.count(client, django_assert_num_queries, reverse("mentorship:pairing-update", args=[busy.pk]), 3)

    def test_status_page_and_its_confirmation(self, login, county_user, busy, django_assert_num_queries):
        client = login(county_user)
        url = reverse("cadre:status", args=[busy.cadre.pk])
        # session, user, cadre, vacant seats of the township
        self.count(client, django_assert_num_queries, url, 4)
        # The confirmation step tries the change and rolls it back (so the service's refusals
        # show at once): the status service's queries (the model's constraint checks among
        # them) in a savepoint, then the effects read afresh. Constant for 2 or 12 logs.
        self.count(client, django_assert_num_queries, url, 70, {"to": "left", "on": "2026-06-01", "reason": "外出"})

    @pytest.mark.parametrize("url", ["mentorship:search-free-cadres", "mentorship:search-mentors",
                                     "cadre:search-cadres", "cadre:search-villages"])  # fmt: skip
    def test_search_endpoints(self, login, county_user, busy, django_assert_num_queries, url):
        client = login(county_user)
        # session, user, the matches
        with django_assert_num_queries(3 + REQUEST_TRANSACTION):
            assert client.get(reverse(url), {"q": "导"}).status_code == 200
