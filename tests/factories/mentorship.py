import datetime as dt
from decimal import Decimal

import factory

from mentorship.models import ActivityForm, EnteredBy, Mentor, MentoringLog, MentorKind, Pairing

from .accounts import UserFactory
from .cadre import CadreFactory
from .org import TownshipFactory


class MentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentor

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"导师{n}")
    kind = MentorKind.TOWNSHIP_CADRE
    unit = "镇党委"
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class PairingFactory(factory.django.DjangoModelFactory):
    """An active pairing saved directly (no capacity checks); the mentor defaults to one
    of the cadre's township. Use mentorship.services.pairing_create to test the rules."""

    class Meta:
        model = Pairing

    cadre = factory.SubFactory(CadreFactory)
    mentor = factory.SubFactory(MentorFactory, township=factory.SelfAttribute("..cadre.village.township"))
    started_on = dt.date(2025, 3, 1)
    created_by = factory.SubFactory(UserFactory, county=factory.SelfAttribute("..cadre.village.township.county"))


class MentoringLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringLog

    pairing = factory.SubFactory(PairingFactory)
    date = factory.LazyAttribute(lambda o: o.pairing.started_on + dt.timedelta(days=30))
    form = ActivityForm.TALK
    content = "谈心谈话，了解工作和思想情况。"
    hours = Decimal("1.5")
    entered_by = EnteredBy.TOWNSHIP
    created_by = factory.LazyAttribute(lambda o: o.pairing.created_by)
