"""What was changed after looking at every page (issue 11) as the county user and as a leader:
the behaviour behind each fix (a stacked table on a phone, an empty state a clerk can act on, a
label where a blank was, the parts of a page that stay off paper)."""

import pytest
from django.urls import reverse

from imports.models import HeaderMapping
from org.models import Township
from tests.common.test_phone_width import assert_stacked

pytestmark = pytest.mark.django_db


def test_the_mappings_page_stacks_on_a_phone_and_leads_back_to_the_import_history(login, county_user, county):
    HeaderMapping.objects.create(kind="roster", county=county, header="人员类型", field="source", chosen_by=county_user)
    html = login(county_user).get(reverse("imports:mappings")).content.decode()
    assert_stacked(html, 1, ("导入类型", "单位", "对应的系统字段", "设置人", "时间"))
    crumbs = html.split('<ol class="breadcrumb')[1].split("</ol>")[0]
    assert reverse("imports:history") in crumbs and reverse("cadre:import") not in crumbs


def test_the_empty_organization_says_whom_to_ask_not_which_command_to_run(login, county_user, county):
    Township.objects.filter(county=county).delete()
    html = login(county_user).get(reverse("org:overview")).content.decode()
    assert "尚未导入组织架构" in html
    assert "manage.py" not in html and "import_units" not in html


def test_a_settings_change_without_a_person_is_credited_to_the_system(login, county_user, county):
    county.save()  # a history row written outside a request: no user
    html = login(county_user).get(reverse("cadre:county-settings")).content.decode()
    history = html.split("修改记录")[1]
    assert 'data-label="操作人">系统</td>' in history


def test_a_tick_box_stands_before_its_label(login, county_user, county):
    html = login(county_user).get(reverse("cadre:county-settings")).content.decode()
    check = html.split('<div class="form-check')[1].split("</div>")[0]
    assert check.index('type="checkbox"') < check.index('class="form-check-label"')
    assert "中共党员须填写入党时间" in check


def test_a_field_with_an_error_is_marked(login, county_user, county):
    response = login(county_user).post(reverse("accounts:password-change"), {"old_password": "wrong"})
    html = response.content.decode()
    assert html.count("field-error") == 3  # the wrong old password and the two missing new ones


def test_the_status_form_and_the_missing_photo_stay_off_paper(login, county_user, cadre):
    html = login(county_user).get(reverse("cadre:detail", args=[cadre.pk])).content.decode()
    assert '<div class="card d-print-none">\n      <div class="card-header">变更状态</div>' in html
    assert "py-md-5 mt-2 mt-md-0 d-print-none" in html and "暂无照片" in html


def test_the_seat_actions_column_stays_off_paper(login, county_user, village):
    html = login(county_user).get(reverse("org:village", args=[village.pk])).content.decode()
    assert '<th class="text-end d-print-none">操作</th>' in html


def test_a_report_page_uses_the_record_look_and_says_how_often_it_was_generated(login, county_user, county):
    from reports.models import ReportRun

    run = ReportRun.objects.create(kind="summary", county=county, month="2026-11-01", requested_by=county_user)
    html = login(county_user).get(reverse("reports:detail", args=[run.pk])).content.decode()
    assert '<dl class="record row mb-0">' in html and "生成次数" in html and "执行次数" not in html


def test_the_report_request_page_proposes_last_month(login, county_user, county):
    from reports.services import last_month

    html = login(county_user).get(reverse("reports:request")).content.decode()
    assert f'value="{last_month():%Y-%m}"' in html


def test_a_printed_township_says_what_it_is(login, county_user, township):
    html = login(county_user).get(reverse("org:township", args=[township.pk])).content.decode()
    title = html.split('<h1 class="h4 mb-0">')[1].split("</h1>")[0]
    assert f'<span class="d-none d-print-inline">{township.county.name} </span>{township.name}' in title
    assert "组织架构" in title


def _fold(html: str, target: str) -> str:
    return html.split(f'id="{target}"')[0].rsplit("<div", 1)[1]


def test_a_list_folds_its_filters_on_a_phone_until_one_is_set(login, county_user, county):
    client = login(county_user)
    html = client.get(reverse("reports:list")).content.decode()
    assert 'data-bs-target="#filter-fields"' in html and "d-md-block" in _fold(html, "filter-fields")
    assert "show" not in _fold(html, "filter-fields") and "已设" not in html
    html = client.get(reverse("reports:list"), {"kind": "summary"}).content.decode()
    assert "show" in _fold(html, "filter-fields") and "筛选（已设 1 项）" in html


def test_the_roster_keeps_its_search_and_folds_the_other_filters_on_a_phone(login, county_user, township):
    client = login(county_user)
    for query in ({}, {"q": "李"}):
        html = client.get(reverse("cadre:list"), query).content.decode()
        assert 'id="id_q"' in html.split('id="filter-more"')[0]  # the search box stays outside the fold
        assert "show" not in _fold(html, "filter-more") and "更多筛选（已设）" not in html
    html = client.get(reverse("cadre:list"), {"q": "李", "township": township.pk}).content.decode()
    assert "show" in _fold(html, "filter-more") and "更多筛选（已设）" in html


def test_a_form_with_errors_says_so_above_its_fields(login, county_user, county):
    html = login(county_user).post(reverse("cadre:create"), {"name": "测试", "id_number": "123"}).content.decode()
    note = html.split('form-errors-note">')[1].split("</div>")[0]
    assert "项需要修改，已在下方标红。" in note
    assert int(note.split("有 ")[1].split(" 项")[0]) == html.count("field-error")


def test_the_account_edit_form_opens_with_the_accounts_name_role_and_township(login, county_user, leader, township):
    from tests.factories import township_user

    secretary = township_user(township, first_name="唐海燕")
    client = login(county_user)
    form = client.get(reverse("accounts:user-update", args=[secretary.pk])).context["form"]
    assert form["full_name"].value() == secretary.get_full_name() == "唐海燕"
    assert form["role"].value() == "township" and form["township"].value() == township.pk
    html = client.get(reverse("accounts:user-update", args=[leader.pk])).content.decode()
    assert '<option value="leader" selected>' in html


def test_a_cadres_change_history_stacks_on_a_phone(login, county_user, cadre):
    html = login(county_user).get(reverse("cadre:history", args=[cadre.pk])).content.decode()
    table = html.split("<table")[1].split("</table>")[0]
    assert "table-stack" in table and 'data-label="操作人"' in table and 'data-label="操作"' in table


def test_the_empty_import_history_says_what_will_appear_or_that_the_filter_found_nothing(login, county_user, county):
    client = login(county_user)
    html = client.get(reverse("imports:history")).content.decode()
    assert html.count("每次上传花名册、导师名单、培训需求等文件（预览或导入）都会记在这里。") == 2  # table and cards
    html = client.get(reverse("imports:history"), {"state": "applied"}).content.decode()
    assert html.count("没有符合条件的导入记录。") == 2 and "都会记在这里" not in html


def test_one_countys_organization_page_names_the_county_once_not_on_every_row(
    login, county_user, township, other_township
):
    html = login(county_user).get(reverse("org:overview")).content.decode()
    head = html.split("<thead")[1].split("</thead>")[0]
    assert "县(区)" not in head and head.split("<th")[1].startswith(">乡镇(街道)")
    assert html.split("<tfoot")[1].split("<td")[1].startswith(' class="text-wrap">合计：')
    assert f'<span class="d-none d-print-inline">{county_user.county.name} </span>组织架构' in html
