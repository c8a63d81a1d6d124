"""County staff in the browser: an account for a township, a roster import with an error
fixed and imported, a pairing, a talk logged and corrected."""

import re

import pytest

from accounts.models import Role, User
from cadre.models import Cadre
from mentorship.models import MentoringLog, Pairing
from tests.factories import CadreFactory, MentorFactory
from tests.roster_files import person, write_roster

# The live server sees only committed rows, hence a transactional database; the rows data
# migrations wrote (built-in kinds) are restored afterwards.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_create_township_account(steps, county_user, township):
    page = steps.page
    steps.login("county")
    steps.goto("/accounts/users/")
    steps.shot("account-list")
    with page.expect_navigation():
        page.get_by_role("link", name="新建账号").click()
    page.fill("#id_username", "baishui2")
    page.fill("#id_full_name", "赵书记")
    page.select_option("#id_role", label=str(Role.TOWNSHIP.label))
    page.select_option("#id_township", value=str(township.pk))
    page.fill("#id_password1", "Chushi-Mima-2026")
    page.fill("#id_password2", "Chushi-Mima-2026")
    steps.shot("account-form")
    steps.submit("保存")
    steps.shot("account-created")
    assert page.get_by_role("heading").filter(has_text="baishui2").count()
    account = User.objects.get(username="baishui2")
    assert (account.role, account.township, account.must_change_password) == (Role.TOWNSHIP, township, True)
    steps.goto("/accounts/users/")
    row = page.locator("tr", has_text="baishui2")
    assert "待修改初始密码" in row.inner_text()
    steps.shot("account-in-list")


def test_import_roster_fix_error_and_confirm(steps, county_user, village, tmp_path):
    page = steps.page
    good = person(name="李明", seq=101)
    wrong_id = good["身份证号"][:-1] + ("0" if good["身份证号"][-1] != "0" else "1")
    rows = [{**good, "身份证号": wrong_id}, person(name="王芳", seq=102)]
    broken = write_roster(tmp_path / "白水镇花名册.xlsx", rows)
    fixed = write_roster(tmp_path / "白水镇花名册（改正）.xlsx", [good, person(name="王芳", seq=102)])

    steps.login("county")
    assert "导入花名册" in steps.buttons("导入")  # what a leader must not find (test_township_and_leader)
    with page.expect_navigation():
        page.get_by_role("link", name="导入花名册").click()
    steps.shot("upload-form")
    page.set_input_files("input[type=file]", broken)
    steps.submit("上传并预览")
    error = page.get_by_text(re.compile("身份证号：校验位错误，应为")).filter(visible=True)
    error.wait_for()
    steps.shot("preview-with-error")
    body = page.locator("body").inner_text()
    assert wrong_id in body  # the ID number as typed, on the row whose ID is wrong
    assert page.get_by_role("button", name="确认导入").count() == 0
    assert not Cadre.objects.exists()

    with page.expect_navigation():
        page.get_by_role("link", name="重新上传").click()
    page.set_input_files("input[type=file]", fixed)
    steps.submit("上传并预览")
    confirm = page.get_by_role("button", name="确认导入")
    confirm.wait_for()
    assert "将新增2人" in page.locator("body").inner_text()
    steps.shot("preview-fixed")
    steps.submit("确认导入")
    page.get_by_text("导入完成").wait_for()
    steps.shot("imported")
    assert sorted(Cadre.objects.values_list("name", flat=True)) == ["李明", "王芳"]


def test_pair_mentor_log_talk_and_correct(steps, county_user, village):
    page = steps.page
    cadre = CadreFactory(village=village, name="李明")
    MentorFactory(township=village.township, name="陈导师")

    steps.login("county")
    steps.goto(f"/cadres/{cadre.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="结对导师").click()
    page.locator("[data-mentor]").first.click()  # the suggested mentor's 选择
    page.fill("#id_goals", "熟悉村务，能独立主持村民议事。")
    steps.shot("pairing-form")
    steps.submit("确认结对")
    page.get_by_role("heading").filter(has_text="陈导师").wait_for()
    steps.shot("pairing-created")
    pairing = Pairing.objects.get(cadre=cadre)
    assert pairing.mentor.name == "陈导师"

    page.select_option("#id_form", label="谈心谈话")
    page.fill("#id_place", "村委会")
    page.fill("#id_hours", "1.5")
    page.fill("#id_content", "谈心谈话，了解思想和工作情况。")
    steps.shot("log-form")
    steps.submit("保存记录")
    page.get_by_text("帮带记录（1条）").wait_for()
    steps.shot("log-saved")

    with page.expect_navigation():
        page.get_by_role("link", name="更正", exact=True).first.click()
    page.fill("#id_place", "村党群服务中心")
    page.fill("#id_hours", "2")
    steps.shot("log-correction")
    steps.submit("保存更正")
    page.get_by_text("村党群服务中心").first.wait_for()
    steps.shot("log-corrected")
    log = MentoringLog.objects.get(pairing=pairing)
    assert (log.place, str(log.hours), log.form) == ("村党群服务中心", "2.0", "talk")
