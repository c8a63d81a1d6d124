"""A sheet's life: computed, reviewed, locked; a locked sheet never changes (the service
refuses and so does the database), corrections are adjustments that show in the totals;
totals are exact sums; computing costs the same number of queries for any county size."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from common.masking import mask_id_number
from common.scope import Scope
from subsidies.models import SheetState, SubsidyAdjustment, SubsidyLine, SubsidySheet
from subsidies.selectors import sheet_adjustments, sheet_lines, sheet_list, sheet_totals
from subsidies.services import (
    adjustment_add,
    policy_save,
    sheet_compute,
    sheet_lock,
    sheet_reopen,
    sheet_review,
)
from tests.factories import CadreFactory, SubsidyPolicyFactory, VillageFactory, graded, township_user

pytestmark = pytest.mark.django_db

D = Decimal
JAN = dt.date(2026, 1, 1)


@pytest.fixture
def policy(county, county_user):
    return SubsidyPolicyFactory(county=county, effective_from=dt.date(2020, 1, 1), created_by=county_user)


@pytest.fixture
def people(village, other_village):
    """Five reserves in two townships, paid different amounts in January."""
    return [
        CadreFactory(village=village, name="甲一", entered_on=dt.date(2020, 1, 1)),
        CadreFactory(village=village, name="甲二", entered_on=dt.date(2026, 1, 10)),
        CadreFactory(village=village, name="甲三", entered_on=dt.date(2026, 1, 31)),
        CadreFactory(village=other_village, name="乙一", entered_on=dt.date(2026, 1, 3)),
        CadreFactory(village=other_village, name="乙二", entered_on=dt.date(2026, 1, 17)),
    ]


@pytest.fixture
def sheet(county, county_user, policy, people):
    return sheet_compute(county_id=county.pk, month=JAN, user=county_user)


def locked(sheet, user):
    return sheet_lock(user=user, sheet=sheet_review(user=user, sheet=sheet))


class TestWorkflow:
    def test_computed_reviewed_locked(self, sheet, county_user):
        sheet = sheet_review(user=county_user, sheet=sheet)
        assert (sheet.state, sheet.reviewed_by) == (SheetState.REVIEWED, county_user)
        sheet = sheet_lock(user=county_user, sheet=sheet)
        assert (sheet.state, sheet.locked_by) == (SheetState.LOCKED, county_user) and sheet.locked_at

    def test_a_computed_sheet_cannot_be_locked_unreviewed(self, sheet, county_user):
        with pytest.raises(ValidationError, match="当前状态为“已计算”"):
            sheet_lock(user=county_user, sheet=sheet)

    def test_reopen_sends_a_reviewed_sheet_back(self, sheet, county_user):
        sheet = sheet_reopen(user=county_user, sheet=sheet_review(user=county_user, sheet=sheet))
        assert (sheet.state, sheet.reviewed_by, sheet.reviewed_at) == (SheetState.COMPUTED, None, None)

    def test_a_locked_sheet_never_reopens(self, sheet, county_user):
        sheet = locked(sheet, county_user)
        for action in (sheet_reopen, sheet_review, sheet_lock):
            with pytest.raises(ValidationError, match="已锁定"):
                action(user=county_user, sheet=sheet)

    def test_recomputing_replaces_the_lines_keeps_adjustments_and_needs_a_new_review(
        self, county, sheet, county_user, people
    ):
        adjustment_add(user=county_user, sheet=sheet, cadre=people[0], amount=D("100"), reason="补发上月")
        sheet_review(user=county_user, sheet=sheet)
        people[1].entered_on = dt.date(2026, 1, 1)
        people[1].save()
        again = sheet_compute(county_id=county.pk, month=JAN, user=county_user)
        assert again.pk == sheet.pk and again.state == SheetState.COMPUTED and again.reviewed_by is None
        assert SubsidyLine.objects.get(sheet=sheet, cadre=people[1]).days == 31
        assert SubsidyLine.objects.filter(sheet=sheet).count() == 5
        assert SubsidyAdjustment.objects.filter(sheet=sheet).count() == 1

    def test_township_secretaries_and_leaders_only_look(self, sheet, township, leader):
        for user in (township_user(township), leader):
            with pytest.raises(PermissionDenied):
                sheet_review(user=user, sheet=sheet)


class TestLocking:
    def test_the_service_refuses_to_recompute_a_locked_sheet(self, county, sheet, county_user, people):
        locked(sheet, county_user)
        before = list(SubsidyLine.objects.filter(sheet=sheet).values_list("cadre", "total"))
        people[1].entered_on = dt.date(2026, 1, 1)
        people[1].save()
        with pytest.raises(ValidationError) as caught:
            sheet_compute(county_id=county.pk, month=JAN, user=None)
        assert "2026年01月的补贴表已锁定，不能重新计算；如需更正请添加调整" in caught.value.messages[0]
        assert list(SubsidyLine.objects.filter(sheet=sheet).values_list("cadre", "total")) == before

    @pytest.mark.parametrize(
        "sql",
        [
            "UPDATE subsidies_subsidyline SET base = base + 1, total = total + 1 WHERE sheet_id = %s",
            "DELETE FROM subsidies_subsidyline WHERE sheet_id = %s",
            "INSERT INTO subsidies_subsidyline (sheet_id, cadre_id, township_id, village_id, days, base, bonus_grade,"
            " bonus, total, basis) SELECT %s, c.id, v.township_id, v.id, 1, 1, '', 0, 1, '' FROM cadre_cadre c"
            " JOIN org_village v ON v.id = c.village_id WHERE c.name = '外人'",
            "UPDATE subsidies_subsidysheet SET state = 'computed' WHERE id = %s",
            "UPDATE subsidies_subsidysheet SET computed_at = now() WHERE id = %s",
            "DELETE FROM subsidies_subsidysheet WHERE id = %s",
        ],
        ids=["update-line", "delete-line", "insert-line", "unlock", "touch-sheet", "delete-sheet"],
    )
    def test_the_database_refuses_to_change_a_locked_sheet(self, sheet, county_user, village, sql):
        CadreFactory(village=village, name="外人", entered_on=dt.date(2020, 1, 1))
        locked(sheet, county_user)
        before = list(SubsidyLine.objects.filter(sheet=sheet).order_by("pk").values_list("pk", "total"))
        with pytest.raises(IntegrityError, match="locked"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [sheet.pk])
        assert list(SubsidyLine.objects.filter(sheet=sheet).order_by("pk").values_list("pk", "total")) == before
        assert SubsidySheet.objects.get(pk=sheet.pk).state == SheetState.LOCKED

    def test_a_line_cannot_be_moved_into_a_locked_sheet(self, county, sheet, county_user):
        locked(sheet, county_user)
        february = sheet_compute(county_id=county.pk, month=dt.date(2026, 2, 1), user=county_user)
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            sql = "UPDATE subsidies_subsidyline SET sheet_id = %s WHERE sheet_id = %s"
            cursor.execute(sql, [sheet.pk, february.pk])

    def test_the_database_lets_an_unlocked_sheet_change(self, sheet):
        with connection.cursor() as cursor:
            cursor.execute("UPDATE subsidies_subsidyline SET basis = 'x' WHERE sheet_id = %s", [sheet.pk])
            assert cursor.rowcount == 5

    def test_an_adjustment_of_a_locked_sheet_is_never_edited_or_deleted(self, sheet, county_user, people):
        adjustment = adjustment_add(user=county_user, sheet=sheet, cadre=people[0], amount=D("-10"), reason="多发")
        locked(sheet, county_user)
        for sql in ("UPDATE subsidies_subsidyadjustment SET amount = 1 WHERE id = %s",
                    "DELETE FROM subsidies_subsidyadjustment WHERE id = %s"):  # fmt: skip
            with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [adjustment.pk])
        assert SubsidyAdjustment.objects.get(pk=adjustment.pk).amount == D("-10")

    def test_a_policy_for_a_locked_month_cannot_be_added_or_changed(self, county, sheet, county_user, policy):
        locked(sheet, county_user)
        data = {"effective_from": dt.date(2026, 1, 15), "monthly_amount": D("2500"), "eligible_statuses": ["reserve"]}
        with pytest.raises(ValidationError, match="2026年01月的补贴表已锁定"):
            policy_save(user=county_user, county_id=county.pk, data=data)
        with pytest.raises(ValidationError, match="已锁定"):
            policy_save(user=county_user, county_id=county.pk, data={"monthly_amount": D("1")}, instance=policy)
        later = policy_save(user=county_user, county_id=county.pk, data={**data, "effective_from": dt.date(2026, 2, 1)})
        assert later.pk and later.created_by == county_user


class TestAdjustments:
    def test_an_adjustment_needs_a_reason_and_a_non_zero_amount(self, sheet, county_user, people):
        with pytest.raises(ValidationError) as caught:
            adjustment_add(user=county_user, sheet=sheet, cadre=people[0], amount=D("0"), reason="  ")
        assert caught.value.message_dict == {"amount": ["调整金额不能为零。"], "reason": ["请填写调整原因。"]}
        with pytest.raises(ValidationError, match="两位小数"):
            adjustment_add(user=county_user, sheet=sheet, cadre=people[0], amount=D("0.001"), reason="零头")

    def test_a_locked_sheet_is_corrected_by_adjustments_shown_in_its_totals(self, sheet, county_user, people, township):
        sheet = locked(sheet, county_user)
        before = sheet_totals(county_user, sheet)
        adjustment_add(user=county_user, sheet=sheet, cadre=people[0], amount=D("150.50"), reason="漏算三天")
        adjustment_add(user=county_user, sheet=sheet, cadre=people[3], amount=D("-20.00"), reason="多发")
        after = sheet_totals(county_user, sheet)
        assert after.county.adjustments == D("130.50")
        assert after.county.total == before.county.total + D("130.50")
        by_name = {t.township_name: t for t in after.townships}
        assert (by_name["白水镇"].adjustments, by_name["龙山乡"].adjustments) == (D("150.50"), D("-20.00"))
        line = sheet_lines(county_user, sheet).get(cadre=people[0])
        assert (line.adjustments, line.payable) == (D("150.50"), line.total + D("150.50"))
        assert [a.reason for a in sheet_adjustments(county_user, sheet)] == ["漏算三天", "多发"]

    def test_a_reserve_left_out_of_the_sheet_is_paid_by_an_adjustment(self, sheet, county_user, village):
        forgotten = CadreFactory(village=village, entered_on=dt.date(2026, 2, 1))  # entered wrongly
        locked(sheet, county_user)
        adjustment_add(user=county_user, sheet=sheet, cadre=forgotten, amount=D("2000"), reason="列入时间录错")
        totals = sheet_totals(county_user, sheet)
        assert {t.township_name: t.adjustments for t in totals.townships}["白水镇"] == D("2000.00")

    def test_a_reserve_of_another_county_cannot_be_adjusted(self, sheet, county_user):
        with pytest.raises(ValidationError, match="不属于本县"):
            adjustment_add(user=county_user, sheet=sheet, cadre=CadreFactory(), amount=D("1"), reason="错")

    def test_an_adjustment_counts_in_the_township_of_the_line(self, sheet, county_user, people, other_village):
        person = people[0]
        person.village = other_village
        person.save()
        adjustment = adjustment_add(user=county_user, sheet=sheet, cadre=person, amount=D("5"), reason="补")
        assert adjustment.township == sheet.lines.get(cadre=person).township != other_village.township


class TestTotals:
    def test_the_january_figures(self, sheet, county_user, people):
        lines = {line.cadre_name: (line.days, line.base) for line in sheet_lines(county_user, sheet)}
        assert lines == {
            "甲一": (31, D("2000.00")),
            "甲二": (22, D("1419.35")),  # 2000 × 22/31 = 1419.354…
            "甲三": (1, D("64.52")),
            "乙一": (29, D("1870.97")),  # 1870.967…
            "乙二": (15, D("967.74")),  # 967.741…
        }

    def test_totals_equal_the_sum_of_the_lines_exactly(self, county, county_user, policy, people, village):
        for i in range(40):
            CadreFactory(village=village, entered_on=dt.date(2026, 1, 1) + dt.timedelta(days=i % 31))
        graded(people[0], year=2025, grade="excellent")
        sheet = sheet_compute(county_id=county.pk, month=dt.date(2026, 3, 1), user=county_user)
        adjustment_add(user=county_user, sheet=sheet, cadre=people[1], amount=D("0.01"), reason="尾差")
        totals = sheet_totals(county_user, sheet)
        lines = list(sheet_lines(county_user, sheet))
        assert totals.county.count == len(lines) == 45
        assert totals.county.base == sum(line.base for line in lines)
        assert totals.county.bonus == sum(line.bonus for line in lines) == D("5000.00")
        assert totals.county.total == sum(line.payable for line in lines)
        for t in totals.townships:
            mine = [line for line in lines if line.township_id == t.township_id]
            assert t.total == sum(line.base + line.bonus + line.adjustments for line in mine)
            assert isinstance(t.total, Decimal) and t.total.as_tuple().exponent == -2
        listed = sheet_list(county_user).get(pk=sheet.pk)
        assert (listed.line_count, listed.grand_total) == (45, totals.county.total)

    def test_a_township_sees_its_own_lines_and_totals(self, sheet, township, county_user, people):
        adjustment_add(user=county_user, sheet=sheet, cadre=people[3], amount=D("9"), reason="补")
        for who in (township_user(township), Scope.township(township.pk)):
            assert {line.cadre_name for line in sheet_lines(who, sheet)} == {"甲一", "甲二", "甲三"}
            totals = sheet_totals(who, sheet)
            assert [t.township_name for t in totals.townships] == ["白水镇"]
            assert totals.county.total == D("3483.87") and totals.county.adjustments == 0
            assert list(sheet_adjustments(who, sheet)) == []
            assert sheet_list(who).get(pk=sheet.pk).grand_total == D("3483.87")

    def test_the_stored_totals_follow_every_write_to_the_lines(self, county, county_user, sheet, people):
        def stored():
            fresh = SubsidySheet.objects.get(pk=sheet.pk)
            return fresh.total_lines, fresh.total_base, fresh.total_bonus

        def summed():
            lines = SubsidyLine.objects.filter(sheet=sheet)
            return lines.count(), sum((x.base for x in lines), D(0)), sum((x.bonus for x in lines), D(0))

        assert stored() == summed() == (5, D("6322.58"), D("0.00"))
        assert (sheet.total_lines, sheet.total_base) == (5, D("6322.58"))  # the service's own copy agrees
        line = SubsidyLine.objects.filter(sheet=sheet).first()
        SubsidyLine.objects.filter(pk=line.pk).update(base=line.base + 1, bonus=D("3000"), total=line.base + 3001)
        assert stored() == summed()
        SubsidyLine.objects.filter(pk=line.pk).delete()
        assert stored() == summed()
        april = SubsidySheet.objects.create(county=county, month=dt.date(2026, 4, 1), computed_at=sheet.computed_at)
        SubsidyLine.objects.filter(sheet=sheet).update(sheet=april)  # moved: one sheet down, the other up
        assert stored() == (0, D("0.00"), D("0.00"))
        assert SubsidySheet.objects.get(pk=april.pk).total_lines == 4
        SubsidyLine.objects.filter(sheet=april).delete()
        sheet_compute(county_id=county.pk, month=JAN, user=county_user)
        assert stored() == summed() == (5, D("6322.58"), D("0.00"))

    def test_lines_come_in_township_village_and_name_order(self, county, county_user, sheet, township):
        village = VillageFactory(township=township, name="阿村")
        CadreFactory(village=village, name="乙", entered_on=dt.date(2020, 1, 1))
        CadreFactory(village=village, name="甲", entered_on=dt.date(2020, 1, 1))
        sheet_compute(county_id=county.pk, month=JAN, user=county_user)
        by_names = sheet.lines.order_by("township__name", "village__name", "cadre__name")
        assert [line.pk for line in sheet_lines(county_user, sheet)] == list(by_names.values_list("pk", flat=True))

    def test_lines_carry_the_masked_id_number(self, sheet, county_user, people):
        line = sheet_lines(county_user, sheet).get(cadre=people[0])
        assert line.masked_id_number == mask_id_number(people[0].id_number)
        assert (line.township_name, line.village_name) == ("白水镇", "枫树村")


class TestQueryCount:
    @pytest.mark.parametrize("size", [5, 50])
    def test_computing_costs_the_same_queries_for_5_and_50_reserves(
        self, county, township, county_user, policy, size, django_assert_num_queries
    ):
        villages = [VillageFactory(township=township) for _ in range(3)]
        for i in range(size):
            person = CadreFactory(village=villages[i % 3], entered_on=dt.date(2026, 3, 1) + dt.timedelta(days=i % 20))
            if i % 2:
                graded(person, year=2025, grade="excellent")
        sheet_compute(county_id=county.pk, month=dt.date(2026, 3, 1), user=county_user)  # creates; then recompute
        # savepoint, the sheet (get_or_create's get), lock it, delete its lines, the policies, the
        # reserves with their grades, save the sheet, read back the totals the database keeps,
        # release the savepoint; the lines' COPY is one more statement, on the raw cursor
        # (Django does not count it)
        with django_assert_num_queries(9):
            sheet = sheet_compute(county_id=county.pk, month=dt.date(2026, 3, 1), user=county_user)
        assert sheet.lines.count() == size
        assert sheet.lines.filter(bonus=D("5000")).count() == size // 2
