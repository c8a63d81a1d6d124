"""Everything in Chinese (issue 11, item 4): select placeholders, ordering choices, the
browsable API and Swagger UI, DRF's CSRF refusal, pinyin order, the API docs link."""

import re

import pytest
from django import forms
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from cadre.models import Cadre
from common.forms import BootstrapFormMixin, FilterForm
from mentorship.models import Mentor
from tests.factories import PASSWORD, CadreFactory, MentorFactory, PairingFactory, TownshipFactory, VillageFactory

pytestmark = pytest.mark.django_db

PINYIN_NAMES = ["张伟", "陈静", "阿依", "白雪"]  # code point order: 张 < 白 < 阿 < 陈 (U+5F20 > …)
PINYIN_ORDER = ["阿依", "白雪", "陈静", "张伟"]

ENGLISH = ["---------", "descending", "ascending", "(descending)", "Ordering", "Api Root", "Django REST framework"]


def names_in(html: str, names: list[str]) -> list[str]:
    """The given names in the order the page shows them first."""
    return sorted(names, key=html.index)


@pytest.fixture
def populated(county_user, cadre, village):
    PairingFactory(cadre=cadre)
    return county_user


class TestNoDashesNoEnglishOrdering:
    @pytest.mark.parametrize(
        "url",
        [
            "/cadres/",
            "/cadres/new/",
            "/mentorship/mentors/",
            "/mentorship/mentors/new/",
            "/mentorship/pairings/",
            "/mentorship/pairings/new/",
            "/assessment/assignments/",
            "/assessment/assignments/new/",
            "/training/",
            "/training/new/",
            "/subsidies/policies/new/",
            "/reports/request/",
            "/accounts/users/new/",
            "/imports/",
            "/org/",
        ],
    )
    def test_pages_read_in_chinese(self, login, populated, url):
        response = login(populated).get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert [word for word in ENGLISH if word in html] == []
        assert re.findall(r"<option[^>]*>[^<]*[A-Za-z][^<]*（[升降]序）", html) == []

    def test_the_cadre_lists_ordering_choices_are_chinese(self, login, populated):
        html = login(populated).get("/cadres/").content.decode()
        assert "乡镇（降序）" in html and "姓名（降序）" in html and "默认排序" in html

    def test_a_form_select_says_please_choose(self, login, populated):
        html = login(populated).get("/mentorship/mentors/new/").content.decode()
        assert "请选择…" in html


class TestPlaceholders:
    def test_model_choice_and_blank_choice_say_please_choose(self, township):
        class Form(BootstrapFormMixin, forms.ModelForm):
            class Meta:
                model = Cadre
                fields = ["village", "education", "political_status"]

        form = Form()
        assert form.fields["village"].empty_label == "请选择…"
        for name in ("education", "political_status"):
            labels = [str(label) for _value, label in form.fields[name].choices]
            assert "---------" not in labels and labels[0] == "请选择…"
        assert "---------" not in form.as_p()

    def test_a_label_the_form_chose_stays(self, township):
        class Form(BootstrapFormMixin, forms.Form):
            township = forms.ModelChoiceField(queryset=Mentor.objects.none(), empty_label="请选择乡镇")

        assert Form().fields["township"].empty_label == "请选择乡镇"

    def test_filter_selects_say_all(self, township):
        import django_filters

        class Filter(django_filters.FilterSet):
            kind = django_filters.ChoiceFilter(choices=[("a", "甲")])
            township = django_filters.ModelChoiceFilter(queryset=Mentor.objects.none())

            class Meta:
                model = Mentor
                fields = ["kind", "township"]
                form = FilterForm

        html = str(Filter().form)
        assert "---------" not in html and html.count(">全部<") == 2


class TestBrowsableApiAndSwagger:
    def test_the_api_root_page_is_chinese(self, login, county_user):
        html = login(county_user).get("/api/v1/", HTTP_ACCEPT="text/html").content.decode()
        assert re.search(r"<h1>\s*接口目录\s*</h1>", html)
        assert "Api Root" not in html and "Django REST framework" not in html
        assert "村级后备干部管理系统" in html and "<p>以下为" not in html and "&lt;p&gt;" not in html

    def test_the_api_root_still_lists_the_endpoints(self, login, county_user):
        data = login(county_user).get("/api/v1/", HTTP_ACCEPT="application/json").json()
        assert data["cadres"].endswith("/api/v1/cadres/")

    @pytest.mark.parametrize(
        ("url", "title"),
        [("/api/v1/cadres/", "后备干部列表"), ("/api/v1/villages/", "村(社区)列表"), ("/api/v1/mentors/", "导师列表")],
    )
    def test_list_pages_are_titled_in_chinese(self, login, populated, url, title):
        html = login(populated).get(url, HTTP_ACCEPT="text/html").content.decode()
        assert re.search(rf"<h1>\s*{re.escape(title)}\s*</h1>", html)
        assert " List<" not in html and " List</" not in html

    def test_a_detail_page_is_titled_in_chinese(self, login, populated, cadre):
        html = login(populated).get(f"/api/v1/cadres/{cadre.pk}/", HTTP_ACCEPT="text/html").content.decode()
        assert re.search(r"<h1>\s*后备干部详情\s*</h1>", html) and "Cadre Instance" not in html

    def test_the_api_ordering_choices_are_chinese(self, login, populated):
        html = login(populated).get("/api/v1/villages/", HTTP_ACCEPT="text/html").content.decode()
        assert "乡镇(街道)（降序）" in html and "村(社区)（升序）" in html
        assert "descending" not in html and ">township__name" not in html
        assert "Field filters" not in html and ">Filters<" not in html and ">Submit<" not in html
        assert "筛选与排序" in html

    def test_the_swagger_sections_are_chinese(self, login, county_user):
        schema = login(county_user).get("/api/v1/schema/?format=json").json()
        tags = {tag for path in schema["paths"].values() for operation in path.values() for tag in operation["tags"]}
        assert {"后备干部", "导师库", "结对", "村(社区)", "乡镇(街道)", "登录令牌"} <= tags
        assert [tag for tag in tags if tag.isascii()] == []
        assert tags <= {tag["name"] for tag in schema["tags"]}  # every section listed, in the settings' order

    def test_the_swagger_ui_opens(self, login, county_user):
        assert login(county_user).get("/api/v1/docs/").status_code == 200


class TestCsrf:
    def test_a_session_post_without_the_token_is_refused_in_chinese(self, county_user, village):
        api = APIClient(enforce_csrf_checks=True)
        assert api.login(username=county_user.username, password=PASSWORD)
        response = api.post("/api/v1/cadres/", {"name": "李四", "village": village.pk}, format="json")
        assert response.status_code == 403
        detail = response.json()["detail"]
        assert "安全校验失败" in detail and "CSRF Failed" not in detail

    def test_a_token_call_needs_no_csrf_token(self, county_user):
        from rest_framework.authtoken.models import Token

        api = APIClient(enforce_csrf_checks=True)
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=county_user).key}")
        assert api.get("/api/v1/cadres/").status_code == 200


class TestPinyinOrder:
    def test_the_collation_is_installed(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT collprovider FROM pg_collation WHERE collname = 'zh_pinyin'")
            assert cursor.fetchone() == ("i",)

    @pytest.fixture
    def cadres(self, village):
        return [CadreFactory(village=village, name=name) for name in PINYIN_NAMES]

    def test_the_cadre_list_sorts_by_pinyin(self, login, county_user, cadres):
        html = login(county_user).get("/cadres/").content.decode()
        assert names_in(html, PINYIN_NAMES) == PINYIN_ORDER

    def test_ordering_by_name_sorts_by_pinyin_both_ways(self, login, county_user, cadres):
        client = login(county_user)
        assert names_in(client.get("/cadres/?ordering=name").content.decode(), PINYIN_NAMES) == PINYIN_ORDER
        descending = client.get("/cadres/?ordering=-name").content.decode()
        assert names_in(descending, PINYIN_NAMES) == PINYIN_ORDER[::-1]

    def test_the_api_sorts_by_pinyin(self, county_user, cadres):
        api = APIClient()
        api.force_authenticate(county_user)
        assert [row["name"] for row in api.get("/api/v1/cadres/").json()["results"]] == PINYIN_ORDER
        rows = api.get("/api/v1/cadres/?ordering=-name").json()["results"]
        assert [row["name"] for row in rows] == PINYIN_ORDER[::-1]

    def test_townships_and_villages_sort_by_pinyin(self, county, county_user):
        for name in ("张村镇", "陈家乡", "阿里镇", "白沙镇"):
            VillageFactory(township=TownshipFactory(county=county, name=name), name=name.replace("镇", "村"))
        api = APIClient()
        api.force_authenticate(county_user)
        townships = [row["name"] for row in api.get("/api/v1/townships/").json()["results"]]
        assert townships == ["阿里镇", "白沙镇", "陈家乡", "张村镇"]
        villages = [row["township_name"] for row in api.get("/api/v1/villages/").json()["results"]]
        assert villages == ["阿里镇", "白沙镇", "陈家乡", "张村镇"]

    def test_the_mentor_pool_sorts_by_pinyin(self, login, county_user, township):
        for name in PINYIN_NAMES:
            MentorFactory(township=township, name=name)
        html = login(county_user).get(reverse("mentorship:mentor-list")).content.decode()
        assert names_in(html, PINYIN_NAMES) == PINYIN_ORDER


class TestApiDocsLink:
    def test_the_api_docs_are_in_the_user_menu_not_the_main_navigation(self, login, county_user):
        html = login(county_user).get("/cadres/").content.decode()
        main_nav = html[html.index("navbar-nav me-auto") : html.index("dropdown-menu-end")]
        assert "/api/v1/docs/" not in main_nav
        user_menu = html[html.index("dropdown-menu-end") :]
        assert 'href="/api/v1/docs/"' in user_menu and "接口文档" in user_menu
