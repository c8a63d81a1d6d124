"""The account pages: county staff manage their county's township secretaries and leaders;
every user changes their own password, and a password set by someone else first."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from accounts.models import AccountAction, AccountEvent, Role, User
from tests.factories import PASSWORD, CountyFactory, TownshipFactory, UserFactory, leader_user, township_user
from tests.queries import REQUEST_TRANSACTION

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Baishui-2027-secret"


def detail(user):
    return reverse("accounts:user-detail", args=[user.pk])


@pytest.fixture
def other_county_secretary(db):
    township = TownshipFactory(county=CountyFactory(name="白云县"), name="石门镇")
    return township_user(township, username="shimen")


def signed_in(user, password=PASSWORD) -> Client:
    """A separate browser of ``user``."""
    client = Client()
    assert client.login(username=user.username, password=password)
    return client


class TestScoping:
    def test_the_list_shows_the_countys_secretaries_and_leaders_only(
        self, login, county_user, township_secretary, leader, other_county_secretary
    ):
        colleague = UserFactory(username="colleague", role=Role.COUNTY, county=county_user.county)
        html = login(county_user).get(reverse("accounts:user-list")).content.decode()
        assert "baishui" in html and "leader" in html
        assert "shimen" not in html and colleague.username not in html

    def test_another_countys_user_is_not_found_anywhere(self, login, county_user, other_county_secretary):
        client = login(county_user)
        pk = other_county_secretary.pk
        for name in ("user-detail", "user-update", "user-deactivate", "user-reactivate", "user-password-reset"):
            assert client.get(reverse(f"accounts:{name}", args=[pk])).status_code == 404, name
            if name != "user-detail":
                assert client.post(reverse(f"accounts:{name}", args=[pk]), {}).status_code == 404, name
        other_county_secretary.refresh_from_db()
        assert other_county_secretary.is_active and not AccountEvent.objects.exists()

    def test_county_staff_colleagues_and_superusers_are_not_theirs_to_manage(self, login, county_user):
        colleague = UserFactory(username="colleague", role=Role.COUNTY, county=county_user.county)
        root = UserFactory(username="root", county=county_user.county, is_superuser=True)
        client = login(county_user)
        assert client.get(detail(colleague)).status_code == 404
        assert client.get(detail(root)).status_code == 404
        assert client.get(detail(county_user)).status_code == 404  # their own password: 修改密码

    @pytest.mark.parametrize("who", ["township_secretary", "leader"])
    def test_secretaries_and_leaders_cannot_reach_the_pages(self, request, login, who, county_user):
        client = login(request.getfixturevalue(who))
        secretary = township_user(TownshipFactory(county=county_user.county), username="another")
        for url in (reverse("accounts:user-list"), reverse("accounts:user-create"), detail(secretary),
                    reverse("accounts:user-deactivate", args=[secretary.pk])):  # fmt: skip
            assert client.get(url).status_code == 403, url
        assert client.post(reverse("accounts:user-deactivate", args=[secretary.pk])).status_code == 403
        secretary.refresh_from_db()
        assert secretary.is_active
        assert "账号管理" not in client.get(reverse("cadre:list")).content.decode()

    def test_no_account_is_created_in_another_county_or_as_county_staff(
        self, login, county_user, other_county_secretary
    ):
        client = login(county_user)
        data = {"username": "newbie", "full_name": "王小明", "role": Role.TOWNSHIP,
                "township": other_county_secretary.township_id, "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD}  # fmt: skip
        response = client.post(reverse("accounts:user-create"), data)
        assert response.status_code == 200 and response.context["form"].errors["township"]
        response = client.post(reverse("accounts:user-create"), {**data, "role": Role.COUNTY, "township": ""})
        assert response.status_code == 200 and response.context["form"].errors["role"]
        assert not User.objects.filter(username="newbie").exists()

    def test_an_account_cannot_be_moved_into_another_county(self, login, county_user, township_secretary,
                                                             other_county_secretary):  # fmt: skip
        data = {"full_name": "刘建军", "role": Role.TOWNSHIP, "township": other_county_secretary.township_id}
        response = login(county_user).post(reverse("accounts:user-update", args=[township_secretary.pk]), data)
        assert response.status_code == 200 and response.context["form"].errors["township"]
        township_secretary.refresh_from_db()
        assert township_secretary.county == county_user.county

    def test_a_superuser_creates_county_staff(self, client, county):
        root = UserFactory(username="root", county=None, is_superuser=True)
        client.force_login(root)
        data = {"username": "staff2", "full_name": "欧阳明华", "role": Role.COUNTY, "county": county.pk,
                "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}  # fmt: skip
        response = client.post(reverse("accounts:user-create"), data)
        user = User.objects.get(username="staff2")
        assert response.status_code == 302
        assert (user.role, user.county, user.last_name, user.first_name) == (Role.COUNTY, county, "欧阳", "明华")


class TestCreateAndEdit:
    def test_county_staff_create_a_township_secretary(self, login, county_user, township):
        data = {"username": "  zhangwei ", "full_name": "张伟", "role": Role.TOWNSHIP, "township": township.pk,
                "county": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}  # fmt: skip
        response = login(county_user).post(reverse("accounts:user-create"), data, follow=True)
        html = response.content.decode()
        assert "已创建账号 zhangwei" in html and "首次登录时须修改密码" in html
        user = User.objects.get(username="zhangwei")
        assert (user.role, user.township, user.county) == (Role.TOWNSHIP, township, township.county)
        assert user.must_change_password and user.check_password(NEW_PASSWORD)
        event = AccountEvent.objects.get()
        assert (event.actor, event.target, event.action) == (county_user, user, AccountAction.CREATE)
        assert event.changes["unit"] == ["", "青山县白水镇"]
        assert "新建账号" in html and "所属单位：— → 青山县白水镇" in html  # on the detail page

    def test_a_leader_belongs_to_the_staff_members_county(self, login, county_user):
        data = {"username": "lead2", "full_name": "陈刚", "role": Role.LEADER, "township": "",
                "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}  # fmt: skip
        assert login(county_user).post(reverse("accounts:user-create"), data).status_code == 302
        user = User.objects.get(username="lead2")
        assert (user.role, user.county, user.township) == (Role.LEADER, county_user.county, None)

    def test_messages_are_chinese_and_the_input_stays(self, login, county_user, township, township_secretary):
        client = login(county_user)
        data = {"username": "baishui", "full_name": "张伟", "role": Role.TOWNSHIP, "township": township.pk,
                "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}  # fmt: skip
        html = client.post(reverse("accounts:user-create"), data).content.decode()
        assert "用户名“baishui”已被使用，请换一个。" in html
        html = client.post(reverse("accounts:user-create"), {**data, "username": "x1", "password2": "other"}).content
        assert "两次输入的密码不一致。" in html.decode()
        data = {**data, "username": "x2", "password1": "12345", "password2": "12345"}
        html = client.post(reverse("accounts:user-create"), data).content.decode()
        assert "密码太短，至少需要8个字符。" in html and "密码不能全是数字。" in html
        assert 'value="x2"' in html
        data = {**data, "username": "x3", "role": Role.TOWNSHIP, "township": "", "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD}  # fmt: skip
        assert (
            "乡镇党委账号必须选择所属乡镇(街道)。"
            in client.post(reverse("accounts:user-create"), data).content.decode()
        )
        assert not User.objects.filter(username__in=["x1", "x2", "x3"]).exists()

    def test_an_edit_is_audited_with_what_changed(self, login, county_user, township_secretary, other_township):
        township_secretary.last_name, township_secretary.first_name = "刘", "建军"
        township_secretary.save()
        data = {"full_name": "刘建国", "role": Role.TOWNSHIP, "township": other_township.pk}
        response = login(county_user).post(reverse("accounts:user-update", args=[township_secretary.pk]), data,
                                           follow=True)  # fmt: skip
        township_secretary.refresh_from_db()
        assert (township_secretary.township, township_secretary.get_full_name()) == (other_township, "刘建国")
        event = AccountEvent.objects.get()
        assert event.action == AccountAction.UPDATE and event.actor == county_user
        assert event.changes == {"name": ["刘建军", "刘建国"], "unit": ["青山县白水镇", "青山县龙山乡"]}
        assert "姓名：刘建军 → 刘建国" in response.content.decode()

    def test_a_secretary_becomes_a_leader(self, login, county_user, township_secretary):
        data = {"full_name": "刘建军", "role": Role.LEADER, "township": township_secretary.township_id}
        login(county_user).post(reverse("accounts:user-update", args=[township_secretary.pk]), data)
        township_secretary.refresh_from_db()
        assert (township_secretary.role, township_secretary.township, township_secretary.county) == (
            Role.LEADER, None, county_user.county,
        )  # fmt: skip


class TestForcedPasswordChange:
    def test_a_password_set_by_staff_must_be_changed_first(self, login, county_user, township, api):
        data = {"username": "zhangwei", "full_name": "张伟", "role": Role.TOWNSHIP, "township": township.pk,
                "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}  # fmt: skip
        login(county_user).post(reverse("accounts:user-create"), data)
        user = User.objects.get(username="zhangwei")
        browser = signed_in(user, NEW_PASSWORD)
        change = reverse("accounts:password-change")
        for url in (reverse("cadre:list"), reverse("home"), reverse("mentorship:mentor-list"), "/admin/"):
            response = browser.get(url)
            assert response.status_code == 302 and response["Location"] == change, url
        page = browser.get(change).content.decode()
        assert "您的密码由他人设置" in page and "原密码" in page
        # The API answers 403 meanwhile, with a session and with a token.
        response = browser.get("/api/v1/cadres/")
        assert response.status_code == 403 and "请先登录网页修改密码" in response.json()["detail"]
        token = Token.objects.create(user=user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        response = api.get("/api/v1/cadres/")
        assert response.status_code == 403 and "请先登录网页修改密码" in response.json()["detail"]

        # Wrong old password, the same password, a weak one: Chinese messages.
        html = browser.post(change, {"old_password": "nope", "new_password1": "Another-pw-2027",
                                     "new_password2": "Another-pw-2027"}).content.decode()  # fmt: skip
        assert "原密码不正确，请重新输入。" in html
        html = browser.post(change, {"old_password": NEW_PASSWORD, "new_password1": NEW_PASSWORD,
                                     "new_password2": NEW_PASSWORD}).content.decode()  # fmt: skip
        assert "新密码不能与原密码相同。" in html
        html = browser.post(change, {"old_password": NEW_PASSWORD, "new_password1": "zhangwei1",
                                     "new_password2": "zhangwei1"}).content.decode()  # fmt: skip
        assert "密码与用户名或姓名太相似。" in html

        response = browser.post(change, {"old_password": NEW_PASSWORD, "new_password1": "Another-pw-2027",
                                         "new_password2": "Another-pw-2027"}, follow=True)  # fmt: skip
        assert "密码已修改。" in response.content.decode()
        user.refresh_from_db()
        assert not user.must_change_password and user.check_password("Another-pw-2027")
        assert browser.get(reverse("cadre:list")).status_code == 200  # still signed in, pages open
        assert browser.get("/api/v1/cadres/").status_code == 200
        assert api.get("/api/v1/cadres/").status_code == 200
        assert AccountEvent.objects.filter(target=user, actor=user, action=AccountAction.PASSWORD_CHANGE).exists()

    def test_everyone_changes_their_own_password(self, login, leader):
        client = login(leader)
        assert client.get(reverse("cadre:list")).status_code == 200
        page = client.get(reverse("accounts:password-change")).content.decode()
        assert "修改密码" in page and "您的密码由他人设置" not in page
        client.post(reverse("accounts:password-change"), {"old_password": PASSWORD, "new_password1": "Leader-pw-2027",
                                                          "new_password2": "Leader-pw-2027"})  # fmt: skip
        leader.refresh_from_db()
        assert leader.check_password("Leader-pw-2027")
        assert AccountEvent.objects.get().action == AccountAction.PASSWORD_CHANGE


class TestDeactivateAndReset:
    def test_the_confirmation_says_what_will_happen(self, login, county_user, township_secretary):
        url = reverse("accounts:user-deactivate", args=[township_secretary.pk])
        html = login(county_user).get(url).content.decode()
        assert "确定停用账号 baishui" in html and "已登录的网页会话立即退出" in html and "接口令牌" in html
        township_secretary.refresh_from_db()
        assert township_secretary.is_active  # a GET changes nothing

    def test_deactivation_ends_sessions_and_tokens(self, county_user, township_secretary, api):
        theirs = signed_in(township_secretary)
        assert theirs.get(reverse("cadre:list")).status_code == 200
        token = Token.objects.create(user=township_secretary)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        assert api.get("/api/v1/cadres/").status_code == 200
        staff = signed_in(county_user)

        response = staff.post(reverse("accounts:user-deactivate", args=[township_secretary.pk]), follow=True)
        assert "已停用账号 baishui，其登录会话和接口令牌已失效。" in response.content.decode()
        township_secretary.refresh_from_db()
        assert not township_secretary.is_active
        response = theirs.get(reverse("cadre:list"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert api.get("/api/v1/cadres/").status_code == 401
        assert not Token.objects.filter(user=township_secretary).exists()
        remaining = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
        assert str(township_secretary.pk) not in remaining and str(county_user.pk) in remaining
        assert not signed_in_possible(township_secretary)
        event = AccountEvent.objects.get()
        assert (event.actor, event.target, event.action) == (county_user, township_secretary, AccountAction.DEACTIVATE)

        response = staff.post(reverse("accounts:user-reactivate", args=[township_secretary.pk]), follow=True)
        assert "已启用账号 baishui。" in response.content.decode()
        assert signed_in_possible(township_secretary)
        assert AccountEvent.objects.filter(action=AccountAction.REACTIVATE).count() == 1
        html = staff.get(detail(township_secretary)).content.decode()
        assert "停用账号" in html and "启用账号" in html and str(county_user) in html

    def test_a_password_reset_is_confirmed_audited_and_forces_a_change(self, county_user, township_secretary):
        theirs = signed_in(township_secretary)
        staff = signed_in(county_user)
        url = reverse("accounts:user-password-reset", args=[township_secretary.pk])
        assert "下次登录时须先把您设置的密码改成自己的密码" in staff.get(url).content.decode()
        html = staff.post(url, {"password1": NEW_PASSWORD, "password2": "x"}).content.decode()
        assert "两次输入的密码不一致。" in html
        html = staff.post(url, {"password1": "short", "password2": "short"}).content.decode()
        assert "密码太短，至少需要8个字符。" in html
        township_secretary.refresh_from_db()
        assert township_secretary.check_password(PASSWORD) and not AccountEvent.objects.exists()

        response = staff.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)
        assert "该用户下次登录时须修改密码" in response.content.decode()
        township_secretary.refresh_from_db()
        assert township_secretary.must_change_password and township_secretary.check_password(NEW_PASSWORD)
        assert theirs.get(reverse("cadre:list")).status_code == 302  # their old session ended
        event = AccountEvent.objects.get()
        assert (event.actor, event.action) == (county_user, AccountAction.PASSWORD_RESET)
        again = Client()
        response = again.post(reverse("login"), {"username": "baishui", "password": NEW_PASSWORD}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("accounts:password-change")
        assert "您的密码由他人设置" in response.content.decode()

    def test_a_password_reset_deletes_the_api_tokens(self, login, county_user, township_secretary):
        Token.objects.create(user=township_secretary)
        url = reverse("accounts:user-password-reset", args=[township_secretary.pk])
        login(county_user).post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert not Token.objects.filter(user=township_secretary).exists()


def signed_in_possible(user) -> bool:
    return Client().login(username=user.username, password=PASSWORD)


@pytest.mark.parametrize("n", [3, 20])
def test_the_list_costs_the_same_for_3_or_20_accounts(login, county_user, county, n, django_assert_num_queries):
    for i in range(n):
        township = TownshipFactory(county=county, name=f"镇{i}")
        township_user(township, username=f"sec{i}", last_name="张", first_name=f"{i}")
        leader_user(county, username=f"lead{i}")
    client = login(county_user)
    # session, user, count, page of accounts, the township filter's choices
    with django_assert_num_queries(5 + REQUEST_TRANSACTION):
        response = client.get(reverse("accounts:user-list"))
    assert response.status_code == 200 and response.context["paginator"].count == 2 * n


def test_the_list_searches_and_filters(login, county_user, township, township_secretary, leader):
    township_secretary.last_name, township_secretary.first_name = "刘", "建军"
    township_secretary.save()
    client = login(county_user)
    names = lambda **q: [a.username for a in client.get(reverse("accounts:user-list"), q).context["accounts"]]  # noqa: E731
    assert names(q="刘建军") == ["baishui"]
    assert names(role=Role.LEADER) == ["leader"]
    assert names(township=township.pk) == ["baishui"]
    assert names(is_active="false") == []


def test_a_password_set_in_the_admin_must_be_changed_too(client, county_user, township_secretary):
    root = UserFactory(username="root", county=None, is_superuser=True, is_staff=True)
    client.force_login(root)
    url = reverse("admin:auth_user_password_change", args=[township_secretary.pk])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302
    township_secretary.refresh_from_db()
    assert township_secretary.must_change_password and township_secretary.check_password(NEW_PASSWORD)
    data = {"username": "made-in-admin", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
            "usable_password": "true", "role": Role.LEADER, "county": county_user.county_id}  # fmt: skip
    assert client.post(reverse("admin:accounts_user_add"), data).status_code == 302
    assert User.objects.get(username="made-in-admin").must_change_password
