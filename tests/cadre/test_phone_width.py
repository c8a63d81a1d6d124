"""At phone width the wide tables of the roster, the cadre page and the compliance page stack into
cards (static/css/app.css .table-stack): each such table carries the class and its cells name their column."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def tables(html: str) -> list[str]:
    return [chunk.split("</table>")[0] for chunk in html.split("<table")[1:]]


def test_roster_rows_stack_with_labelled_cells(login, county_user, cadre):
    html = login(county_user).get(reverse("cadre:list")).content.decode()
    (table,) = tables(html)
    assert "table-stack" in table
    for label in ("身份证号", "联系电话", "乡镇(街道)", "村(社区)", "层级", "状态"):
        assert f'data-label="{label}"' in table


def test_cadre_page_sections_stack(login, county_user, cadre):
    html = login(county_user).get(cadre.get_absolute_url()).content.decode()
    assert all("table-stack" in t for t in tables(html))  # mentoring, frontline and training cards


def test_compliance_tables_with_more_than_four_columns_stack(login, county_user, cadre):
    html = login(county_user).get(reverse("mentorship:compliance")).content.decode()
    wide = [t for t in tables(html) if len(re.findall(r"<th[ >]", t)) > 4]
    assert len(wide) == 2 and all("table-stack" in t for t in wide)
    assert 'data-label="逾期结对"' in html
