"""Scope values and ``visible_to`` on every scoped model: a county sees its own rows, a
township its township's, a city several counties, a job a scope without any user."""

import datetime as dt

import pytest
from django.apps import apps

from accounts.models import AccountEvent, Role
from assessment.models import (
    Assessment,
    AssessmentYear,
    Assignment,
    AssignmentKind,
    Deed,
    Indicator,
    IndicatorScore,
    Submission,
    SubmissionEvent,
)
from assessment.services import assessment_save, submission_submit, year_open
from cadre.models import Cadre
from common.scope import Scope, ScopedQuerySet
from imports.models import HeaderMapping, ImportRecord
from mentorship.models import CountyPolicy, FormRequirement, Mentor, MentoringLog, Pairing
from org.models import County, Seat, Township, Village
from reports.models import ReportRun
from subsidies.models import SubsidyAdjustment, SubsidyLine, SubsidyPolicy, SubsidySheet
from tests.factories import (
    AssignmentFactory,
    AssignmentKindFactory,
    CadreFactory,
    CountyFactory,
    DeedFactory,
    MentoringLogFactory,
    PairingFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
    make_id_number,
    township_user,
)
from training.models import Attendance, TrainingNeed, TrainingSession

pytestmark = pytest.mark.django_db

OUR_APPS = ("accounts", "org", "imports", "cadre", "mentorship", "assessment", "training", "subsidies", "reports")


def _county_data(name: str, seq: int) -> dict:
    county = CountyFactory(name=name)
    township = TownshipFactory(county=county, name=f"{name}镇")
    village = VillageFactory(township=township, name=f"{name}村")
    staff = UserFactory(username=f"staff{seq}", role=Role.COUNTY, county=county)
    log = MentoringLogFactory(
        pairing=PairingFactory(cadre=CadreFactory(village=village, id_number=make_id_number(seq=seq)))
    )
    policy = CountyPolicy.objects.create(county=county, mentee_limit=2)
    requirement = FormRequirement.objects.create(policy=policy, form="talk", every_months=3)
    upload = ImportRecord.objects.create(user=staff, kind="roster", filename="花名册.xlsx", sha256="0" * 64)
    mapping = HeaderMapping.objects.create(kind="roster", township=township, header="人员类型", field="source")
    kind = AssignmentKindFactory(county=county, name=f"{name}专班")
    deed = DeedFactory(assignment=AssignmentFactory(cadre=log.pairing.cadre, kind=kind, created_by=staff))
    year = year_open(user=staff, county_id=county.pk, year=2026, data={"deadline": dt.date(2026, 12, 20)})
    scores = {i.pk: 80 for i in year.indicators.all()}
    data = {"scores": scores, "voters": 10, "grade": "competent", "outcome": "stay"}
    assessment = assessment_save(user=staff, year=year, cadre=log.pairing.cadre, data=data)
    submission = submission_submit(user=staff, year=year, township_id=township.pk)
    pairing = log.pairing
    session = TrainingSession.objects.create(
        county=county, title="月度培训", date=dt.date(2026, 5, 8), hours=4, created_by=staff
    )
    attendance = Attendance.objects.create(session=session, cadre=pairing.cadre, status="present", recorded_by=staff)
    need = TrainingNeed.objects.create(session=session, cadre=pairing.cadre, topics=["policy"], recorded_by=staff)
    subsidy_policy = SubsidyPolicy.objects.create(
        county=county,
        effective_from=dt.date(2026, 1, 1),
        monthly_amount=2000,
        eligible_statuses=["reserve"],
        created_by=staff,
    )
    sheet = SubsidySheet.objects.create(county=county, month=dt.date(2026, 5, 1), computed_at=dt.datetime.now(dt.UTC))
    line = SubsidyLine.objects.create(
        sheet=sheet, cadre=pairing.cadre, township=township, village=village, days=31, base=2000, total=2000
    )
    adjustment = SubsidyAdjustment.objects.create(
        sheet=sheet, cadre=pairing.cadre, township=township, amount=-100, reason="多发", created_by=staff
    )
    report = ReportRun.objects.create(kind="subsidy", month=dt.date(2026, 5, 1), county=county, township=township)
    account_event = AccountEvent.objects.create(actor=staff, target=staff, action="update")
    return {
        County: county,
        Township: township,
        Village: village,
        Seat: village.seats.first(),
        Cadre: pairing.cadre,
        Mentor: pairing.mentor,
        Pairing: pairing,
        MentoringLog: log,
        CountyPolicy: policy,
        FormRequirement: requirement,
        ImportRecord: upload,
        HeaderMapping: mapping,
        AssignmentKind: kind,
        Assignment: deed.assignment,
        Deed: deed,
        AssessmentYear: year,
        Indicator: year.indicators.first(),
        Assessment: assessment,
        IndicatorScore: assessment.scores.first(),
        Submission: submission,
        SubmissionEvent: submission.events.get(),
        TrainingSession: session,
        Attendance: attendance,
        TrainingNeed: need,
        SubsidyPolicy: subsidy_policy,
        SubsidySheet: sheet,
        SubsidyLine: line,
        SubsidyAdjustment: adjustment,
        ReportRun: report,
        apps.get_model("accounts", "User"): staff,
        AccountEvent: account_event,
        "township": township,
    }


@pytest.fixture
def counties():
    return _county_data("青山县", 101), _county_data("白云县", 202)


def _scoped_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and not model.__name__.startswith("Historical")
    ]


def test_every_model_of_ours_has_visible_to():
    for model in _scoped_models():
        assert isinstance(model.objects.all(), ScopedQuerySet), f"{model.__name__} has no visible_to"


def test_visible_to_keeps_each_model_within_its_scope(counties):
    a, b = counties
    models = _scoped_models()
    assert set(models) <= set(a), "every scoped model needs an example row here"
    for model in models:
        visible_a = set(model.objects.visible_to(Scope.county(a[County].pk)).values_list("pk", flat=True))
        assert a[model].pk in visible_a and b[model].pk not in visible_a, model.__name__
        city = set(model.objects.visible_to(Scope.counties({a[County].pk, b[County].pk})).values_list("pk", flat=True))
        everything = set(model.objects.visible_to(Scope.everything()).values_list("pk", flat=True))
        assert {a[model].pk, b[model].pk} <= city == everything, model.__name__
        assert not model.objects.visible_to(Scope.nothing()).exists(), model.__name__


def test_a_township_scope_sees_its_township_and_its_countys_rules(counties):
    a, b = counties
    scope = Scope.township(a["township"].pk)
    assert list(Cadre.objects.visible_to(scope)) == [a[Cadre]]
    assert list(Mentor.objects.visible_to(scope)) == [a[Mentor]]
    assert list(CountyPolicy.objects.visible_to(scope)) == [a[CountyPolicy]]
    assert list(County.objects.visible_to(scope)) == [a[County]]
    assert not Village.objects.visible_to(scope).filter(pk=b[Village].pk).exists()


def test_a_users_scope_follows_role_and_unit(counties, county):
    a, _b = counties
    secretary = township_user(a["township"], username="sec")
    assert secretary.scope == Scope.township(a["township"].pk)
    assert a[apps.get_model("accounts", "User")].scope == Scope.county(a[County].pk)
    superuser = UserFactory(username="root", is_superuser=True, county=None)
    assert superuser.scope.is_everything
    assert Cadre.objects.visible_to(secretary).get() == a[Cadre]  # a user works where a Scope does


def test_anonymous_sees_nothing(counties):
    from django.contrib.auth.models import AnonymousUser

    assert not Cadre.objects.visible_to(AnonymousUser()).exists()
    assert not Cadre.objects.visible_to(None).exists()


def test_a_scope_is_a_value():
    assert Scope.county(3) == Scope.counties([3]) and len({Scope.county(3), Scope.counties({3})}) == 1
