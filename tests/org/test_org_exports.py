"""The organization overview and township page exported to Excel: the townships with their
totals, every village with its counts and whether it is below the county's minimum of
reserves; scoped (another township's page is a 404) and at a cost independent of size."""

import pytest
from django.urls import reverse

from tests.factories import CadreFactory, TownshipFactory, VillageFactory, make_id_number
from tests.queries import REQUEST_TRANSACTION
from tests.xlsx import read_workbook

pytestmark = pytest.mark.django_db
VILLAGE_HEADER = [
    "乡镇(街道)",
    "村(社区)",
    "在册后备干部",
    "已进入两委",
    "两委职位",
    "空缺职位",
    "每村最低人数",
    "低于最低人数",
]


@pytest.fixture
def units(county, township, other_township, village, other_village):
    county.min_reserves_per_village = 2
    county.save()
    for i in range(2):
        CadreFactory(village=other_village, id_number=make_id_number(seq=900 + i))
    CadreFactory(village=village, id_number=make_id_number(seq=910))
    return village, other_village


def test_the_overview_export_has_townships_with_totals_and_every_village(login, county_user, units):
    village, other_village = units
    seats = village.seats.count()
    book = read_workbook(login(county_user).get(reverse("org:export")))
    assert list(book) == ["乡镇(街道)", "村(社区)"]
    assert book["乡镇(街道)"] == [
        ["县(区)", "乡镇(街道)", "村(社区)数", "在册后备干部", "已进入两委", "两委空缺职位"],
        ["青山县", "白水镇", 1, 1, 0, seats],
        ["青山县", "龙山乡", 1, 2, 0, other_village.seats.count()],
        ["合计", "2个乡镇(街道)", 2, 3, 0, seats + other_village.seats.count()],
    ]
    assert book["村(社区)"] == [
        VILLAGE_HEADER,
        ["白水镇", "枫树村", 1, 0, seats, seats, 2, "是"],
        ["龙山乡", "石桥村", 2, 0, other_village.seats.count(), other_village.seats.count(), 2, "否"],
    ]


def test_a_township_user_exports_their_own_township_only(login, township_secretary, township, other_township, units):
    client = login(township_secretary)
    book = read_workbook(client.get(reverse("org:export")))
    assert [row[1] for row in book["乡镇(街道)"][1:]] == ["白水镇", "1个乡镇(街道)"]
    assert [row[1] for row in book["村(社区)"][1:]] == ["枫树村"]
    sheet = read_workbook(client.get(reverse("org:township-export", args=[township.pk])))["村(社区)"]
    assert [row[1] for row in sheet[1:]] == ["枫树村"]
    assert client.get(reverse("org:township-export", args=[other_township.pk])).status_code == 404


def test_a_leader_may_export_the_overview(login, leader, units):
    book = read_workbook(login(leader).get(reverse("org:export")))
    assert len(book["村(社区)"]) == 3


def test_the_pages_offer_export_and_print(login, county_user, township):
    html = login(county_user).get(reverse("org:overview")).content.decode()
    assert f'href="{reverse("org:export")}"' in html and "data-print" in html and "js/print.js" in html
    html = login(county_user).get(reverse("org:township", args=[township.pk])).content.decode()
    assert f'href="{reverse("org:township-export", args=[township.pk])}"' in html and "data-print" in html


@pytest.mark.parametrize("n", [1, 8])
def test_the_exports_cost_the_same_whatever_the_county(login, county, county_user, n, django_assert_num_queries):
    township = TownshipFactory(county=county)
    for i in range(n):
        CadreFactory(village=VillageFactory(township=township), id_number=make_id_number(seq=600 + i))
    client = login(county_user)
    # session, user, townships with their counts (totals summed from them), the villages with theirs
    with django_assert_num_queries(4 + REQUEST_TRANSACTION):
        book = read_workbook(client.get(reverse("org:export")))
    assert len(book["村(社区)"]) == 1 + n
    # session, user, the township, its villages with their counts
    with django_assert_num_queries(4 + REQUEST_TRANSACTION):
        sheet = read_workbook(client.get(reverse("org:township-export", args=[township.pk])))["村(社区)"]
    assert len(sheet) == 1 + n
