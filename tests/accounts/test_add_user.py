import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from tests.factories import CountyFactory, TownshipFactory

PASSWORD = "Qingshan-2026-pw"


def add_user(*args, password=PASSWORD, **options) -> str:
    out = io.StringIO()
    if password is not None:
        options.update(password_stdin=True, stdin=io.StringIO(f"{password}\n"))
    call_command("add_user", *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def county():
    return CountyFactory(name="青山县")


@pytest.mark.django_db
def test_county_staff_with_single_county_needs_no_unit(county):
    output = add_user("zhangwei", role="county", name="张伟")

    user = User.objects.get(username="zhangwei")
    assert (user.role, user.county, user.township) == (Role.COUNTY, county, None)
    assert (user.last_name, user.first_name) == ("张", "伟")
    assert user.check_password(PASSWORD)
    assert "已创建用户 zhangwei（张伟）" in output
    assert "县委组织部" in output


@pytest.mark.django_db
def test_leader_with_named_county(county):
    CountyFactory(name="江北区")

    add_user("leader1", role="leader", unit="青山县", name="欧阳明华")

    user = User.objects.get(username="leader1")
    assert (user.role, user.county, user.township) == (Role.LEADER, county, None)
    assert (user.last_name, user.first_name) == ("欧阳", "明华")


@pytest.mark.django_db
def test_county_role_with_several_counties_requires_unit(county):
    CountyFactory(name="江北区")

    with pytest.raises(CommandError, match="系统中有多个县\\(区\\)"):
        add_user("x", role="county")
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_township_secretary_gets_township_and_its_county(county):
    township = TownshipFactory(county=county, name="城关镇")

    output = add_user("town01", role="township", unit="城关镇", name="刘建军")

    user = User.objects.get(username="town01")
    assert (user.role, user.township, user.county) == (Role.TOWNSHIP, township, county)
    assert "乡镇党委" in output and "城关镇" in output


@pytest.mark.django_db
def test_ambiguous_township_needs_county_prefix(county):
    other = CountyFactory(name="江北区")
    TownshipFactory(county=county, name="城关镇")
    theirs = TownshipFactory(county=other, name="城关镇")

    with pytest.raises(CommandError, match="请写成“县名/乡镇名”"):
        add_user("town01", role="township", unit="城关镇")

    add_user("town01", role="township", unit="江北区/城关镇")
    user = User.objects.get(username="town01")
    assert (user.township, user.county) == (theirs, other)


@pytest.mark.django_db
def test_unknown_unit(county):
    with pytest.raises(CommandError, match="找不到单位：白水镇"):
        add_user("town02", role="township", unit="白水镇")
    with pytest.raises(CommandError, match="找不到单位：红旗县"):
        add_user("c1", role="county", unit="红旗县")
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_township_role_requires_unit(county):
    with pytest.raises(CommandError, match="必须指定所属乡镇"):
        add_user("town03", role="township")


@pytest.mark.django_db
def test_unknown_role(county):
    with pytest.raises(CommandError, match="未知角色：boss"):
        add_user("b", role="boss")


@pytest.mark.django_db
def test_rerun_updates_the_same_user(county):
    township = TownshipFactory(county=county, name="城关镇")
    add_user("li", role="county", name="李红梅")

    output = add_user("li", role="township", unit="城关镇", password="Another-pass-2026")

    assert User.objects.filter(username="li").count() == 1
    user = User.objects.get(username="li")
    assert (user.role, user.township, user.county) == (Role.TOWNSHIP, township, county)
    assert (user.last_name, user.first_name) == ("李", "红梅")  # no --name: name kept
    assert user.check_password("Another-pass-2026")
    assert "已更新用户 li" in output


@pytest.mark.django_db
def test_update_without_password_keeps_it(county):
    add_user("li", role="county")

    output = add_user("li", role="leader", password=None)

    user = User.objects.get(username="li")
    assert user.role == Role.LEADER
    assert user.check_password(PASSWORD)
    assert "密码未修改" in output


@pytest.mark.django_db
def test_new_user_needs_a_password(county):
    with pytest.raises(CommandError, match="新用户必须设置密码"):
        add_user("nopw", role="county", password=None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("weak", "message"),
    [
        ("abc1", "密码太短，至少需要8个字符"),
        ("password", "密码太常见"),
        ("20261122", "密码不能全是数字"),
        ("weakling1", "密码与用户名或姓名太相似"),
    ],
)
def test_weak_password_rejected(county, weak, message):
    with pytest.raises(CommandError, match=message):
        add_user("weakling", role="county", password=weak)
    assert not User.objects.filter(username="weakling").exists()


@pytest.mark.django_db
def test_weak_password_does_not_change_existing_user(county):
    add_user("keep", role="county")

    with pytest.raises(CommandError):
        add_user("keep", role="leader", password="12345678")

    user = User.objects.get(username="keep")
    assert user.role == Role.COUNTY
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_empty_stdin(county):
    with pytest.raises(CommandError, match="没有从标准输入读到密码"):
        add_user("e", role="county", password="")


@pytest.mark.django_db
def test_a_password_set_on_the_command_line_must_be_changed_and_is_audited(county):
    from accounts.models import AccountAction, AccountEvent

    add_user("zhangwei", role="county", name="张伟")
    user = User.objects.get(username="zhangwei")
    assert user.must_change_password
    event = AccountEvent.objects.get()
    assert (event.actor, event.target, event.action) == (None, user, AccountAction.CREATE)

    user.must_change_password = False
    user.save()
    add_user("zhangwei", role="county", name="张伟", password=None)
    user.refresh_from_db()
    assert not user.must_change_password  # no new password: nothing to change
    add_user("zhangwei", role="county", password="Another-pw-2027")
    user.refresh_from_db()
    assert user.must_change_password
    assert AccountEvent.objects.filter(action=AccountAction.PASSWORD_RESET, actor=None).count() == 1
