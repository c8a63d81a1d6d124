"""The set-based computation checked against the rules read literally: a day-by-day reference
that looks up the policy in force and the reserve's status on each day of the month, adds
amount/days_in_month per eligible day as an exact fraction and rounds once, half up. Random
reserves (every status, dates at and across the month's edges, in odd orders too) and three
policies changing mid-month with different amounts, tiers and statuses."""

import datetime as dt
import random
from calendar import monthrange
from decimal import Decimal
from fractions import Fraction

import pytest

from cadre.models import Status, Tier
from subsidies.models import SubsidyLine
from subsidies.services import sheet_compute
from tests.factories import CadreFactory, SubsidyPolicyFactory, VillageFactory, graded

pytestmark = pytest.mark.django_db

MONTHS = [dt.date(2028, 2, 1), dt.date(2027, 2, 1), dt.date(2027, 3, 1), dt.date(2027, 4, 1), dt.date(2027, 12, 1)]


def reference(cadre, policies, month, grades):
    """(days, base, bonus) by the letter of the rules, one day at a time."""
    days_in_month = monthrange(month.year, month.month)[1]
    month_end = month.replace(day=days_in_month)
    days, total = 0, Fraction(0)
    for n in range(days_in_month):
        day = month + dt.timedelta(days=n)
        in_force = [p for p in policies if p.effective_from <= day]
        if not in_force or day < cadre.entered_on or (cadre.left_on and day >= cadre.left_on):
            continue
        policy = in_force[-1]
        if cadre.seated_on and day >= cadre.seated_on:
            status = Status.SEATED
        elif cadre.key_training_since and day >= cadre.key_training_since:
            status = Status.KEY_TRAINING
        else:
            status = Status.RESERVE
        if policy.eligible_tiers and cadre.tier not in policy.eligible_tiers:
            continue
        if status not in policy.eligible_statuses:
            continue
        days += 1
        total += Fraction(policy.monthly_amount) / days_in_month
    cents = total * 100
    base = Decimal(int(cents + Fraction(1, 2))) / 100  # half up (amounts are never negative)
    bonus = Decimal(0)
    first = [p for p in policies if p.effective_from <= month]
    grade = grades.get(cadre.pk)
    in_pool = cadre.entered_on <= month_end and not (cadre.left_on and cadre.left_on <= month)
    if first and first[-1].bonus_month == month.month and grade and in_pool:
        bonus = {"excellent": first[-1].bonus_excellent, "competent": first[-1].bonus_competent,
                 "basic": first[-1].bonus_basic}.get(grade, Decimal(0))  # fmt: skip
    return days, base.quantize(Decimal("0.01")), Decimal(bonus).quantize(Decimal("0.01"))


def random_date(rng, month):
    """A date near the month's edges or inside it, or far away."""
    end = month.replace(day=monthrange(month.year, month.month)[1])
    return rng.choice([
        month, month + dt.timedelta(days=1), end, end - dt.timedelta(days=1), end + dt.timedelta(days=1),
        month - dt.timedelta(days=1), month + dt.timedelta(days=rng.randrange(28)),
        month - dt.timedelta(days=rng.randrange(1, 400)), end + dt.timedelta(days=rng.randrange(1, 90)),
    ])  # fmt: skip


@pytest.mark.parametrize("month", MONTHS, ids=lambda m: f"{m:%Y-%m}")
def test_the_sheet_agrees_with_a_day_by_day_reading_of_the_rules(county, township, county_user, month):
    rng = random.Random(month.toordinal())
    end = month.replace(day=monthrange(month.year, month.month)[1])
    policies = [
        SubsidyPolicyFactory(county=county, effective_from=dt.date(2020, 1, 1), monthly_amount=Decimal("2000.00"),
                             eligible_statuses=["reserve", "key_training"], bonus_month=month.month,
                             created_by=county_user),
        SubsidyPolicyFactory(county=county, effective_from=month + dt.timedelta(days=9),
                             monthly_amount=Decimal("2333.33"), eligible_tiers=[Tier.VILLAGE, Tier.TOWNSHIP],
                             eligible_statuses=["reserve", "seated"], created_by=county_user),
        SubsidyPolicyFactory(county=county, effective_from=end - dt.timedelta(days=5),
                             monthly_amount=Decimal("1999.99"), eligible_statuses=["key_training", "seated"],
                             created_by=county_user),
    ]  # fmt: skip
    villages = [VillageFactory(township=township) for _ in range(8)]
    seats = [seat for village in villages for seat in village.seats.all()]
    people = []
    for i in range(70):
        village = villages[i % len(villages)]
        status = rng.choice(list(Status))
        data = {"village": village, "tier": rng.choice(Tier.values), "entered_on": random_date(rng, month),
                "status": status}  # fmt: skip
        if status == Status.KEY_TRAINING or rng.random() < 0.3:
            data["key_training_since"] = random_date(rng, month)
        if status == Status.SEATED or (status == Status.LEFT and rng.random() < 0.5):
            data["seat"] = seats.pop()
            data["seated_on"] = random_date(rng, month)
        if status == Status.KEY_TRAINING:
            data.pop("seat", None)
        if status == Status.RESERVE:
            data.pop("seated_on", None)
        if status == Status.LEFT:
            data["left_on"], data["left_reason"] = random_date(rng, month), "离开"
        people.append(CadreFactory(**data))
    grades = {}
    for person in people[::3]:
        grades[person.pk] = rng.choice(["excellent", "competent", "basic", "incompetent"])
        graded(person, year=month.year - 1, grade=grades[person.pk], user=county_user)

    sheet_compute(county_id=county.pk, month=month, user=county_user)

    lines = {line.cadre_id: line for line in SubsidyLine.objects.filter(sheet__month=month)}
    checked = 0
    for person in people:
        days, base, bonus = reference(person, policies, month, grades)
        line = lines.get(person.pk)
        if days == 0 and bonus == 0:
            assert line is None, person
            continue
        checked += 1
        assert (line.days, line.base, line.bonus, line.total) == (days, base, bonus, base + bonus), (
            person, person.entered_on, person.key_training_since, person.seated_on, person.left_on, line.basis
        )  # fmt: skip
    assert checked > 20  # the draw pays a good share of them
