"""A page past the end of any list (an old link, ``?page=999``) or a page that is not a
number shows the nearest page, never a 404."""

import pytest
from django.urls import reverse

from subsidies.services import sheet_compute

pytestmark = pytest.mark.django_db

LISTS = [
    "cadre:list", "mentorship:mentor-list", "mentorship:pairing-list", "assessment:assignment-list",
    "training:session-list", "subsidies:policy-list", "subsidies:sheet-list", "reports:list", "imports:history",
    "accounts:user-list",
]  # fmt: skip


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("page", ["999", "abc"])
def test_a_page_past_the_end_shows_the_last_page(login, county_user, cadre, name, page):
    response = login(county_user).get(reverse(name), {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1  # one page of rows: the last is the first


def test_a_sheets_lines_page_past_the_end(login, county_user, cadre):
    sheet = sheet_compute(county_id=cadre.village.township.county_id, month=cadre.entered_on.replace(day=1), user=None)
    response = login(county_user).get(reverse("subsidies:sheet-detail", args=[sheet.pk]), {"page": "999"})
    assert response.status_code == 200 and response.context["page_obj"].number == 1


@pytest.mark.parametrize("name", LISTS)
def test_the_page_links_keep_the_filters_without_the_page(login, county_user, cadre, name):
    response = login(county_user).get(reverse(name), {"page": "2", "q": "李", "kind": "x"})
    assert response.context["query_string"] == "q=%E6%9D%8E&kind=x"


def test_a_sheets_page_links_drop_the_adjustment_too(login, county_user, cadre):
    sheet = sheet_compute(county_id=cadre.village.township.county_id, month=cadre.entered_on.replace(day=1), user=None)
    url = reverse("subsidies:sheet-detail", args=[sheet.pk])
    response = login(county_user).get(url, {"page": "2", "apage": "3", "adjust": cadre.pk, "q": "李"})
    assert response.context["query_string"] == "q=%E6%9D%8E"


def test_a_sessions_attendance_links_keep_the_filters(login, county_user, cadre):
    from tests.factories import TrainingSessionFactory

    session = TrainingSessionFactory(county=cadre.village.township.county, created_by=county_user)
    response = login(county_user).get(reverse("training:session", args=[session.pk]), {"page": "2", "q": "李"})
    assert response.context["query_string"] == "q=%E6%9D%8E"
