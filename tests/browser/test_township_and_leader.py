"""A township secretary's first login (the password set by staff must be changed) and
another township's cadre (404); a leader who reads everything and can change nothing."""

import io
import re

import pytest
from openpyxl import load_workbook

from tests.factories import MentorFactory, PairingFactory, township_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Buttons and links that change something; the navigation bar (导入记录 is a page to read)
# is left out of the search.
EDITING = r"新增|新建|编辑|导入|更正|结对导师|确认|删除|撤回|保存"


def test_township_secretary_changes_initial_password_and_gets_404_elsewhere(steps, township, cadre, other_cadre):
    page = steps.page
    secretary = township_user(township, username="baishui", must_change_password=True)

    steps.login("baishui")
    page.get_by_text("您的密码由他人设置").wait_for()
    assert page.url.endswith("/accounts/password/")
    steps.shot("forced-password-change")
    steps.goto(f"/cadres/{cadre.pk}/")  # any other page leads back to the password form
    assert page.url.endswith("/accounts/password/")

    page.fill("#id_old_password", "pass-Word-123")
    page.fill("#id_new_password1", "Baishui-Xin-2026")
    page.fill("#id_new_password2", "Baishui-Xin-2026")
    steps.shot("password-form-filled")
    steps.submit("修改密码", scope=page.locator("main"))
    assert not page.url.endswith("/accounts/password/")
    steps.shot("after-password-change")
    secretary.refresh_from_db()
    assert not secretary.must_change_password

    response = steps.goto(f"/cadres/{cadre.pk}/")
    assert response.status == 200 and page.get_by_role("heading", name="李明").count()
    steps.shot("own-cadre")
    response = steps.goto(f"/cadres/{other_cadre.pk}/")
    assert response.status == 404
    assert "王芳" not in page.locator("body").inner_text()
    steps.shot("other-township-404")


def _leader_sees(steps, path, name):
    steps.goto(path)
    steps.shot(name)
    assert steps.buttons(EDITING) == [], path


def test_leader_has_no_edit_buttons(steps, leader, cadre):
    PairingFactory(cadre=cadre, mentor=MentorFactory(township=cadre.village.township))
    steps.login("leader")
    page = steps.page
    assert page.get_by_role("link", name="李明").count()
    _leader_sees(steps, "/cadres/", "cadre-list")
    _leader_sees(steps, f"/cadres/{cadre.pk}/", "cadre-page")
    with page.expect_navigation():
        page.get_by_role("link", name="帮带记录").first.click()
    steps.shot("pairing-page")
    assert steps.buttons(EDITING) == []
    assert page.locator("main form[method=post]").count() == 0
    _leader_sees(steps, "/mentorship/mentors/", "mentor-list")


def test_leader_exports_roster_masked(steps, leader, cadre):
    steps.login("leader")
    page = steps.page
    button = page.locator("main").get_by_role("link", name=re.compile("导出"))
    assert button.count(), "no export button for a leader"
    with page.expect_download() as download:
        button.first.click()
    steps.shot("exported")
    with open(download.value.path(), "rb") as handle:
        _assert_masked(handle.read(), cadre.id_number)


def _assert_masked(content, id_number):
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = [[str(v) if v is not None else "" for v in row] for row in sheet.iter_rows(values_only=True)]
    header_at = next(i for i, row in enumerate(rows) if any("身份证" in v for v in row))
    column = next(i for i, v in enumerate(rows[header_at]) if "身份证" in v)
    numbers = [row[column] for row in rows[header_at + 1 :] if len(row) > column and row[column]]
    assert numbers == [id_number[:4] + "*" * 10 + id_number[-4:]]
    assert id_number not in "".join("".join(row) for row in rows)
