"""The training pages as people use them: the county plans a session, a township takes its
reserves' attendance on the session's page and enters their needs."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import CadreFactory, TrainingSessionFactory, UserFactory, VillageFactory, make_id_number
from tests.queries import REQUEST_TRANSACTION
from training.models import Attendance, Level, TrainingNeed, TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(county, county_user):
    return TrainingSessionFactory(county=county, created_by=county_user, title="五月县级月度培训", has_exam=True)


def test_the_county_creates_a_session_on_the_page(login, county_user, township, other_township):
    data = {"title": "头雁工程第1期", "level": "county", "kind": "lead_goose", "date": "2026-05-20", "hours": "6",
            "place": "县委党校", "target_townships": [township.pk], "target_tiers": ["village"]}  # fmt: skip
    response = login(county_user).post(reverse("training:session-create"), data, follow=True)
    assert "已保存培训班次“头雁工程第1期”。" in response.content.decode()
    session = TrainingSession.objects.get()
    assert list(session.target_townships.all()) == [township] and session.target_tiers == ["village"]
    filters = {"year": "2026", "month": "5", "kind": "lead_goose"}
    page = login(county_user).get(reverse("training:session-list"), filters)
    assert "头雁工程第1期" in page.content.decode()
    other = login(county_user).get(reverse("training:session-list"), {"level": "township"}).content.decode()
    assert "头雁工程第1期" not in other


def test_a_township_secretary_creates_only_its_own_township_level_session(login, township_secretary, township):
    data = {"title": "白水镇轮训", "level": "county", "kind": "rotation", "date": "2026-05-20", "hours": "2"}
    client = login(township_secretary)
    response = client.post(reverse("training:session-create"), data)
    assert response.status_code == 200 and TrainingSession.objects.count() == 0
    client.post(reverse("training:session-create"), {**data, "level": "township", "organizer": township.pk})
    assert TrainingSession.objects.get().organizer == township


def test_the_session_form_offers_townships_and_tiers_as_ticked_boxes(login, county_user, township_secretary, township):
    page = login(county_user).get(reverse("training:session-create")).content.decode()
    assert f'type="checkbox" name="target_townships" value="{township.pk}" class="form-check-input"' in page
    assert 'type="checkbox" name="target_tiers" value="village" class="form-check-input"' in page
    assert "Ctrl" not in page and 'option value="county_monthly" selected' in page
    own = login(township_secretary).get(reverse("training:session-create")).content.decode()
    assert 'option value="other" selected' in own  # not the county's monthly session


def test_the_township_takes_attendance_for_its_own_reserves(login, township_secretary, session, cadre, other_cadre):
    client = login(township_secretary)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "李明" in page and "王芳" not in page and "本页全部出勤" in page
    data = {"cadre": [cadre.pk], f"status-{cadre.pk}": "present", f"score-{cadre.pk}": "92", f"note-{cadre.pk}": ""}
    response = client.post(session.get_absolute_url(), data, follow=True)
    assert "已保存1人的考勤。" in response.content.decode()
    saved = Attendance.objects.get()
    assert (saved.cadre, saved.status, saved.exam_score) == (cadre, "present", 92)
    assert saved.recorded_by == township_secretary
    html = response.content.decode()
    assert "出勤率" in html and "100.0%" in html


def test_a_bad_row_saves_nothing_and_keeps_the_input(login, county_user, session, cadre, other_cadre):
    data = {"cadre": [cadre.pk, other_cadre.pk], f"status-{cadre.pk}": "present", f"note-{cadre.pk}": "按时到",
            f"status-{other_cadre.pk}": "absent", f"score-{other_cadre.pk}": "60"}  # fmt: skip
    response = login(county_user).post(session.get_absolute_url(), data)
    html = response.content.decode()
    assert "王芳：缺勤人员不能填写考试成绩，只有出勤人员才有成绩。" in html and 'value="按时到"' in html
    assert not Attendance.objects.exists()


def test_a_township_posting_another_townships_reserve_saves_nothing(
    login, township_secretary, session, cadre, other_cadre
):
    data = {"cadre": [cadre.pk, other_cadre.pk], f"status-{cadre.pk}": "present", f"status-{other_cadre.pk}": "absent"}
    response = login(township_secretary).post(session.get_absolute_url(), data)
    html = response.content.decode()
    assert "不是本乡镇的后备干部" in html and "王芳" not in html  # named by id only
    assert not Attendance.objects.exists()


def test_another_townships_session_shows_only_own_reserves(
    login, county_user, township_secretary, county, township, other_township, cadre, other_cadre
):
    theirs = TrainingSessionFactory(county=county, created_by=county_user, level=Level.TOWNSHIP,
                                    organizer=other_township, target_townships=[other_township])  # fmt: skip
    joint = TrainingSessionFactory(county=county, created_by=county_user, level=Level.TOWNSHIP,
                                   organizer=other_township, target_townships=[other_township, township])  # fmt: skip
    client = login(township_secretary)
    assert client.get(theirs.get_absolute_url()).status_code == 404
    page = client.get(joint.get_absolute_url()).content.decode()
    assert "李明" in page and "王芳" not in page
    assert "编辑培训" not in page  # organised by another township
    assert client.get(reverse("training:session-update", args=[joint.pk])).status_code == 403


def test_leaders_read_without_a_form(login, leader, session, cadre):
    client = login(leader)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "李明" in page and "保存本页考勤" not in page
    assert client.post(session.get_absolute_url(), {"cadre": [cadre.pk]}).status_code == 403
    coming = TrainingSessionFactory(county=session.county, created_by=session.created_by, title="下月培训",
                                    date=dt.date.today() + dt.timedelta(days=20))  # fmt: skip
    page = client.get(coming.get_absolute_url()).content.decode()
    assert "培训尚未举行" in page and "现在可以先填报" not in page  # a leader enters no needs


def test_the_attendance_page_filters_by_village_and_paginates(login, county_user, session, township, village, cadre):
    second = VillageFactory(township=township, name="竹林村")
    for i in range(55):
        CadreFactory(village=second, name=f"竹{i:02d}", id_number=make_id_number(seq=500 + i))
    client = login(county_user)
    first_page = client.get(session.get_absolute_url(), {"township": township.pk, "village": second.pk})
    assert first_page.context["paginator"].count == 55 and len(first_page.context["rows"]) == 50
    assert "李明" not in first_page.content.decode()
    assert len(client.get(session.get_absolute_url(), {"township": township.pk, "village": second.pk,
                                                       "page": 2}).context["rows"]) == 5  # fmt: skip


@pytest.mark.parametrize("n", [5, 30])
def test_the_attendance_page_does_not_grow_with_the_township(
    login, township_secretary, session, village, n, django_assert_num_queries
):
    people = [CadreFactory(village=village, name=f"人{i}", id_number=make_id_number(seq=300 + i)) for i in range(n)]
    for person in people[::2]:
        Attendance.objects.create(session=session, cadre=person, status="present", recorded_by=session.created_by)
    client = login(township_secretary)
    # session, user, the training session with its target townships, the counts, the row
    # count, the rows, and the villages for the filter
    with django_assert_num_queries(8 + REQUEST_TRANSACTION):
        assert client.get(session.get_absolute_url()).status_code == 200


def test_the_township_enters_needs_and_sees_the_summary(login, township_secretary, county_user, session, cadre,
                                                        other_cadre):  # fmt: skip
    client = login(township_secretary)
    url = reverse("training:needs", args=[session.pk])
    page = client.get(url).content.decode()
    assert "李明" in page and "王芳" not in page
    response = client.post(url, {"cadre": [cadre.pk], f"topics-{cadre.pk}": ["ecommerce", "law"],
                                 f"details-{cadre.pk}": "直播带货"}, follow=True)  # fmt: skip
    assert "已保存1人的培训需求。" in response.content.decode()
    assert TrainingNeed.objects.get().topics == ["ecommerce", "law"]
    summary = login(county_user).get(url).context["summary"]
    assert summary["total"] == 1 and summary["details"] == [{"details": "直播带货", "n": 1}]
    assert [t["label"] for t in summary["topics"] if t["count"]] == ["电商直播", "法律法规"]


def test_the_cadre_page_shows_this_years_training(login, county_user, session, cadre):
    session.date = dt.date.today()
    session.save()
    Attendance.objects.create(session=session, cadre=cadre, status="present", recorded_by=county_user)
    page = login(county_user).get(cadre.get_absolute_url()).content.decode()
    assert "教育培训" in page and "五月县级月度培训" in page and "年出勤 1 次，累计 4 学时" in page
    assert "下列最近 1 次" in page  # the card lists the latest sessions, not the whole year
    assert 'data-label="出勤"' in page  # stacked on a phone


def test_the_training_tables_stack_on_a_phone(login, county_user, session, cadre):
    client = login(county_user)
    sessions = client.get(reverse("training:session-list")).content.decode()
    assert "table-stack" in sessions and 'data-label="已考勤人数"' in sessions and "已记录" not in sessions
    attendance = client.get(reverse("training:session", args=[session.pk])).content.decode()
    assert "table-stack" in attendance and 'data-label="出勤情况"' in attendance
    needs = client.get(reverse("training:needs", args=[session.pk])).content.decode()
    assert "table-stack" in needs and 'data-label="需求主题"' in needs


def test_a_session_still_to_come_says_so_instead_of_zero_attendance(login, county_user, county, session):
    TrainingSessionFactory(county=county, created_by=county_user, title="下月培训",
                           date=dt.date.today() + dt.timedelta(days=20))  # fmt: skip
    html = login(county_user).get(reverse("training:session-list")).content.decode()
    assert html.count(">尚未举行</td>") == 1  # the past session shows its counts
    assert html.count(">考勤</a>") == 1  # no attendance to take before the day


def test_a_session_still_to_come_offers_no_attendance_form(login, township_secretary, county, county_user, cadre):
    coming = TrainingSessionFactory(county=county, created_by=county_user, title="下月培训",
                                    date=dt.date.today() + dt.timedelta(days=20))  # fmt: skip
    html = login(township_secretary).get(coming.get_absolute_url()).content.decode()
    assert "李明" in html and "培训尚未举行" in html and "举行当天起可以登记考勤" in html
    assert "本页全部出勤" not in html and "保存本页考勤" not in html
    assert f'name="status-{cadre.pk}"' in html and 'value="present" disabled' in html
    assert "0.0%" not in html and "现在可以先填报" in html


def test_the_needs_summary_says_when_nothing_is_asked_yet(login, county_user, session, cadre):
    html = login(county_user).get(reverse("training:needs", args=[session.pk])).content.decode()
    assert "暂无具体需求。" in html and "已填报 / 应填报（人）" in html and "0 / 1" in html


def test_the_admin_shows_need_topics_in_chinese(client, county_user, session, cadre):
    TrainingNeed.objects.create(session=session, cadre=cadre, topics=["ecommerce", "law"], recorded_by=county_user)
    client.force_login(UserFactory(username="root", county=None, is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:training_trainingneed_changelist")).content.decode()
    assert "电商直播、法律法规" in page and "ecommerce" not in page


def test_the_needs_menu_lists_sessions_still_to_come(login, county_user, county, session):
    TrainingSessionFactory(county=county, created_by=county_user, title="下月培训",
                           date=dt.date.today() + dt.timedelta(days=20))  # fmt: skip
    page = login(county_user).get(reverse("training:session-list"), {"needs": "open"}).content.decode()
    assert "培训需求征集" in page and "下月培训" in page and "五月县级月度培训" not in page
