import datetime as dt
from decimal import Decimal

import factory

from assessment.models import Assessment, AssessmentYear, Submission, SubmissionState
from subsidies.models import SubsidyPolicy

from .accounts import UserFactory
from .org import CountyFactory


class SubsidyPolicyFactory(factory.django.DjangoModelFactory):
    """A county policy saved directly; use subsidies.services.policy_save to test its rules."""

    class Meta:
        model = SubsidyPolicy

    county = factory.SubFactory(CountyFactory)
    effective_from = dt.date(2026, 1, 1)
    monthly_amount = Decimal("2000.00")
    eligible_statuses = ["reserve", "key_training"]
    bonus_excellent = Decimal("5000.00")
    bonus_competent = Decimal("3000.00")
    bonus_basic = Decimal("1000.00")
    bonus_month = 3
    created_by = factory.SubFactory(UserFactory, county=factory.SelfAttribute("..county"))


def graded(cadre, *, year: int, grade: str, approved: bool = True, user=None) -> Assessment:
    """The reserve's assessment for ``year`` with ``grade``; their township's submission is
    approved (or still submitted). Saved directly, past the assessment workflow."""
    county = cadre.village.township.county
    assessment_year, _created = AssessmentYear.objects.get_or_create(
        county=county, year=year, defaults={"deadline": dt.date(year, 12, 20)}
    )
    state = SubmissionState.APPROVED if approved else SubmissionState.SUBMITTED
    Submission.objects.update_or_create(
        year=assessment_year, township=cadre.village.township, defaults={"state": state}
    )
    return Assessment.objects.create(
        year=assessment_year, cadre=cadre, grade=grade, updated_by=user or UserFactory(county=county)
    )
