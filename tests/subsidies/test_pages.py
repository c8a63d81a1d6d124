"""The subsidy pages as the people use them: county staff set the policy, compute a month,
review, lock and correct it with adjustments; a township secretary sees their own lines;
every page costs the same number of queries whatever the county's size."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from subsidies.models import SheetState, SubsidyAdjustment, SubsidyPolicy, SubsidySheet
from subsidies.services import adjustment_add, sheet_compute, sheet_lock, sheet_review
from tests.factories import CadreFactory, CountyFactory, SubsidyPolicyFactory, TownshipFactory, VillageFactory
from tests.queries import REQUEST_TRANSACTION

pytestmark = pytest.mark.django_db

D = Decimal
MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def policy(county, county_user):
    return SubsidyPolicyFactory(county=county, effective_from=dt.date(2020, 1, 1), created_by=county_user)


@pytest.fixture
def people(village, other_village):
    return [
        CadreFactory(village=village, name="李明", entered_on=dt.date(2020, 1, 1)),
        CadreFactory(village=village, name="赵强", entered_on=dt.date(2026, 3, 17)),
        CadreFactory(village=other_village, name="王芳", entered_on=dt.date(2020, 1, 1)),
    ]


@pytest.fixture
def sheet(county, county_user, policy, people):
    return sheet_compute(county_id=county.pk, month=MARCH, user=county_user)


def detail(sheet):
    return reverse("subsidies:sheet-detail", args=[sheet.pk])


class TestPolicies:
    def test_county_staff_add_a_policy_with_checkboxes(self, login, county_user, county):
        client = login(county_user)
        page = client.get(reverse("subsidies:policy-create")).content.decode()
        assert 'type="checkbox" name="eligible_tiers" value="village"' in page
        assert 'type="checkbox" name="eligible_statuses" value="seated"' in page
        data = {
            "effective_from": "2026-07-01",
            "monthly_amount": "2200",
            "eligible_statuses": ["reserve", "key_training"],
            "bonus_excellent": "5000",
            "bonus_competent": "3000",
            "bonus_basic": "0",
            "bonus_month": "3",
            "notes": "县委组织部〔2026〕12号",
        }
        response = client.post(reverse("subsidies:policy-create"), data, follow=True)
        assert "已保存补贴政策：2026-07-01起 每月2200.00元。" in response.content.decode()
        policy = SubsidyPolicy.objects.get()
        assert (policy.county, policy.eligible_tiers, policy.eligible_statuses, policy.created_by) == (
            county, [], ["key_training", "reserve"], county_user
        )  # fmt: skip
        listing = client.get(reverse("subsidies:policy-list")).content.decode()
        assert "全部层级" in listing and "重点培养、储备中" in listing and "县委组织部〔2026〕12号" in listing

    def test_a_status_is_required_and_the_same_day_is_refused(self, login, county_user, policy):
        client = login(county_user)
        data = {"effective_from": "2020-01-01", "monthly_amount": "2200", "bonus_excellent": "0",
                "bonus_competent": "0", "bonus_basic": "0", "bonus_month": "3"}  # fmt: skip
        response = client.post(reverse("subsidies:policy-create"), data)
        assert response.status_code == 200 and "eligible_statuses" in response.context["form"].errors
        response = client.post(reverse("subsidies:policy-create"), {**data, "eligible_statuses": ["reserve"]})
        assert "同一天只能有一项补贴政策生效。" in response.content.decode()

    def test_editing_a_policy_of_a_locked_month_is_refused_on_the_form(self, login, county_user, sheet, policy):
        sheet_lock(user=county_user, sheet=sheet_review(user=county_user, sheet=sheet))
        client = login(county_user)
        data = {"effective_from": "2020-01-01", "monthly_amount": "1", "eligible_statuses": ["reserve"],
                "bonus_excellent": "0", "bonus_competent": "0", "bonus_basic": "0", "bonus_month": "3"}  # fmt: skip
        response = client.post(reverse("subsidies:policy-update", args=[policy.pk]), data)
        assert "2026年03月的补贴表已锁定" in response.content.decode()
        policy.refresh_from_db()
        assert policy.monthly_amount == D("2000.00")

    def test_township_secretaries_and_leaders_read_policies_only(self, login, township_secretary, leader, policy):
        for user in (township_secretary, leader):
            client = login(user)
            page = client.get(reverse("subsidies:policy-list")).content.decode()
            assert "2,000.00" in page and reverse("subsidies:policy-create") not in page
            assert client.get(reverse("subsidies:policy-create")).status_code == 403
            assert client.post(reverse("subsidies:policy-update", args=[policy.pk]), {}).status_code == 403


class TestSheets:
    def test_county_staff_compute_a_month_from_the_list(self, login, county_user, policy, people):
        client = login(county_user)
        response = client.post(reverse("subsidies:sheet-list"), {"month": "2026-03"}, follow=True)
        html = response.content.decode()
        # 2000 + 2000 + 2000 × 15/31 = 967.74
        assert "已计算2026年03月补贴表：3人，合计4,967.74元。" in html
        sheet = SubsidySheet.objects.get()
        assert response.redirect_chain[-1][0] == detail(sheet)
        assert "赵强" in html and "2000.00×15/31" in html and "4,967.74" in html
        listing = client.get(reverse("subsidies:sheet-list")).content.decode()
        assert "2026年03月" in listing and "已计算" in listing and "4,967.74" in listing

    def test_a_bad_month_is_a_message_on_the_form(self, login, county_user, policy):
        response = login(county_user).post(reverse("subsidies:sheet-list"), {"month": "三月"})
        assert "请选择月份" in response.content.decode() and not SubsidySheet.objects.exists()

    def test_review_lock_and_the_refusal_to_recompute(self, login, county_user, sheet):
        client = login(county_user)
        html = client.get(detail(sheet)).content.decode()
        assert 'value="review"' in html and 'value="lock"' not in html and "data-confirm" in html
        html = client.post(detail(sheet), {"action": "review"}, follow=True).content.decode()
        assert "已审核2026年03月补贴表。" in html and 'value="lock"' in html and 'value="reopen"' in html
        html = client.post(detail(sheet), {"action": "reopen"}, follow=True).content.decode()
        assert "已退回2026年03月补贴表，可重新计算。" in html
        client.post(detail(sheet), {"action": "review"})
        html = client.post(detail(sheet), {"action": "lock"}, follow=True).content.decode()
        assert "已锁定2026年03月补贴表" in html and 'value="recompute"' not in html
        sheet.refresh_from_db()
        assert (sheet.state, sheet.locked_by) == (SheetState.LOCKED, county_user)
        html = client.post(detail(sheet), {"action": "recompute"}, follow=True).content.decode()
        assert "已锁定，不能重新计算；如需更正请添加调整" in html
        html = client.post(reverse("subsidies:sheet-list"), {"month": "2026-03"}).content.decode()
        assert "已锁定，不能重新计算" in html

    def test_recompute_on_the_page(self, login, county_user, sheet, people):
        people[1].entered_on = dt.date(2026, 3, 1)
        people[1].save()
        html = login(county_user).post(detail(sheet), {"action": "recompute"}, follow=True).content.decode()
        assert "已重新计算2026年03月补贴表。" in html and "6,000.00" in html

    def test_an_adjustment_from_a_line_and_by_id_number(self, login, county_user, sheet, people):
        sheet_lock(user=county_user, sheet=sheet_review(user=county_user, sheet=sheet))
        client = login(county_user)
        page = client.get(detail(sheet), {"adjust": people[1].pk}).content.decode()
        assert "调整对象：赵强（白水镇 枫树村）" in page
        data = {"action": "adjust", "cadre": people[1].pk, "amount": "64.52", "reason": "列入时间应为3月16日"}
        html = client.post(detail(sheet), data, follow=True).content.decode()
        assert "已为赵强添加调整+64.52元。" in html and "列入时间应为3月16日" in html
        data = {"action": "adjust", "id_number": people[2].id_number, "amount": "-100", "reason": "多发"}
        html = client.post(detail(sheet), data, follow=True).content.decode()
        assert "已为王芳添加调整-100.00元。" in html
        # 4967.74 + 64.52 - 100
        assert "4,932.26" in html
        assert SubsidyAdjustment.objects.count() == 2
        for i in range(21):
            adjustment_add(user=county_user, sheet=sheet, cadre=people[0], amount=D("1"), reason=f"第{i}次")
        second = client.get(detail(sheet), {"apage": 2})
        assert [a.reason for a in second.context["adjustments"]] == ["第18次", "第19次", "第20次"]
        assert "共 23 条" in second.content.decode()

    def test_an_adjustment_without_a_reason_or_reserve_keeps_the_input(self, login, county_user, sheet):
        client = login(county_user)
        response = client.post(detail(sheet), {"action": "adjust", "amount": "5", "reason": ""})
        form = response.context["adjustment_form"]
        assert response.status_code == 200 and form.errors["reason"] and form.errors["id_number"]
        response = client.post(detail(sheet), {"action": "adjust", "id_number": "110101199001011234", "amount": "5",
                                               "reason": "补"})  # fmt: skip
        assert "本县没有该身份证号的后备干部。" in response.content.decode()
        assert not SubsidyAdjustment.objects.exists()

    def test_lines_are_filtered_and_paginated(self, login, county_user, sheet, village, township, people):
        for i in range(55):
            CadreFactory(village=village, name=f"后备{i:02d}", entered_on=dt.date(2020, 1, 1))
        sheet_compute(county_id=sheet.county_id, month=MARCH, user=county_user)
        client = login(county_user)
        page = client.get(detail(sheet))
        assert page.context["paginator"].count == 58 and len(page.context["lines"]) == 50
        assert len(client.get(detail(sheet), {"page": 2}).context["lines"]) == 8
        assert [line.cadre_name for line in client.get(detail(sheet), {"q": "王"}).context["lines"]] == ["王芳"]
        other = people[2].village
        by_village = client.get(detail(sheet), {"village": other.pk}).context["lines"]
        assert [line.cadre_name for line in by_village] == ["王芳"]
        by_township = client.get(detail(sheet), {"township": township.pk}).context["paginator"].count
        assert by_township == 57

    def test_id_numbers_are_masked(self, login, county_user, sheet, people):
        html = login(county_user).get(detail(sheet)).content.decode()
        assert people[0].id_number not in html
        assert people[0].id_number[:4] + "**********" + people[0].id_number[-4:] in html


class TestTownshipScoping:
    def test_a_township_secretary_sees_only_their_townships_lines_and_totals(
        self, login, township_secretary, sheet, county_user, people
    ):
        adjustment_add(user=county_user, sheet=sheet, cadre=people[2], amount=D("10"), reason="龙山乡补发")
        client = login(township_secretary)
        html = client.get(detail(sheet)).content.decode()
        assert "李明" in html and "赵强" in html and "王芳" not in html and "龙山乡补发" not in html
        assert "2,967.74" in html and "4,967.74" not in html and "4,977.74" not in html
        assert 'value="review"' not in html and "添加调整" not in html
        listing = client.get(reverse("subsidies:sheet-list")).content.decode()
        assert "2,967.74" in listing and "计算某月补贴表" not in listing
        lines = client.get(detail(sheet)).context["filter"]
        assert "township" not in lines.form.fields  # only their own: not offered as a choice
        assert list(lines.filters["township"].queryset.values_list("name", flat=True)) == ["白水镇"]

    def test_a_township_secretary_changes_nothing(self, login, township_secretary, leader, sheet, people):
        for user in (township_secretary, leader):
            client = login(user)
            for data in ({"action": "review"}, {"action": "recompute"},
                         {"action": "adjust", "cadre": people[0].pk, "amount": "1", "reason": "x"}):  # fmt: skip
                assert client.post(detail(sheet), data).status_code == 403
            assert client.post(reverse("subsidies:sheet-list"), {"month": "2026-04"}).status_code == 403
        sheet.refresh_from_db()
        assert sheet.state == SheetState.COMPUTED and not SubsidyAdjustment.objects.exists()

    def test_another_countys_sheet_is_not_found(self, login, county_user, township_secretary, sheet):
        stranger = CountyFactory(name="白云县")
        SubsidyPolicyFactory(county=stranger, effective_from=dt.date(2020, 1, 1))
        theirs = sheet_compute(county_id=stranger.pk, month=MARCH, user=None)
        for user in (county_user, township_secretary):
            client = login(user)
            assert client.get(detail(theirs)).status_code == 404
            assert client.post(detail(theirs), {"action": "review"}).status_code == 404
        theirs.refresh_from_db()
        assert theirs.state == SheetState.COMPUTED
        assert "白云县" not in login(county_user).get(reverse("subsidies:sheet-list")).content.decode()


class TestQueryCounts:
    def grow(self, county, township, n):
        villages = [VillageFactory(township=township)] + [
            VillageFactory(township=TownshipFactory(county=county)) for _ in range(2)
        ]
        for i in range(n):
            CadreFactory(village=villages[i % 3], entered_on=dt.date(2020, 1, 1))

    @pytest.mark.parametrize("n", [3, 60])
    def test_the_sheet_page_does_not_grow_with_the_county(
        self, login, county_user, county, township, policy, n, django_assert_num_queries
    ):
        self.grow(county, township, n)
        sheet = sheet_compute(county_id=county.pk, month=MARCH, user=county_user)
        for line in sheet.lines.select_related("cadre")[:3]:
            adjustment_add(user=county_user, sheet=sheet, cadre=line.cadre, amount=D("1"), reason="补")
        client = login(county_user)
        # session, user, the sheet with its totals, per-township line totals, per-township
        # adjustments, township choices, village choices, line count, the page of lines, the
        # adjustments' count and page
        with django_assert_num_queries(11 + REQUEST_TRANSACTION):
            assert client.get(detail(sheet)).status_code == 200

    @pytest.mark.parametrize("n", [3, 60])
    def test_the_sheet_list_does_not_grow(
        self, login, county_user, county, township, policy, n, django_assert_num_queries
    ):
        self.grow(county, township, n)
        for month in range(1, 4):
            sheet_compute(county_id=county.pk, month=dt.date(2026, month, 1), user=county_user)
        client = login(county_user)
        # session, user, count, the page of sheets with their totals
        with django_assert_num_queries(4 + REQUEST_TRANSACTION):
            assert client.get(reverse("subsidies:sheet-list")).status_code == 200

    @pytest.mark.parametrize("n", [1, 12])
    def test_the_policy_list_does_not_grow(self, login, county_user, county, n, django_assert_num_queries):
        for i in range(n):
            SubsidyPolicyFactory(county=county, effective_from=dt.date(2020, 1, 1) + dt.timedelta(days=i),
                                 created_by=county_user)  # fmt: skip
        client = login(county_user)
        with django_assert_num_queries(4 + REQUEST_TRANSACTION):
            assert client.get(reverse("subsidies:policy-list")).status_code == 200


def test_a_superuser_without_a_county_chooses_it(login, county, policy, people):
    from tests.factories import UserFactory

    root = UserFactory(username="root", county=None, is_superuser=True, is_staff=True)
    client = login(root)
    response = client.post(reverse("subsidies:sheet-list"), {"month": "2026-03"})
    assert response.status_code == 200 and "county" in response.context["form"].errors
    response = client.post(reverse("subsidies:sheet-list"), {"month": "2026-03", "county": county.pk}, follow=True)
    assert "已计算2026年03月补贴表：3人" in response.content.decode()
    data = {"county": county.pk, "effective_from": "2026-07-01", "monthly_amount": "2100", "bonus_excellent": "0",
            "bonus_competent": "0", "bonus_basic": "0", "bonus_month": "3",
            "eligible_statuses": ["reserve"]}  # fmt: skip
    assert client.post(reverse("subsidies:policy-create"), data).status_code == 302
    assert SubsidyPolicy.objects.get(effective_from=dt.date(2026, 7, 1)).county == county


class TestPhoneLayout:
    """Tables wider than four columns stack into labelled rows on a phone (table-stack):
    every cell that is not the row's name carries its column's Chinese name."""

    def test_the_sheet_tables_stack_with_labels(self, login, county_user, sheet, people):
        html = login(county_user).get(detail(sheet)).content.decode()
        assert html.count("table-stack") == 3  # township totals, lines, adjustments
        for label in ("身份证号", "天数", "基本补贴", "应发（元）", "计算依据"):
            assert f'data-label="{label}"' in html
        assert "月补贴标准 × 享受天数 / 当月天数" in html  # what the basis column means

    def test_the_sheet_and_policy_lists_stack(self, login, county_user, sheet, policy):
        client = login(county_user)
        sheets = client.get(reverse("subsidies:sheet-list")).content.decode()
        assert "table-stack" in sheets and 'data-label="合计（元）"' in sheets
        policies = client.get(reverse("subsidies:policy-list")).content.decode()
        assert "table-stack" in policies and 'data-label="绩效奖发放月份"' in policies
