"""入党时间 as a county setting (County.party_joined_on_required): one rule (cadre.rules) for
the cadre form, the API and the roster import; the 县级设置 page where county staff switch it."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from cadre.models import Cadre
from cadre.roster import roster_import
from imports.services import preview_result
from org.models import County
from org.services import county_settings_update
from tests.api import auth
from tests.factories import CadreFactory, CountyFactory, TownshipFactory, UserFactory, make_id_number
from tests.roster_files import person, write_roster

pytestmark = pytest.mark.django_db
REQUIRED = "中共党员（预备党员）须填写入党时间（县委组织部要求）"


def require(county, on=True):
    County.objects.filter(pk=county.pk).update(party_joined_on_required=on)


def form_data(village, **overrides):
    return {"name": "陈晓红", "ethnicity": "汉族", "id_number": make_id_number(birth=dt.date(1998, 2, 3), seq=246),
            "education": "college", "political_status": "member", "source": "returned_graduate", "tier": "village",
            "village": village.pk, **overrides}  # fmt: skip


class TestCadreForm:
    def test_a_member_without_the_date_is_refused_when_the_county_requires_it(self, login, county_user, village):
        require(village.township.county)
        response = login(county_user).post(reverse("cadre:create"), form_data(village))
        assert response.status_code == 200
        assert response.context["form"].errors["party_joined_on"] == [REQUIRED]
        assert not Cadre.objects.exists()

    def test_probationary_members_too_and_the_date_lets_the_record_in(self, login, county_user, village):
        require(village.township.county)
        client = login(county_user)
        response = client.post(reverse("cadre:create"), form_data(village, political_status="probationary"))
        assert response.context["form"].errors["party_joined_on"] == [REQUIRED]
        response = client.post(reverse("cadre:create"), form_data(village, party_joined_on="2020-07-01"))
        assert response.status_code == 302 and Cadre.objects.get().party_joined_on == dt.date(2020, 7, 1)

    def test_no_error_when_the_setting_is_off_and_the_page_asks_for_the_date(self, login, county_user, village):
        client = login(county_user)
        response = client.post(reverse("cadre:create"), form_data(village))
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "未填写，请补充" in page

    def test_non_members_are_never_asked(self, login, county_user, village):
        require(village.township.county)
        client = login(county_user)
        response = client.post(reverse("cadre:create"), form_data(village, political_status="masses"))
        assert response.status_code == 302
        assert "未填写，请补充" not in client.get(response["Location"]).content.decode()

    def test_editing_an_old_record_asks_for_the_date_once_the_setting_is_on(self, login, county_user, village):
        cadre = CadreFactory(village=village, political_status="member")
        require(village.township.county)
        client = login(county_user)
        form = client.get(reverse("cadre:update", args=[cadre.pk])).context["form"]
        data = {k: v for k, v in form.initial.items() if v is not None and k != "photo"}
        response = client.post(reverse("cadre:update", args=[cadre.pk]), {**data, "notes": "补充"})
        assert response.context["form"].errors["party_joined_on"] == [REQUIRED]
        cadre.refresh_from_db()
        assert cadre.notes == ""


class TestApi:
    def test_the_api_answers_400_with_the_message(self, api, county_user, village):
        require(village.township.county)
        auth(api, county_user)
        data = {k: v for k, v in form_data(village).items() if k != "ethnicity"}
        response = api.post("/api/v1/cadres/", data, format="json")
        assert response.status_code == 400 and response.json() == {"party_joined_on": [REQUIRED]}
        response = api.post("/api/v1/cadres/", {**data, "party_joined_on": "2020-07-01"}, format="json")
        assert response.status_code == 201

    def test_the_api_accepts_it_when_the_setting_is_off(self, api, county_user, village):
        auth(api, county_user)
        data = {k: v for k, v in form_data(village).items() if k != "ethnicity"}
        assert api.post("/api/v1/cadres/", data, format="json").status_code == 201


class TestRosterImport:
    def test_the_import_is_refused_naming_the_row_when_required(self, tmp_path, county_user, village):
        require(village.township.county)
        rows = [person(seq=101), person(seq=102, name="王芳", **{"政治面貌": "中共党员"})]
        report = roster_import(write_roster(tmp_path / "花名册.xlsx", rows), user=county_user, dry_run=False)
        assert [str(e) for e in report.errors] == [f"第4行 入党时间: {REQUIRED}"]
        assert not report.applied and not Cadre.objects.exists()

    def test_an_existing_members_stored_date_counts_when_the_file_has_no_such_column(
        self, tmp_path, county_user, village
    ):
        number = make_id_number(seq=101)
        CadreFactory(village=village, name="李明", id_number=number, political_status="member",
                     party_joined_on=dt.date(2018, 7, 1))  # fmt: skip
        require(village.township.county)
        header = ["乡镇(街道)", "村(社区)", "姓名", "身份证号", "学历", "政治面貌", "来源"]
        row = person(seq=101, **{"政治面貌": "中共党员"})
        report = roster_import(write_roster(tmp_path / "a.xlsx", [row], header=header), user=county_user, dry_run=True)
        assert report.ok, [str(e) for e in report.errors]

    def test_when_not_required_the_preview_row_asks_for_the_date(self, tmp_path, county_user, village):
        rows = [person(seq=101, **{"政治面貌": "中共预备党员"}), person(seq=103, name="赵强")]
        report = roster_import(write_roster(tmp_path / "花名册.xlsx", rows), user=county_user, dry_run=True)
        assert report.ok
        assert [[str(w) for w in o.warnings] for o in report.outcomes] == [["第3行 入党时间: 未填写入党时间"], []]
        shown = preview_result(report, identifier="身份证号")["rows"]
        assert shown[0]["warnings"] == [["入党时间", "未填写入党时间"]] and shown[1]["warnings"] == []

    def test_the_command_line_prints_the_prompt_too(self, tmp_path, county_user, village):
        rows = [person(seq=101, **{"政治面貌": "中共党员"})]
        out = io.StringIO()
        call_command("import_roster", str(write_roster(tmp_path / "a.xlsx", rows)), "--dry-run", "--user", "county",
                     stdout=out)  # fmt: skip
        assert "第3行 新增 李明" in out.getvalue() and "提示 入党时间：未填写入党时间" in out.getvalue()


class TestCountySettingsPage:
    URL = reverse("cadre:county-settings")

    def post(self, client, county=None, **data):
        url = f"{self.URL}?county={county.pk}" if county else self.URL
        return client.post(url, {"min_reserves_per_village": 3, "party_joined_on_required": "on", **data})

    def test_county_staff_switch_it_and_the_change_is_recorded(self, login, county_user, county):
        client = login(county_user)
        page = client.get(self.URL)
        assert page.status_code == 200 and "县级设置" in page.content.decode()
        response = self.post(client)
        assert response.status_code == 302
        county.refresh_from_db()
        assert (county.min_reserves_per_village, county.party_joined_on_required) == (3, True)
        record = county.history.latest("history_date")
        assert record.history_user == county_user and "中共党员须填写入党时间" in record.history_change_reason
        assert "中共党员须填写入党时间" in client.get(self.URL).content.decode()

    def test_the_menu_links_it_for_county_staff_only(self, login, county_user, township_secretary):
        assert self.URL in login(county_user).get(reverse("cadre:list")).content.decode()
        assert self.URL not in login(township_secretary).get(reverse("cadre:list")).content.decode()

    def test_leaders_and_township_secretaries_are_refused(self, login, leader, township_secretary, county):
        for user in (leader, township_secretary):
            client = login(user)
            assert client.get(self.URL).status_code == 403
            assert self.post(client).status_code == 403
        county.refresh_from_db()
        assert not county.party_joined_on_required and county.history.count() == 1  # its creation

    def test_staff_of_another_county_cannot_change_this_one(self, login, county):
        other = CountyFactory(name="绿水县")
        TownshipFactory(county=other)
        stranger = UserFactory(username="lvshui", county=other)
        client = login(stranger)
        assert client.get(f"{self.URL}?county={county.pk}").status_code == 404
        assert self.post(client, county=county).status_code == 404
        with pytest.raises(PermissionDenied):
            county_settings_update(user=stranger, county=county, min_reserves_per_village=1,
                                   party_joined_on_required=True)  # fmt: skip
        county.refresh_from_db()
        assert not county.party_joined_on_required
        # their own county is theirs to change
        assert self.post(client).status_code == 302
        other.refresh_from_db()
        assert other.party_joined_on_required

    def test_a_wrong_value_is_shown_on_the_form(self, login, county_user, county):
        response = self.post(login(county_user), min_reserves_per_village=-1)
        assert response.status_code == 200 and response.context["form"].errors["min_reserves_per_village"]
