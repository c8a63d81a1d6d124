"""At phone width (390 px) the mentor pool and a mentor's pairings stack into cards instead of
scrolling sideways; the pool's buttons wrap below its title."""

import pytest
from django.urls import reverse

from mentorship.services import pairing_create
from tests.common.test_phone_width import assert_stacked, tables
from tests.mentorship.test_views import DAY, mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def pairing(county_user, township, cadre):
    return pairing_create(user=county_user, cadre=cadre, mentor=mentor(county_user, township), started_on=DAY)


def test_the_mentor_pool_stacks_and_its_buttons_wrap(login, county_user, pairing):
    html = login(county_user).get(reverse("mentorship:mentor-list")).content.decode()
    assert_stacked(html, 1, ("类别", "乡镇(街道)", "单位及职务", "联系电话", "专长", "在带/可带", "状态"))
    header = html.split('<h1 class="h4 mb-0">导师库</h1>')[0].rsplit("<div", 1)[1]
    assert "flex-wrap" in header


def test_a_mentors_pairings_stack(login, county_user, pairing):
    html = login(county_user).get(pairing.mentor.get_absolute_url()).content.decode()
    (table,) = tables(html)
    assert "table-stack" in table and 'data-label="结对时间"' in table and 'data-label="状态"' in table
    assert "李明" in table and "在帮" in table
