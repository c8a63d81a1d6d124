"""The organization overview and township pages: totals counted by the database, the
hints column, the 在册 note, and page cost that does not grow with the county; plus the
small things every page shares (the favicon)."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from cadre.models import Status
from cadre.services import cadre_change_status
from org.models import SeatPost
from org.services import seat_holder_assign
from tests.factories import CadreFactory, TownshipFactory, VillageFactory, make_id_number
from tests.queries import REQUEST_TRANSACTION

pytestmark = pytest.mark.django_db


def test_the_overview_has_a_totals_row_counted_by_the_database(
    login, county_user, township, other_township, village, other_village, cadre, other_cadre
):
    CadreFactory(village=village, name="退出者")
    cadre_change_status(
        user=county_user, cadre=village.cadres.get(name="退出者"), to=Status.LEFT, on=timezone.localdate(), reason="x"
    )
    seated = CadreFactory(village=village, name="进两委")
    cadre_change_status(
        user=county_user, cadre=seated, to=Status.SEATED, on=timezone.localdate(), seat=village.seats.first()
    )
    response = login(county_user).get(reverse("org:overview"))
    seats = village.seats.count() + other_village.seats.count() - 1
    assert response.context["totals"] == {
        "townships": 2,
        "villages": 2,
        "reserves": 2,  # in the pool: 储备中 and 重点培养, not the seated one nor the one who left
        "seated": 1,
        "vacant_seats": seats,
    }
    rows = {t.name: (t.reserve_count, t.seated_count) for t in response.context["townships"]}
    assert rows == {"白水镇": (1, 1), "龙山乡": (1, 0)}
    html = response.content.decode()
    assert "合计" in html and "2个乡镇(街道)" in html
    assert "“在册后备干部”指仍在后备队伍中的人员（储备中、重点培养）" in html


def test_a_township_secretary_sees_only_their_own_totals(login, township_secretary, cadre, other_cadre):
    response = login(township_secretary).get(reverse("org:overview"))
    assert response.context["totals"]["reserves"] == 1
    assert "合计" not in response.content.decode()  # one row needs no totals


@pytest.mark.parametrize("n", [1, 6])
def test_the_overview_costs_the_same_whatever_the_county(login, county, county_user, n, django_assert_num_queries):
    for i in range(n):
        village = VillageFactory(township=TownshipFactory(county=county))
        CadreFactory(village=village, id_number=make_id_number(seq=600 + i))
    client = login(county_user)
    # session, user, townships with their counts (the totals row is summed from them)
    with django_assert_num_queries(3 + REQUEST_TRANSACTION):
        assert client.get(reverse("org:overview")).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_the_township_page_costs_the_same_whatever_the_township(
    login, township, county_user, n, django_assert_num_queries
):
    for i in range(n):
        CadreFactory(village=VillageFactory(township=township), id_number=make_id_number(seq=700 + i))
    client = login(county_user)
    # session, user, township, villages with their counts
    with django_assert_num_queries(4 + REQUEST_TRANSACTION):
        assert client.get(reverse("org:township", args=[township.pk])).status_code == 200


def test_the_township_page_hints_on_every_village(login, county_user, township, village):
    full = VillageFactory(township=township, name="满员村")
    for i in range(2):
        CadreFactory(village=full, id_number=make_id_number(seq=800 + i))
    for seat in full.seats.all():
        seat_holder_assign(user=county_user, seat=seat, name="某人", since=timezone.localdate())
    CadreFactory(village=village)
    html = login(county_user).get(reverse("org:township", args=[township.pk])).content.decode()
    assert "储备不足" in html and "有空缺职位" in html and "正常" in html
    assert f"{village.get_absolute_url()}#seats" in html
    bare = VillageFactory(township=township, name="空村")
    html = login(county_user).get(reverse("org:township", args=[township.pk])).content.decode()
    assert "无后备干部" in html and bare.name in html


def test_every_page_links_the_favicon(login, county_user):
    html = login(county_user).get(reverse("org:overview")).content.decode()
    assert 'rel="icon"' in html and "favicon" in html
    assert finders.find("favicon.svg")


def test_the_mentor_import_names_its_file_plainly(login, county_user):
    form = login(county_user).get(reverse("mentorship:mentor-import")).context["form"]
    assert form.fields["file"].label == "导师名册文件"


def test_seat_labels_in_the_village_page_use_chinese_quotes(login, county_user, village):
    html = login(county_user).get(reverse("org:village", args=[village.pk])).content.decode()
    assert "村“两委”班子" in html
    assert str(SeatPost.SECRETARY.label) in html
