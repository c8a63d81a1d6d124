"""A month's subsidy sheet computed from the county's policy and the reserves' dates: proration
by calendar days at the month's edges and in leap years, a policy change mid-month (rounded
once per line), eligibility by tier and status over time, and the yearly bonus by approved
grade in the bonus month."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from cadre.models import Status, Tier
from subsidies.models import SheetState, SubsidyLine
from subsidies.services import sheet_compute
from tests.factories import CadreFactory, SubsidyPolicyFactory, graded, leader_user, township_user

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def policy(county, county_user):
    return SubsidyPolicyFactory(county=county, effective_from=dt.date(2020, 1, 1), created_by=county_user)


def compute(county, month: dt.date, user=None):
    return sheet_compute(county_id=county.pk, month=month, user=user)


def line_of(cadre, month: dt.date) -> SubsidyLine | None:
    return SubsidyLine.objects.filter(cadre=cadre, sheet__month=month).first()


def paid(cadre, month: dt.date) -> tuple[int, Decimal, str] | None:
    """(days, base, basis) of the reserve's line, None without a line."""
    line = line_of(cadre, month)
    return None if line is None else (line.days, line.base, line.basis)


def reserve(village, **dates):
    dates.setdefault("entered_on", dt.date(2020, 1, 1))
    return CadreFactory(village=village, **dates)


class TestMonthEdges:
    def test_a_reserve_in_the_pool_all_month_gets_the_full_amount(self, county, policy, village):
        person = reserve(village)
        compute(county, dt.date(2026, 1, 1))
        line = line_of(person, dt.date(2026, 1, 1))
        assert (line.days, line.base, line.bonus, line.total) == (31, D("2000.00"), D("0.00"), D("2000.00"))
        assert line.basis == "2000.00×31/31"
        assert (line.township, line.village) == (village.township, village)

    def test_entered_on_the_first(self, county, policy, village):
        person = reserve(village, entered_on=dt.date(2026, 3, 1))
        compute(county, dt.date(2026, 3, 1))
        assert paid(person, dt.date(2026, 3, 1)) == (31, D("2000.00"), "2000.00×31/31")

    def test_entered_on_the_last_day(self, county, policy, village):
        person = reserve(village, entered_on=dt.date(2026, 3, 31))
        compute(county, dt.date(2026, 3, 1))
        # 2000 × 1/31 = 64.516… → 64.52
        assert paid(person, dt.date(2026, 3, 1)) == (1, D("64.52"), "2000.00×1/31")

    def test_entered_after_the_month_is_not_on_the_sheet(self, county, policy, village):
        person = reserve(village, entered_on=dt.date(2026, 4, 1))
        compute(county, dt.date(2026, 3, 1))
        assert paid(person, dt.date(2026, 3, 1)) is None

    def test_left_on_the_first_is_not_paid_for_the_month(self, county, policy, village):
        person = reserve(village, status=Status.LEFT, left_on=dt.date(2026, 3, 1), left_reason="外出务工")
        compute(county, dt.date(2026, 3, 1))
        compute(county, dt.date(2026, 2, 1))
        assert paid(person, dt.date(2026, 3, 1)) is None
        assert paid(person, dt.date(2026, 2, 1)) == (28, D("2000.00"), "2000.00×28/28")

    def test_left_on_the_second_is_paid_for_the_first(self, county, policy, village):
        person = reserve(village, status=Status.LEFT, left_on=dt.date(2026, 3, 2), left_reason="外出务工")
        compute(county, dt.date(2026, 3, 1))
        assert paid(person, dt.date(2026, 3, 1)) == (1, D("64.52"), "2000.00×1/31")

    def test_left_on_the_last_day_is_paid_through_the_day_before(self, county, policy, village):
        person = reserve(village, status=Status.LEFT, left_on=dt.date(2026, 3, 31), left_reason="外出务工")
        compute(county, dt.date(2026, 3, 1))
        # 2000 × 30/31 = 1935.483… → 1935.48
        assert paid(person, dt.date(2026, 3, 1)) == (30, D("1935.48"), "2000.00×30/31")

    def test_february_of_a_leap_year_has_29_days(self, county, policy, village):
        person = reserve(village, entered_on=dt.date(2028, 2, 15))
        compute(county, dt.date(2028, 2, 1))
        # 15 days of 29: 2000 × 15/29 = 1034.482… → 1034.48
        assert paid(person, dt.date(2028, 2, 1)) == (15, D("1034.48"), "2000.00×15/29")

    def test_february_of_a_common_year_has_28_days(self, county, policy, village):
        person = reserve(village, entered_on=dt.date(2027, 2, 15))
        compute(county, dt.date(2027, 2, 1))
        assert paid(person, dt.date(2027, 2, 1)) == (14, D("1000.00"), "2000.00×14/28")

    def test_the_last_day_of_february_in_a_leap_year(self, county, policy, village):
        person = reserve(village, entered_on=dt.date(2028, 2, 29))
        compute(county, dt.date(2028, 2, 1))
        # 2000 / 29 = 68.965… → 68.97
        assert paid(person, dt.date(2028, 2, 1)) == (1, D("68.97"), "2000.00×1/29")

    def test_a_31_day_month_prorates_by_31(self, county, policy, village):
        person = reserve(village, entered_on=dt.date(2026, 7, 16))
        compute(county, dt.date(2026, 7, 1))
        # 16 of 31 days: 1032.258… → 1032.26
        assert paid(person, dt.date(2026, 7, 1)) == (16, D("1032.26"), "2000.00×16/31")

    def test_a_30_day_month_prorates_by_30(self, county, policy, village):
        person = reserve(village, entered_on=dt.date(2026, 4, 16))
        compute(county, dt.date(2026, 4, 1))
        assert paid(person, dt.date(2026, 4, 1)) == (15, D("1000.00"), "2000.00×15/30")

    def test_half_a_fen_rounds_up(self, county, village, county_user):
        SubsidyPolicyFactory(county=county, effective_from=dt.date(2020, 1, 1), monthly_amount=D("2000.01"),
                             created_by=county_user)  # fmt: skip
        person = reserve(village, entered_on=dt.date(2026, 4, 16))
        compute(county, dt.date(2026, 4, 1))
        # 2000.01 × 15/30 = 1000.005 exactly: half up gives 1000.01 (half even would give 1000.00)
        assert paid(person, dt.date(2026, 4, 1)) == (15, D("1000.01"), "2000.01×15/30")

    def test_days_before_the_first_policy_are_not_paid(self, county, village, county_user):
        SubsidyPolicyFactory(county=county, effective_from=dt.date(2026, 3, 21), created_by=county_user)
        person = reserve(village)
        compute(county, dt.date(2026, 3, 1))
        compute(county, dt.date(2026, 2, 1))
        assert paid(person, dt.date(2026, 3, 1)) == (11, D("709.68"), "2000.00×11/31")
        assert paid(person, dt.date(2026, 2, 1)) is None


class TestPolicyChanges:
    def test_a_change_mid_month_splits_it_into_two_periods_rounded_once(self, county, policy, village, county_user):
        SubsidyPolicyFactory(county=county, effective_from=dt.date(2026, 3, 16), monthly_amount=D("2200.00"),
                             created_by=county_user)  # fmt: skip
        person = reserve(village)
        compute(county, dt.date(2026, 3, 1))
        # (2000 × 15 + 2200 × 16) / 31 = 65200/31 = 2103.2258… → 2103.23 (rounding each period
        # first would give 967.74 + 1135.48 = 2103.22)
        assert paid(person, dt.date(2026, 3, 1)) == (31, D("2103.23"), "2000.00×15/31+2200.00×16/31")

    def test_the_new_policy_applies_from_its_date_onwards(self, county, policy, village, county_user):
        SubsidyPolicyFactory(county=county, effective_from=dt.date(2026, 3, 16), monthly_amount=D("2200.00"),
                             created_by=county_user)  # fmt: skip
        person = reserve(village)
        for month in (2, 4):
            compute(county, dt.date(2026, month, 1))
        assert paid(person, dt.date(2026, 2, 1)) == (28, D("2000.00"), "2000.00×28/28")
        assert paid(person, dt.date(2026, 4, 1)) == (30, D("2200.00"), "2200.00×30/30")

    def test_three_periods_in_one_month(self, county, policy, village, county_user):
        SubsidyPolicyFactory(county=county, effective_from=dt.date(2026, 5, 11), monthly_amount=D("2100.00"),
                             created_by=county_user)  # fmt: skip
        SubsidyPolicyFactory(county=county, effective_from=dt.date(2026, 5, 21), monthly_amount=D("2300.00"),
                             created_by=county_user)  # fmt: skip
        person = reserve(village, entered_on=dt.date(2026, 5, 5))
        compute(county, dt.date(2026, 5, 1))
        # (2000 × 6 + 2100 × 10 + 2300 × 11) / 31 = 58300/31 = 1880.645… → 1880.65
        assert paid(person, dt.date(2026, 5, 1)) == (
            27, D("1880.65"), "2000.00×6/31+2100.00×10/31+2300.00×11/31"
        )  # fmt: skip

    def test_a_change_of_eligibility_mid_month(self, county, policy, village, county_user):
        # From the 11th key-training reserves are no longer paid.
        SubsidyPolicyFactory(county=county, effective_from=dt.date(2026, 6, 11), eligible_statuses=["reserve"],
                             created_by=county_user)  # fmt: skip
        person = reserve(village, status=Status.KEY_TRAINING, key_training_since=dt.date(2025, 1, 1))
        compute(county, dt.date(2026, 6, 1))
        assert paid(person, dt.date(2026, 6, 1)) == (10, D("666.67"), "2000.00×10/30")


class TestEligibility:
    def test_only_the_chosen_tiers_are_paid(self, county, village, county_user):
        SubsidyPolicyFactory(county=county, effective_from=dt.date(2020, 1, 1), eligible_tiers=[Tier.VILLAGE],
                             created_by=county_user)  # fmt: skip
        paid_one = reserve(village, tier=Tier.VILLAGE)
        unpaid = reserve(village, tier=Tier.TOWNSHIP)
        compute(county, dt.date(2026, 1, 1))
        assert paid(paid_one, dt.date(2026, 1, 1))[0] == 31
        assert paid(unpaid, dt.date(2026, 1, 1)) is None

    def test_no_tier_chosen_means_every_tier(self, county, policy, village):
        people = [reserve(village, tier=tier) for tier in Tier.values]
        compute(county, dt.date(2026, 1, 1))
        assert [paid(p, dt.date(2026, 1, 1))[0] for p in people] == [31, 31, 31]

    def test_a_status_not_chosen_is_not_paid(self, county, village, county_user):
        SubsidyPolicyFactory(county=county, effective_from=dt.date(2020, 1, 1), eligible_statuses=["reserve"],
                             created_by=county_user)  # fmt: skip
        key = reserve(village, status=Status.KEY_TRAINING, key_training_since=dt.date(2025, 6, 1))
        compute(county, dt.date(2026, 1, 1))
        assert paid(key, dt.date(2026, 1, 1)) is None

    def test_key_training_from_mid_month_when_only_reserves_are_paid(self, county, village, county_user):
        SubsidyPolicyFactory(county=county, effective_from=dt.date(2020, 1, 1), eligible_statuses=["reserve"],
                             created_by=county_user)  # fmt: skip
        key = reserve(village, status=Status.KEY_TRAINING, key_training_since=dt.date(2026, 1, 11))
        compute(county, dt.date(2026, 1, 1))
        assert paid(key, dt.date(2026, 1, 1)) == (10, D("645.16"), "2000.00×10/31")

    def test_seated_mid_month_when_seated_is_not_eligible(self, county, policy, village):
        seat = village.seats.order_by("post").first()
        person = reserve(village, status=Status.SEATED, seat=seat, seated_on=dt.date(2026, 3, 11))
        compute(county, dt.date(2026, 3, 1))
        compute(county, dt.date(2026, 4, 1))
        # Paid through the 10th, the day before seated_on.
        assert paid(person, dt.date(2026, 3, 1)) == (10, D("645.16"), "2000.00×10/31")
        assert paid(person, dt.date(2026, 4, 1)) is None

    def test_seated_stays_paid_when_the_county_says_so(self, county, village, county_user):
        statuses = ["reserve", "key_training", "seated"]
        SubsidyPolicyFactory(county=county, effective_from=dt.date(2020, 1, 1), eligible_statuses=statuses,
                             created_by=county_user)  # fmt: skip
        seat = village.seats.order_by("post").first()
        person = reserve(village, status=Status.SEATED, seat=seat, seated_on=dt.date(2026, 3, 11))
        compute(county, dt.date(2026, 3, 1))
        assert paid(person, dt.date(2026, 3, 1))[:2] == (31, D("2000.00"))

    def test_seated_from_key_training_then_left(self, county, village, county_user):
        # key training from the 5th (not paid), seated on the 12th (paid), left on the 20th
        SubsidyPolicyFactory(county=county, effective_from=dt.date(2020, 1, 1),
                             eligible_statuses=["reserve", "seated"], created_by=county_user)  # fmt: skip
        seat = village.seats.order_by("post").first()
        person = reserve(
            village, status=Status.LEFT, key_training_since=dt.date(2026, 3, 5), seat=seat,
            seated_on=dt.date(2026, 3, 12), left_on=dt.date(2026, 3, 20), left_reason="调动",
        )  # fmt: skip
        compute(county, dt.date(2026, 3, 1))
        # days 1–4 as reserve, 12–19 seated: 12 days
        assert paid(person, dt.date(2026, 3, 1)) == (12, D("774.19"), "2000.00×12/31")

    def test_lines_keep_the_township_and_village_of_compute_time(self, county, policy, village, other_village):
        person = reserve(village)
        compute(county, dt.date(2026, 1, 1))
        person.village = other_village
        person.save()
        compute(county, dt.date(2026, 2, 1))
        assert line_of(person, dt.date(2026, 1, 1)).village == village
        assert line_of(person, dt.date(2026, 2, 1)).village == other_village

    def test_another_countys_reserves_are_not_on_the_sheet(self, county, policy, village):
        stranger = CadreFactory(entered_on=dt.date(2020, 1, 1))
        mine = reserve(village)
        sheet = compute(county, dt.date(2026, 1, 1))
        assert list(sheet.lines.values_list("cadre", flat=True)) == [mine.pk]
        assert stranger.village.township.county != county


class TestBonus:
    MARCH = dt.date(2026, 3, 1)

    @pytest.mark.parametrize(
        "grade, bonus",
        [("excellent", D("5000.00")), ("competent", D("3000.00")), ("basic", D("1000.00")), ("incompetent", D("0"))],
    )
    def test_the_bonus_by_the_approved_grade_of_the_previous_year(self, county, policy, village, grade, bonus):
        person = reserve(village)
        graded(person, year=2025, grade=grade)
        compute(county, self.MARCH)
        line = line_of(person, self.MARCH)
        assert (line.base, line.bonus, line.total) == (D("2000.00"), bonus, D("2000.00") + bonus)
        assert line.bonus_grade == ("" if grade == "incompetent" else grade)
        if bonus:
            label = {"excellent": "优秀", "competent": "称职", "basic": "基本称职"}[grade]
            assert line.basis == f"2000.00×31/31；{label}绩效奖{bonus}"

    def test_no_bonus_before_the_township_is_approved(self, county, policy, village):
        person = reserve(village)
        graded(person, year=2025, grade="excellent", approved=False)
        compute(county, self.MARCH)
        assert line_of(person, self.MARCH).bonus == 0

    def test_no_bonus_outside_the_bonus_month(self, county, policy, village):
        person = reserve(village)
        graded(person, year=2025, grade="excellent")
        graded(person, year=2026, grade="excellent")
        for month in (2, 4):
            compute(county, dt.date(2026, month, 1))
        assert line_of(person, dt.date(2026, 2, 1)).bonus == 0
        assert line_of(person, dt.date(2026, 4, 1)).bonus == 0

    def test_only_the_previous_years_grade_counts(self, county, policy, village):
        person = reserve(village)
        graded(person, year=2024, grade="excellent")
        compute(county, self.MARCH)
        assert line_of(person, self.MARCH).bonus == 0

    def test_the_bonus_month_is_that_of_the_policy_in_force_on_the_first(self, county, policy, village, county_user):
        SubsidyPolicyFactory(county=county, effective_from=dt.date(2026, 3, 2), bonus_month=6,
                             bonus_excellent=D("8000.00"), created_by=county_user)  # fmt: skip
        person = reserve(village)
        graded(person, year=2025, grade="excellent")
        compute(county, self.MARCH)
        compute(county, dt.date(2026, 6, 1))
        assert line_of(person, self.MARCH).bonus == D("5000.00")  # the old policy: March
        assert line_of(person, dt.date(2026, 6, 1)).bonus == D("8000.00")

    def test_a_reserve_without_base_days_gets_the_bonus_on_a_line_of_0_days(self, county, policy, village):
        seat = village.seats.order_by("post").first()
        person = reserve(village, status=Status.SEATED, seat=seat, seated_on=dt.date(2026, 1, 10))
        graded(person, year=2025, grade="competent")
        compute(county, self.MARCH)
        line = line_of(person, self.MARCH)
        assert (line.days, line.base, line.bonus, line.total) == (0, D("0.00"), D("3000.00"), D("3000.00"))
        assert line.basis == "称职绩效奖3000.00"

    def test_a_reserve_who_left_before_the_month_gets_no_bonus(self, county, policy, village):
        gone = reserve(village, status=Status.LEFT, left_on=dt.date(2026, 3, 1), left_reason="外出务工")
        staying = reserve(village, status=Status.LEFT, left_on=dt.date(2026, 3, 2), left_reason="外出务工")
        for person in (gone, staying):
            graded(person, year=2025, grade="excellent")
        compute(county, self.MARCH)
        assert line_of(gone, self.MARCH) is None
        line = line_of(staying, self.MARCH)
        assert (line.days, line.base, line.bonus) == (1, D("64.52"), D("5000.00"))

    def test_a_tier_without_subsidy_still_gets_the_bonus(self, county, village, county_user):
        SubsidyPolicyFactory(county=county, effective_from=dt.date(2020, 1, 1), eligible_tiers=[Tier.VILLAGE],
                             created_by=county_user)  # fmt: skip
        person = reserve(village, tier=Tier.COUNTY)
        graded(person, year=2025, grade="excellent")
        compute(county, self.MARCH)
        assert (line_of(person, self.MARCH).days, line_of(person, self.MARCH).total) == (0, D("5000.00"))

    def test_another_townships_approval_does_not_count(self, county, policy, village, other_village):
        person = reserve(village)
        other = reserve(other_village)
        graded(other, year=2025, grade="excellent")  # 龙山乡 approved
        graded(person, year=2025, grade="excellent", approved=False)  # 白水镇 not yet
        compute(county, self.MARCH)
        assert line_of(person, self.MARCH).bonus == 0
        assert line_of(other, self.MARCH).bonus == D("5000.00")


class TestWhoComputes:
    def test_the_scheduled_job_computes_without_a_user(self, county, policy, village):
        reserve(village)
        sheet = compute(county, dt.date(2026, 1, 1))
        assert (sheet.state, sheet.computed_by) == (SheetState.COMPUTED, None)

    def test_county_staff_compute_and_are_recorded(self, county, county_user, policy, village):
        sheet = compute(county, dt.date(2026, 1, 1), user=county_user)
        assert sheet.computed_by == county_user

    @pytest.mark.parametrize("who", ["township", "leader", "other_county"])
    def test_others_may_not_compute(self, county, township, policy, who):
        from tests.factories import CountyFactory, UserFactory

        user = {
            "township": lambda: township_user(township),
            "leader": lambda: leader_user(county),
            "other_county": lambda: UserFactory(county=CountyFactory()),
        }[who]()
        with pytest.raises(PermissionDenied):
            compute(county, dt.date(2026, 1, 1), user=user)

    def test_the_month_is_its_first_day(self, county, policy):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            compute(county, dt.date(2026, 1, 2))
