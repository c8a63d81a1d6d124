"""列入后备时间 in a roster file: a county moving its paper roster into the system keeps the
day each reserve was listed (subsidies are prorated from it); a blank cell leaves it to the
system, and a date that cannot be right is refused with the row named."""

import datetime as dt

import pytest
from django.utils import timezone

from cadre.models import Cadre, Status
from cadre.roster import roster_import
from tests.factories import CadreFactory
from tests.roster_files import HEADER, person, write_roster

pytestmark = pytest.mark.django_db

WITH_ENTERED = [*HEADER[:14], "列入后备时间", *HEADER[14:]]


def _import(tmp_path, rows, user, header=WITH_ENTERED):
    return roster_import(write_roster(tmp_path / "花名册.xlsx", rows, header=header), user=user, dry_run=False)


@pytest.mark.parametrize("header", ["列入后备时间", "列入时间", "确定为后备干部时间"])
def test_the_column_is_read_under_its_names_and_a_month_is_its_first_day(tmp_path, county_user, village, header):
    rows = [person(**{header: "2023.05"}), person(name="王芳", seq=202, **{header: "2024-09-18"})]
    report = _import(tmp_path, rows, county_user, header=[*HEADER[:14], header, *HEADER[14:]])
    assert report.errors == []
    assert dict(Cadre.objects.values_list("name", "entered_on")) == {
        "李明": dt.date(2023, 5, 1),
        "王芳": dt.date(2024, 9, 18),
    }


def test_a_blank_cell_means_today_for_a_new_reserve_and_keeps_a_known_ones_date(tmp_path, county_user, village):
    number = person(seq=202)["身份证号"]
    known = CadreFactory(village=village, name="王芳", id_number=number, entered_on=dt.date(2022, 3, 1))
    report = _import(tmp_path, [person(), person(name="王芳", seq=202, **{"列入后备时间": ""})], county_user)
    assert report.errors == []
    known.refresh_from_db()
    assert known.entered_on == dt.date(2022, 3, 1)
    assert Cadre.objects.get(name="李明").entered_on == timezone.localdate()


def test_a_new_date_for_a_known_reserve_is_shown_as_a_change(tmp_path, county_user, village):
    number = person()["身份证号"]
    CadreFactory(village=village, name="李明", id_number=number, entered_on=dt.date(2022, 3, 1))
    report = roster_import(
        write_roster(tmp_path / "花名册.xlsx", [person(**{"列入后备时间": "2021.06"})], header=WITH_ENTERED),
        user=county_user,
        dry_run=True,
    )
    (outcome,) = report.outcomes
    assert ("列入后备时间", "2022-03-01", "2021-06-01") in outcome.changes


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2999.01", "第3行 列入后备时间: 不能晚于今天"),
        ("1990.01", "第3行 列入后备时间: 不能早于出生日期"),
        ("去年", "第3行 列入后备时间: 无法识别的日期“去年”，请写成1990-05-03、1990.05或1990年5月"),
    ],
)
def test_a_date_that_cannot_be_right_refuses_the_file(tmp_path, county_user, village, written, message):
    report = _import(tmp_path, [person(**{"列入后备时间": written})], county_user)
    assert [str(e) for e in report.errors] == [message]
    assert not Cadre.objects.exists()


def test_a_seated_reserve_cannot_be_listed_after_taking_the_seat(tmp_path, county_user, village):
    seated = CadreFactory(village=village, name="李明", id_number=person()["身份证号"], entered_on=dt.date(2020, 1, 1))
    Cadre.objects.filter(pk=seated.pk).update(status=Status.LEFT, left_on=dt.date(2023, 6, 30), left_reason="外出务工")
    report = _import(tmp_path, [person(**{"列入后备时间": "2024.01"})], county_user)
    assert [str(e) for e in report.errors] == ["第3行 列入后备时间: 不能晚于退出时间（2023-06-30）"]
    seated.refresh_from_db()
    assert seated.entered_on == dt.date(2020, 1, 1)


def test_the_export_carries_the_date_and_reads_back_unchanged(tmp_path, login, county_user, village):
    CadreFactory(village=village, name="李明", id_number=person()["身份证号"], entered_on=dt.date(2022, 3, 1))
    content = login(county_user).get("/cadres/export.xlsx").content
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    report = roster_import(path, user=county_user, dry_run=True)
    assert report.errors == []
    assert [o.action for o in report.outcomes] == ["unchanged"]
