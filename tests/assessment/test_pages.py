"""The assessment pages as the people use them: the county opens a year, the township
fills its grid and submits, the county reviews."""

import datetime as dt

import pytest
from django.urls import reverse

from assessment.models import Assessment, AssessmentYear, Grade, Outcome, SubmissionState
from assessment.services import year_open
from tests.factories import CadreFactory, PairingFactory, make_id_number
from tests.queries import REQUEST_TRANSACTION

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(county_user, county):
    return year_open(user=county_user, county_id=county.pk, year=2026, data={"deadline": dt.date(2026, 12, 20)})


def grid_url(year, township):
    return f"{reverse('assessment:grid', args=[year.pk])}?township={township.pk}"


def row(year, cadre, score="80", voters="20", grade=Grade.COMPETENT):
    data = {f"r{cadre.pk}-s{i.pk}": score for i in year.indicators.all()}
    data |= {f"r{cadre.pk}-voters": voters, f"r{cadre.pk}-votes_excellent": "5", f"r{cadre.pk}-votes_competent": "15",
             f"r{cadre.pk}-grade": grade, f"r{cadre.pk}-outcome": Outcome.STAY,
             f"r{cadre.pk}-visible_merits": "牵头建设村级电商服务站"}  # fmt: skip
    return data


def test_the_county_opens_a_year_on_the_page(login, county_user, township_secretary):
    data = {"year": "2027", "deadline": "2027-12-20", "excellent_share": "20", "democratic_required": "on",
            "excellent_from": "90", "competent_from": "75", "basic_from": "60"}  # fmt: skip
    response = login(county_user).post(reverse("assessment:year-list"), data, follow=True)
    assert "已设置2027年度考核，默认8项考核指标。" in response.content.decode()
    assert AssessmentYear.objects.get().indicators.count() == 8
    assert login(township_secretary).post(reverse("assessment:year-list"), data).status_code == 403


def test_the_new_year_form_offers_the_first_year_not_yet_open(login, county_user, county):
    from django.utils import timezone

    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        year_open(user=county_user, county_id=county.pk, year=year, data={"deadline": dt.date(year, 12, 20)})
    page = login(county_user).get(reverse("assessment:year-list")).content.decode()
    assert f'name="year" value="{this_year + 2}"' in page


def test_the_township_fills_its_grid_keeps_input_on_an_error_and_submits(
    login, township_secretary, county_user, year, village, cadre
):
    other = CadreFactory(village=village, name="王芳", id_number=make_id_number(seq=202))
    client = login(township_secretary)
    page = client.get(reverse("assessment:grid", args=[year.pk]))  # their own township, no choice needed
    assert page.status_code == 200 and "李明" in page.content.decode() and "王芳" in page.content.decode()

    bad = row(year, other, voters="3")
    response = client.post(grid_url(year, village.township), {**row(year, cadre), **bad, "save": "1"})
    html = response.content.decode()
    assert "有1行未保存" in html and "王芳：各档票数之和（20）超过参加测评人数（3）。" in html
    assert f'name="r{other.pk}-voters" inputmode="numeric" aria-label="王芳 voters" value="3"' in html  # kept
    assert list(Assessment.objects.values_list("cadre__name", "total")) == [("李明", 80)]

    response = client.post(grid_url(year, village.township), {**row(year, cadre), **row(year, other), "submit": "1"},
                           follow=True)  # fmt: skip
    assert "已上报白水镇的考核结果" in response.content.decode()
    page = client.get(grid_url(year, village.township)).content.decode()
    assert "已上报或已审定，不能修改" in page and " disabled" in page
    assert 'value="80" disabled' in page and 'value="80.0"' not in page  # scores shown as typed

    review = login(county_user).post(
        reverse("assessment:review", args=[year.pk]),
        {"submission": year.submissions.get().pk, "action": "return", "reason": "请补充显绩"},
        follow=True,
    )
    assert "白水镇：已退回。" in review.content.decode()
    assert year.submissions.get().state == SubmissionState.RETURNED
    assert (
        "县委组织部退回原因：请补充显绩"
        in login(township_secretary).get(grid_url(year, village.township)).content.decode()
    )


def test_leaders_read_the_grid_with_every_input_disabled_and_may_not_post(login, leader, year, village, cadre):
    client = login(leader)
    page = client.get(grid_url(year, village.township)).content.decode()
    assert "李明" in page and "您的角色只能查看填报结果，不能修改。" in page
    assert "保存草稿" not in page and "从Excel填报" not in page
    assert f'name="r{cadre.pk}-voters" inputmode="numeric" aria-label="李明 voters" value="" disabled' in page
    assert client.post(grid_url(year, village.township), {**row(year, cadre), "save": "1"}).status_code == 403
    assert not Assessment.objects.exists()
    assert client.get(reverse("assessment:review", args=[year.pk])).status_code == 200


def test_the_county_grid_without_a_township_offers_each_township(login, county_user, year, village, other_village):
    page = login(county_user).get(reverse("assessment:grid", args=[year.pk])).content.decode()
    assert "请选择要查看的乡镇" in page
    for township in (village.township, other_village.township):
        assert f'href="?township={township.pk}">{township.name}</a>' in page
    assert f'href="{reverse("assessment:review", args=[year.pk])}">审定进度</a>' in page


@pytest.mark.parametrize("n", [5, 40])
def test_the_grid_does_not_grow_with_the_township(
    login, township_secretary, year, village, n, django_assert_num_queries
):
    from assessment.services import assessment_save

    scores = {i.pk: 80 for i in year.indicators.all()}
    for i in range(n):
        person = CadreFactory(village=village, name=f"人{i}", id_number=make_id_number(seq=300 + i))
        assessment_save(user=township_secretary, year=year, cadre=person, data={"scores": scores})
        PairingFactory(cadre=person)
    client = login(township_secretary)
    # session, user, year, the township, indicators, reserves with their evidence, assessments,
    # overdue pairings (pairings, requirements, last activities), scores, submission, and the
    # township list for the switcher
    with django_assert_num_queries(13 + REQUEST_TRANSACTION):
        assert client.get(reverse("assessment:grid", args=[year.pk])).status_code == 200


def test_the_review_page_names_a_seat_for_an_advanced_reserve(login, township_secretary, county_user, year, cadre):
    from assessment.services import assessment_save, submission_submit

    scores = {i.pk: 90 for i in year.indicators.all()}
    data = {"scores": scores, "voters": 20, "votes_competent": 18, "grade": Grade.COMPETENT, "outcome": "advance"}
    assessment = assessment_save(user=township_secretary, year=year, cadre=cadre, data=data)
    submission_submit(user=township_secretary, year=year, township_id=cadre.village.township_id)
    client = login(county_user)
    page = client.get(reverse("assessment:review", args=[year.pk])).content.decode()
    assert "建议“进”的人员：审定时进入的职位" in page and "枫树村 村(居)委会主任" in page
    seat = cadre.village.seats.get(post=40)
    response = client.post(reverse("assessment:review", args=[year.pk]), {"assessment": assessment.pk, "seat": seat.pk},
                           follow=True)  # fmt: skip
    assert "李明审定后将进入：枫树村 村(居)委会主任。" in response.content.decode()


def test_the_county_sets_the_indicators_on_a_page(login, county_user, township_secretary, year):
    url = reverse("assessment:indicators", args=[year.pk])
    client = login(county_user)
    assert "政治素质 15" in client.get(url).content.decode()
    wrong = client.post(url, {"indicators": "政治素质 50\n工作实绩 40"})
    assert "各项指标权重之和应为100，现为90。" in wrong.content.decode()
    client.post(url, {"indicators": "政治素质 40\n工作实绩 60"})
    assert list(year.indicators.values_list("name", "weight")) == [("政治素质", 40), ("工作实绩", 60)]
    assert login(township_secretary).post(url, {"indicators": "政治素质 100"}).status_code == 403


def test_a_township_secretary_cannot_open_another_townships_grid(
    login, township_secretary, county_user, year, cadre, other_cadre
):
    from assessment.services import assessment_save

    assessment_save(
        user=county_user, year=year, cadre=other_cadre, data={"scores": {}, "visible_merits": "龙山乡的显绩"}
    )
    page = login(township_secretary).get(grid_url(year, other_cadre.village.township)).content.decode()
    assert "白水镇" in page and "王芳" not in page and "龙山乡的显绩" not in page
    sheet = reverse("assessment:grid-sheet", args=[year.pk, other_cadre.village.township_id])
    assert login(township_secretary).get(sheet).status_code == 404
