"""At phone width (390 px) the wide tables of the assessment pages and the account list stack
into cards (static/css/app.css .table-stack): each table of more than four columns carries the
class and its cells name their column; the roster's buttons wrap below its title."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from assessment.services import year_open
from tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def tables(html: str) -> list[str]:
    return [chunk.split("</table>")[0] for chunk in html.split("<table")[1:]]


def wide_tables(html: str) -> list[str]:
    return [t for t in tables(html) if len(re.findall(r"<th[ >]", t)) > 4]


@pytest.fixture
def year(county_user, county):
    return year_open(user=county_user, county_id=county.pk, year=2026, data={"deadline": dt.date(2026, 12, 20)})


def assert_stacked(html: str, count: int, labels: tuple[str, ...]) -> None:
    wide = wide_tables(html)
    assert len(wide) == count and all("table-stack" in t for t in wide)
    for label in labels:
        assert f'data-label="{label}"' in html, label


def test_the_assignment_list_stacks(login, county_user, cadre):
    AssignmentFactory(cadre=cadre)
    html = login(county_user).get(reverse("assessment:assignment-list")).content.decode()
    assert_stacked(html, 1, ("岗位类型", "角色", "所在单位", "时间", "方式", "评价"))


def test_the_year_list_stacks(login, county_user, year):
    html = login(county_user).get(reverse("assessment:year-list")).content.decode()
    assert_stacked(html, 1, ("上报截止", "优秀比例上限", "民主测评", "指标"))


def test_the_grid_stacks_each_reserve_into_a_card_of_labelled_inputs(login, township_secretary, year, cadre):
    html = login(township_secretary).get(reverse("assessment:grid", args=[year.pk])).content.decode()
    assert_stacked(html, 1, ("总分", "测评人数", "优秀票", "不称职票", "等次", "进退留转", "显绩 / 潜绩", "依据"))
    for indicator in year.indicators.all():
        assert f'data-label="{indicator.name}{indicator.weight}"' in html


def test_the_review_stacks(login, county_user, year, cadre):
    html = login(county_user).get(reverse("assessment:review", args=[year.pk])).content.decode()
    assert_stacked(html, 1, ("在册", "已评", "优秀/名额", "状态", "审定"))


def test_the_account_list_stacks_and_hides_no_column_on_a_phone(login, county_user, township_secretary):
    html = login(county_user).get(reverse("accounts:user-list")).content.decode()
    assert_stacked(html, 1, ("姓名", "角色", "所属单位", "最近登录", "状态"))
    assert "d-none" not in wide_tables(html)[0]


def test_the_roster_buttons_wrap_below_the_title(login, county_user, cadre):
    html = login(county_user).get(reverse("cadre:list")).content.decode()
    header = html.split('<h1 class="h4 mb-0">后备干部花名册</h1>')[0].rsplit("<div", 1)[1]
    assert "flex-wrap" in header
