import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadre.models import Cadre, Status
from org.models import Seat, SeatPost
from tests.factories import CadreFactory, VillageFactory, make_id_number
from tests.queries import REQUEST_TRANSACTION

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre(village):
    """Listed in 2025, before the dates these tests seat the reserve on (a term may not
    start before the reserve was listed)."""
    return CadreFactory(village=village, name="李明", entered_on=dt.date(2025, 1, 1))


def detail(c):
    return reverse("cadre:detail", args=[c.pk])


class TestLoginRequired:
    @pytest.mark.parametrize(
        "url",
        [
            "/",
            "/cadres/",
            "/cadres/new/",
            "/cadres/1/",
            "/org/",
            "/org/townships/1/",
            "/org/villages/1/",
            "/cadres/1/history/",
            "/cadres/1/photo/",
        ],
    )
    def test_anonymous_visitors_are_sent_to_the_login_page(self, client, url):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")

    def test_the_login_page_is_in_chinese(self, client):
        response = client.get("/accounts/login/")
        assert response.status_code == 200
        assert "用户名" in response.content.decode() and "登录" in response.content.decode()

    def test_a_wrong_password_is_explained(self, client, county_user):
        response = client.post("/accounts/login/", {"username": "county", "password": "x"})
        assert "用户名或密码不正确" in response.content.decode()


class TestTownshipScoping:
    """A township secretary reaches only their own township; anything else is a 404."""

    @pytest.mark.parametrize("name", ["cadre:detail", "cadre:update", "cadre:status", "cadre:history", "cadre:photo"])
    def test_another_townships_cadre_is_not_found(self, login, township_secretary, other_cadre, name):
        response = login(township_secretary).get(reverse(name, args=[other_cadre.pk]))
        assert response.status_code == 404

    def test_the_not_found_page_is_in_chinese_and_says_nothing_of_the_record(
        self, login, township_secretary, other_cadre
    ):
        html = login(township_secretary).get(detail(other_cadre)).content.decode()
        assert "页面不存在" in html and "不在您的管辖范围内" in html
        assert other_cadre.name not in html

    def test_edit_by_post_to_another_townships_cadre_is_not_found(self, login, township_secretary, other_cadre):
        response = login(township_secretary).post(reverse("cadre:update", args=[other_cadre.pk]), {"name": "改名"})
        assert response.status_code == 404
        other_cadre.refresh_from_db()
        assert other_cadre.name == "王芳"

    def test_the_list_shows_only_the_own_township(self, login, township_secretary, cadre, other_cadre):
        response = login(township_secretary).get(reverse("cadre:list"))
        assert [c.name for c in response.context["cadres"]] == ["李明"]
        # Filter choices offer only the own units.
        form = response.context["filter"].form
        assert [t.name for t in form.fields["township"].queryset] == ["白水镇"]
        assert [v.name for v in form.fields["village"].queryset] == ["枫树村"]

    def test_filtering_by_another_township_id_shows_nothing(
        self, login, township_secretary, other_township, cadre, other_cadre
    ):
        response = login(township_secretary).get(reverse("cadre:list"), {"township": other_township.pk})
        assert list(response.context["cadres"]) == []

    def test_org_pages_of_another_township_are_not_found(
        self, login, township_secretary, other_township, other_village
    ):
        client = login(township_secretary)
        assert client.get(reverse("org:township", args=[other_township.pk])).status_code == 404
        assert client.get(reverse("org:village", args=[other_village.pk])).status_code == 404
        overview = client.get(reverse("org:overview"))
        assert [t.name for t in overview.context["townships"]] == ["白水镇"]

    def test_county_staff_see_every_township_of_their_county(self, login, county_user, cadre, other_cadre):
        response = login(county_user).get(reverse("cadre:list"))
        assert {c.name for c in response.context["cadres"]} == {"李明", "王芳"}

    def test_county_staff_do_not_see_another_county(self, login, county_user, cadre):
        stranger = CadreFactory(name="外县人")  # a village in a new county
        client = login(county_user)
        assert client.get(detail(stranger)).status_code == 404
        assert client.get(detail(cadre)).status_code == 200


class TestMasking:
    def test_the_list_masks_id_and_phone_numbers(self, login, county_user, cadre):
        Cadre.objects.filter(pk=cadre.pk).update(phone="13812345678")
        html = login(county_user).get(reverse("cadre:list")).content.decode()
        masked_id = cadre.id_number[:4] + "*" * 10 + cadre.id_number[-4:]
        assert masked_id in html and "138****5678" in html
        assert cadre.id_number not in html and "13812345678" not in html

    def test_the_detail_shows_full_numbers_to_those_who_may_edit(self, login, township_secretary, cadre):
        Cadre.objects.filter(pk=cadre.pk).update(phone="13812345678")
        html = login(township_secretary).get(detail(cadre)).content.decode()
        assert cadre.id_number in html and "13812345678" in html

    def test_the_detail_masks_numbers_for_read_only_leaders(self, login, leader, cadre):
        Cadre.objects.filter(pk=cadre.pk).update(phone="13812345678")
        html = login(leader).get(detail(cadre)).content.decode()
        assert cadre.id_number not in html and "13812345678" not in html
        assert "138****5678" in html


class TestReadOnlyLeader:
    @pytest.mark.parametrize("name", ["cadre:update", "cadre:status"])
    def test_leaders_cannot_open_edit_pages(self, login, leader, cadre, name):
        assert login(leader).get(reverse(name, args=[cadre.pk])).status_code == 403

    def test_leaders_cannot_create(self, login, leader):
        assert login(leader).get(reverse("cadre:create")).status_code == 403

    def test_leaders_see_no_edit_buttons(self, login, leader, cadre):
        html = login(leader).get(detail(cadre)).content.decode()
        assert "编辑" not in html and "变更状态" not in html


class TestPages:
    def test_create_a_cadre_through_the_form(self, login, township_secretary, village):
        number = make_id_number(birth=dt.date(1998, 2, 3), seq=246)
        response = login(township_secretary).post(
            reverse("cadre:create"),
            {
                "name": "陈晓红",
                "ethnicity": "汉族",
                "id_number": number,
                "education": "college",
                "political_status": "league",
                "source": "returned_graduate",
                "tier": "village",
                "village": village.pk,
                "phone": "13700001234",
            },
        )
        cadre = Cadre.objects.get(id_number=number)
        assert response.status_code == 302 and response["Location"] == detail(cadre)
        assert (cadre.gender, cadre.birth_date) == ("F", dt.date(1998, 2, 3))
        assert cadre.history.get().history_user == township_secretary

    def test_form_errors_are_shown_in_chinese(self, login, county_user, village):
        response = login(county_user).post(
            reverse("cadre:create"),
            {
                "name": "陈晓红",
                "ethnicity": "汉族",
                "id_number": "43112119980203246",
                "education": "college",
                "political_status": "league",
                "source": "returned_graduate",
                "tier": "village",
                "village": village.pk,
            },
        )
        assert response.status_code == 200
        assert "身份证号应为18位，实际为17位" in response.content.decode()
        assert not Cadre.objects.exists()

    def test_township_secretary_cannot_pick_another_townships_village(self, login, township_secretary, other_village):
        number = make_id_number(seq=246)
        response = login(township_secretary).post(
            reverse("cadre:create"),
            {
                "name": "陈晓红",
                "ethnicity": "汉族",
                "id_number": number,
                "education": "college",
                "political_status": "league",
                "source": "returned_graduate",
                "tier": "village",
                "village": other_village.pk,
            },
        )
        assert response.status_code == 200
        assert "请选择本辖区内的村(社区)。" in response.content.decode()
        assert not Cadre.objects.exists()

    def test_edit_records_the_change_in_history(self, login, county_user, cadre):
        client = login(county_user)
        form = client.get(reverse("cadre:update", args=[cadre.pk])).context["form"]
        data = {k: v for k, v in form.initial.items() if v is not None and k != "photo"}
        data.update(village=cadre.village_id, current_job="村委会文书", birth_date="")
        response = client.post(reverse("cadre:update", args=[cadre.pk]), data)
        assert response.status_code == 302
        history = client.get(reverse("cadre:history", args=[cadre.pk]))
        entry = history.context["entries"][0]
        assert entry["user"] == county_user
        assert entry["changes"] == [{"field": "现任职务/工作", "old": "—", "new": "村委会文书"}]
        assert "村委会文书" in history.content.decode()

    def test_status_change_through_the_page(self, login, county_user, cadre, village):
        seat = Seat.objects.get(village=village, post=SeatPost.SECRETARY)
        data = {"to": "seated", "on": "2026-05-01", "seat": seat.pk}
        client = login(county_user)
        step = client.post(reverse("cadre:status", args=[cadre.pk]), data)
        assert step.status_code == 200 and step.context["confirming"]
        cadre.refresh_from_db()
        assert cadre.status == Status.RESERVE
        response = client.post(reverse("cadre:status", args=[cadre.pk]), {**data, "confirmed": "1"})
        assert response.status_code == 302
        cadre.refresh_from_db()
        assert cadre.status == Status.SEATED and cadre.seat == seat

    def test_filters_search_and_age_band(self, login, county_user, village):
        young = CadreFactory(
            village=village,
            name="小李",
            phone="13900009999",
            id_number=make_id_number(birth=dt.date(2000, 1, 1), seq=11),
        )
        CadreFactory(village=village, name="老张", id_number=make_id_number(birth=dt.date(1970, 1, 1), seq=13))
        client = login(county_user)

        def names(**params):
            return [c.name for c in client.get(reverse("cadre:list"), params).context["cadres"]]

        assert names(q="小李") == ["小李"]
        assert names(q=young.id_number[-6:]) == ["小李"]
        assert names(q="0009999") == ["小李"]
        assert names(age_band="under35") == ["小李"]
        assert names(age_band="55plus") == ["老张"]
        assert names(ordering="-birth_date") == ["小李", "老张"]


class TestQueryCounts:
    """The list's query count does not grow with the number of rows."""

    def _populate(self, n, township):
        villages = [VillageFactory(township=township) for _ in range(5)]
        for i in range(n):
            CadreFactory(village=villages[i % 5])

    @pytest.mark.parametrize("rows", [10, 200])
    def test_cadre_list_page(self, login, county_user, township, django_assert_num_queries, rows):
        self._populate(rows, township)
        client = login(county_user)
        # session, user, count, page of rows, township filter choices (villages are searched
        # on the server: none rendered)
        with django_assert_num_queries(5 + REQUEST_TRANSACTION):
            response = client.get(reverse("cadre:list"), {"page": 1})
        assert len(response.context["cadres"]) == min(rows, 20)

    @pytest.mark.parametrize("rows", [10, 200])
    def test_cadre_list_page_with_filters(self, login, township_secretary, township, django_assert_num_queries, rows):
        self._populate(rows, township)
        client = login(township_secretary)
        with django_assert_num_queries(5 + REQUEST_TRANSACTION):
            client.get(reverse("cadre:list"), {"education": "college", "ordering": "name"})

    def test_detail_page(self, login, county_user, cadre):
        client = login(county_user)
        with CaptureQueriesContext(connection) as ctx:
            client.get(detail(cadre))
        # session, user, cadre, seat form choices, pairings, mentoring log
        assert len(ctx.captured_queries) <= 8 + REQUEST_TRANSACTION


class TestPhoto:
    def _png(self):
        import io

        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (30, 40), "red").save(buffer, format="PNG")
        return buffer.getvalue()

    def _post(self, client, cadre, upload):
        form = client.get(reverse("cadre:update", args=[cadre.pk])).context["form"]
        data = {k: v for k, v in form.initial.items() if v is not None and k != "photo"}
        return client.post(reverse("cadre:update", args=[cadre.pk]), {**data, "photo": upload})

    def test_a_photo_is_stored_and_served_only_within_scope(
        self, login, county_user, township_secretary, cadre, other_cadre
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client = login(county_user)
        response = self._post(client, cadre, SimpleUploadedFile("me.png", self._png(), "image/png"))
        assert response.status_code == 302
        photo = client.get(reverse("cadre:photo", args=[cadre.pk]))
        assert photo.status_code == 200 and b"".join(photo.streaming_content) == self._png()
        secretary = login(township_secretary)
        assert secretary.get(reverse("cadre:photo", args=[cadre.pk])).status_code == 200
        assert secretary.get(reverse("cadre:photo", args=[other_cadre.pk])).status_code == 404

    def test_a_file_that_is_not_an_image_is_refused(self, login, county_user, cadre):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client = login(county_user)
        response = self._post(client, cadre, SimpleUploadedFile("me.png", b"not an image", "image/png"))
        assert response.status_code == 200
        assert "请上传有效图片。您上传的该文件不是图片或者图片已经损坏。" in response.content.decode()
        cadre.refresh_from_db()
        assert not cadre.photo

    def test_a_photo_over_2mb_is_refused(self, login, county_user, cadre):
        import io

        from django.core.files.uploadedfile import SimpleUploadedFile
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (10, 10)).save(buffer, format="PNG")
        big = buffer.getvalue() + b"\0" * (2 * 1024 * 1024)  # a valid PNG with trailing bytes
        response = self._post(login(county_user), cadre, SimpleUploadedFile("big.png", big, "image/png"))
        assert "照片不能超过2MB。" in response.content.decode()
        cadre.refresh_from_db()
        assert not cadre.photo
