"""A township secretary's list pages do not offer a 乡镇 choice: they have only their own
township. County staff keep it."""

import datetime as dt

import pytest
from django.urls import reverse

from subsidies.services import sheet_compute
from tests.factories import SubsidyPolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(county, county_user, cadre):
    SubsidyPolicyFactory(county=county, effective_from=dt.date(2020, 1, 1), created_by=county_user)
    sheet = sheet_compute(county_id=county.pk, month=dt.date(2026, 3, 1), user=county_user)
    return [
        reverse("mentorship:mentor-list"),
        reverse("mentorship:pairing-list"),
        reverse("assessment:assignment-list"),
        reverse("subsidies:sheet-detail", args=[sheet.pk]),
    ]


def test_a_township_secretary_is_offered_no_township_choice(login, township_secretary, county_user, pages):
    own = login(township_secretary)
    for url in pages:
        assert 'name="township"' not in own.get(url).content.decode(), url
    county = login(county_user)
    for url in pages:
        assert 'name="township"' in county.get(url).content.decode(), url
