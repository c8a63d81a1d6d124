"""The mentor pool, its print view and the compliance page: exports to Excel of every row
in scope (masked for leaders), the print view's cap, the compliance page bounded, and
query counts that do not grow with the data."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse

from mentorship.models import ActivityForm, MentorKind
from mentorship.selectors import overdue_items, overdue_pairings
from mentorship.services import policy_update
from mentorship.views import ComplianceView, MentorPrintView
from tests.factories import CadreFactory, MentorFactory, MentoringLogFactory, PairingFactory, VillageFactory
from tests.queries import REQUEST_TRANSACTION
from tests.xlsx import read_workbook

pytestmark = pytest.mark.django_db
MENTOR_HEADER = [
    "乡镇(街道)",
    "姓名",
    "导师类别",
    "工作单位",
    "职务",
    "联系电话",
    "专长",
    "在带人数",
    "可带人数",
    "状态",
]


@pytest.fixture
def mentors(township, other_township):
    """35 mentors of 白水镇 (more than one page of the list) and one of 龙山乡."""
    own = [MentorFactory(township=township, name=f"白导师{i:02d}", phone=f"1391234{i:04d}") for i in range(35)]
    MentorFactory(township=other_township, name="龙导师", phone="13700001111", post="站长", specialties="种植")
    return own


def overdue_data(user, township, other_township, n):
    """n overdue pairings in 白水镇 (talks every month; one talk each, long ago) and one in 龙山乡."""
    policy_update(user=user, county_id=township.county_id, mentee_limit=5, requirements={ActivityForm.TALK: 1})
    village = VillageFactory(township=township, name="东村")
    for i in range(n):
        started_on = dt.date(2025, 1, 1) + dt.timedelta(days=i)
        pairing = PairingFactory(cadre=CadreFactory(village=village, name=f"后备{i:02d}"), started_on=started_on)
        MentoringLogFactory(pairing=pairing, date=started_on + dt.timedelta(days=31))
    PairingFactory(cadre=CadreFactory(village=VillageFactory(township=other_township, name="南村"), name="钱南"))


class TestMentorExport:
    def test_every_mentor_of_the_filtered_list_unmasked_for_the_county(self, login, county_user, mentors):
        client = login(county_user)
        sheet = read_workbook(client.get(reverse("mentorship:mentor-export")))["导师库"]
        assert sheet[0] == MENTOR_HEADER
        assert len(sheet) == 1 + 36  # every page of the list
        row = next(r for r in sheet if r[1] == "龙导师")
        assert row == [
            "龙山乡",
            "龙导师",
            MentorKind.TOWNSHIP_CADRE.label,
            "镇党委",
            "站长",
            "13700001111",
            "种植",
            0,
            1,
            "在库",
        ]
        filtered = read_workbook(client.get(reverse("mentorship:mentor-export"), {"q": "龙"}))["导师库"]
        assert [r[1] for r in filtered[1:]] == ["龙导师"]

    def test_a_leader_gets_phone_numbers_masked(self, login, leader, mentors):
        sheet = read_workbook(login(leader).get(reverse("mentorship:mentor-export")))["导师库"]
        row = next(r for r in sheet if r[1] == "龙导师")
        assert row[5] == "137****1111"
        assert not any("13700001111" in str(value) for r in sheet for value in r)

    def test_a_township_user_exports_only_their_township(self, login, township_secretary, other_township, mentors):
        client = login(township_secretary)
        sheet = read_workbook(client.get(reverse("mentorship:mentor-export")))["导师库"]
        assert len(sheet) == 1 + 35 and {r[0] for r in sheet[1:]} == {"白水镇"}
        # another township's id is no valid filter: nothing, as the list shows nothing
        other = {"township": other_township.pk}
        assert read_workbook(client.get(reverse("mentorship:mentor-export"), other))["导师库"] == [MENTOR_HEADER]
        assert client.get(reverse("mentorship:mentor-print"), other).context["count"] == 0

    @pytest.mark.parametrize("n", [3, 40])
    def test_query_count_does_not_grow(self, login, county_user, township, django_assert_num_queries, n):
        for _ in range(n):
            PairingFactory(
                mentor=MentorFactory(township=township), cadre=CadreFactory(village=VillageFactory(township=township))
            )
        client = login(county_user)
        # session, user, county limits, the mentors
        with django_assert_num_queries(4 + REQUEST_TRANSACTION):
            sheet = read_workbook(client.get(reverse("mentorship:mentor-export")))["导师库"]
        assert len(sheet) == 1 + n


class TestMentorPrint:
    def test_the_print_view_lists_every_filtered_mentor(self, login, county_user, mentors):
        client = login(county_user)
        response = client.get(reverse("mentorship:mentor-print"), {"township": mentors[0].township_id})
        html = response.content.decode()
        assert len(response.context["mentors"]) == 35 and response.context["count"] == 35
        assert "白导师34" in html and "龙导师" not in html
        assert "data-autoprint" in html and "js/print.js" in html and "<nav" not in html
        assert "超过" not in html

    def test_beyond_the_cap_it_prints_the_first_rows_and_says_so(self, county_user, mentors):
        request = RequestFactory().get(reverse("mentorship:mentor-print"))
        request.user = county_user
        response = MentorPrintView.as_view(print_limit=10)(request)
        response.render()
        assert [m.name for m in response.context_data["mentors"]] == [f"白导师{i:02d}" for i in range(10)]
        assert "共36条，超过10条，请缩小筛选范围或导出Excel" in response.content.decode()

    def test_the_list_links_to_export_and_print_with_its_filter(self, login, county_user, mentors):
        html = login(county_user).get(reverse("mentorship:mentor-list"), {"q": "龙"}).content.decode()
        assert f'href="{reverse("mentorship:mentor-export")}?q=%E9%BE%99"' in html
        assert f'href="{reverse("mentorship:mentor-print")}?q=%E9%BE%99"' in html

    @pytest.mark.parametrize("n", [3, 40])
    def test_query_count_does_not_grow(self, login, county_user, township, django_assert_num_queries, n):
        for _ in range(n):
            MentorFactory(township=township)
        client = login(county_user)
        # session, user, the mentors, their count, county limits
        with django_assert_num_queries(5 + REQUEST_TRANSACTION):
            response = client.get(reverse("mentorship:mentor-print"))
        assert len(response.context["mentors"]) == n


class TestCompliance:
    def test_the_export_holds_every_row_of_the_three_lists(self, login, county_user, township, other_township):
        overdue_data(county_user, township, other_township, 60)
        CadreFactory(village=VillageFactory(township=township, name="西村"), name="未结对", phone="13912345678")
        book = read_workbook(login(county_user).get(reverse("mentorship:compliance-export")))
        assert list(book) == ["按乡镇", "逾期帮带", "未结对"]
        assert book["按乡镇"] == [
            ["乡镇(街道)", "在帮结对", "逾期结对", "未结对后备干部"],
            ["白水镇", 60, 60, 1],
            ["龙山乡", 1, 1, 0],
            ["合计", 61, 61, 1],
        ]
        overdue = book["逾期帮带"]
        assert overdue[0] == [
            "乡镇(街道)",
            "村(社区)",
            "后备干部",
            "导师",
            "帮带形式",
            "上次开展",
            "应于",
            "逾期天数",
        ]
        assert len(overdue) == 1 + 61
        first = overdue[1]  # the most overdue: the first talk of 后备00 was due 2025-03-01
        assert first[:3] == ["白水镇", "东村", "后备00"] and first[4:7] == [
            "谈心谈话",
            dt.datetime(2025, 2, 1),
            dt.datetime(2025, 3, 1),
        ]
        assert first[7] == (dt.date.today() - dt.date(2025, 3, 1)).days
        assert [r[2] for r in overdue[1:4]] == ["后备00", "后备01", "后备02"]
        without = book["未结对"][1]
        assert [without[i] for i in (0, 1, 2, 4)] == ["白水镇", "西村", "未结对", "13912345678"]

    def test_the_export_respects_the_township_and_masks_for_leaders(
        self, login, leader, township, other_township, county_user
    ):
        overdue_data(county_user, township, other_township, 2)
        CadreFactory(village=VillageFactory(township=other_township), name="未结对", phone="13912345678")
        book = read_workbook(
            login(leader).get(reverse("mentorship:compliance-export"), {"township": other_township.pk})
        )
        assert book["按乡镇"][1:] == [["龙山乡", 1, 1, 1], ["合计", 1, 1, 1]]
        assert [r[2] for r in book["逾期帮带"][1:]] == ["钱南"]
        assert book["未结对"][1][2] == "未结对" and book["未结对"][1][4] == "139****5678"

    def test_a_township_user_exports_only_their_township(
        self, login, township_secretary, county_user, township, other_township
    ):
        overdue_data(county_user, township, other_township, 2)
        book = read_workbook(login(township_secretary).get(reverse("mentorship:compliance-export")))
        assert [r[0] for r in book["按乡镇"][1:]] == ["白水镇", "合计"]
        assert {r[0] for r in book["逾期帮带"][1:]} == {"白水镇"}
        # another township by URL: nothing of it
        book = read_workbook(
            login(township_secretary).get(reverse("mentorship:compliance-export"), {"township": other_township.pk})
        )
        assert book["按乡镇"][1:] == [["合计", 0, 0, 0]] and book["逾期帮带"][1:] == [] and book["未结对"][1:] == []

    def test_the_page_shows_the_first_rows_most_overdue_first_with_counts(self, county_user, township, other_township):
        overdue_data(county_user, township, other_township, 6)
        for i in range(4):
            CadreFactory(village=VillageFactory(township=township), name=f"未结对{i}")
        request = RequestFactory().get(reverse("mentorship:compliance"))
        request.user = county_user
        response = ComplianceView.as_view(shown_rows=3)(request)
        response.render()
        context = response.context_data
        assert context["overdue_count"] == 7 and context["without_count"] == 4
        assert [p.cadre.name for p in context["overdue"]] == ["后备00", "后备01", "后备02"]
        days = [p.days_overdue for p in context["overdue"]]
        assert days == sorted(days, reverse=True)
        assert len(context["without"]) == 3
        html = response.content.decode()
        assert "共7项，仅显示前3项，全部请导出Excel" in html and "共4项，仅显示前3项，全部请导出Excel" in html
        assert reverse("mentorship:compliance-export") in html and "data-print" in html

    @pytest.mark.parametrize("n", [3, 60])
    def test_page_query_count_does_not_grow(
        self, login, county_user, township, other_township, django_assert_num_queries, n
    ):
        overdue_data(county_user, township, other_township, n)
        client = login(county_user)
        # session, user, overdue rows and their count, reserves without a mentor and their
        # count, then the township table: pairing counts, without-mentor counts, townships
        with django_assert_num_queries(9 + REQUEST_TRANSACTION):
            response = client.get(reverse("mentorship:compliance"))
        assert len(response.context["overdue"]) == min(n + 1, 50) and response.context["overdue_count"] == n + 1

    @pytest.mark.parametrize("n", [3, 40])
    def test_export_query_count_does_not_grow(
        self, login, county_user, township, other_township, django_assert_num_queries, n
    ):
        overdue_data(county_user, township, other_township, n)
        client = login(county_user)
        # session, user, pairing counts, without-mentor counts, townships, overdue rows, without rows
        with django_assert_num_queries(7 + REQUEST_TRANSACTION):
            book = read_workbook(client.get(reverse("mentorship:compliance-export")))
        assert len(book["逾期帮带"]) == 1 + n + 1


@pytest.mark.parametrize("today", [dt.date(2025, 3, 1), dt.date(2025, 3, 2), dt.date(2025, 6, 30), dt.date(2026, 1, 1)])
def test_overdue_items_agree_with_overdue_pairings(county_user, township, other_township, today):
    policy_update(user=county_user, county_id=township.county_id, mentee_limit=5,
                  requirements={ActivityForm.TALK: 1, ActivityForm.FIELD_RESEARCH: 3})  # fmt: skip
    village = VillageFactory(township=township)
    fresh = PairingFactory(cadre=CadreFactory(village=village), started_on=dt.date(2025, 1, 31))
    talked = PairingFactory(cadre=CadreFactory(village=village), started_on=dt.date(2025, 1, 1))
    MentoringLogFactory(pairing=talked, date=dt.date(2025, 2, 1))
    MentoringLogFactory(pairing=talked, date=dt.date(2025, 2, 20), form=ActivityForm.FIELD_RESEARCH)
    PairingFactory(cadre=CadreFactory(village=VillageFactory(township=other_township)), started_on=dt.date(2024, 12, 1))
    PairingFactory(
        cadre=CadreFactory(village=village),
        started_on=dt.date(2024, 1, 1),
        ended_on=dt.date(2024, 6, 1),
        end_reason="调整",
    )
    expected = {
        (o.pairing.pk, o.form_label, o.last_on, o.due_on) for o in overdue_pairings(user=county_user, today=today)
    }
    items = list(overdue_items(user=county_user, today=today))
    assert {(p.pk, ActivityForm(p.form).label, p.last_on, p.due_on) for p in items} == expected
    assert [p.due_on for p in items] == sorted(p.due_on for p in items)
    assert fresh.pk in {p.pk for p in overdue_items(user=county_user, today=dt.date(2025, 3, 1))}
