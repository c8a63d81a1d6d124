import datetime as dt
from decimal import Decimal

import factory

from training.models import Attendance, AttendanceStatus, Kind, Level, TrainingNeed, TrainingSession

from .accounts import UserFactory
from .cadre import CadreFactory
from .org import CountyFactory


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    """A county-level session saved directly (for everyone in the county); use
    training.services.session_create to test the rules."""

    class Meta:
        model = TrainingSession
        skip_postgeneration_save = True

    county = factory.SubFactory(CountyFactory)
    title = factory.Sequence(lambda n: f"县级月度培训第{n}期")
    level = Level.COUNTY
    kind = Kind.COUNTY_MONTHLY
    date = dt.date(2026, 5, 8)
    hours = Decimal("4")
    place = "县委党校"
    created_by = factory.SubFactory(UserFactory, county=factory.SelfAttribute("..county"))

    @factory.post_generation
    def target_townships(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_townships.set(extracted)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(TrainingSessionFactory)
    cadre = factory.SubFactory(CadreFactory)
    status = AttendanceStatus.PRESENT
    recorded_by = factory.LazyAttribute(lambda o: o.session.created_by)


class TrainingNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingNeed

    session = factory.SubFactory(TrainingSessionFactory)
    cadre = factory.SubFactory(CadreFactory)
    topics = factory.LazyFunction(lambda: ["policy"])
    recorded_by = factory.LazyAttribute(lambda o: o.session.created_by)
