import datetime as dt

import factory

from accounts.models import Role, User
from cadre.models import Cadre, Education, PoliticalStatus, Source
from common.idcard import check_digit
from org.models import County, Township, Village
from org.services import village_get_or_create


def make_id_number(*, region="431121", birth=dt.date(1995, 3, 14), seq=101) -> str:
    """A valid GB 11643 number; an odd ``seq`` is a man, an even one a woman."""
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试{n}县")


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    county = factory.SubFactory(CountyFactory)
    name = factory.Sequence(lambda n: f"第{n}镇")


class VillageFactory(factory.django.DjangoModelFactory):
    """A village with the standard two-committee seats, as the product creates them."""

    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"第{n}村")

    @classmethod
    def _create(cls, model_class, township, name):
        village, _ = village_get_or_create(
            county_name=township.county.name, township_name=township.name, village_name=name
        )
        return village


_seq = iter(range(1, 10**6))
PASSWORD = "pass-Word-123"


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    name = factory.Sequence(lambda n: f"张{n}")
    village = factory.SubFactory(VillageFactory)
    id_number = factory.LazyFunction(
        lambda: make_id_number(birth=dt.date(1990, 1, 1) + dt.timedelta(days=next(_seq) % 3000), seq=next(_seq) % 1000)
    )
    education = Education.COLLEGE
    political_status = PoliticalStatus.MASSES
    source = Source.RETURNED_MIGRANT

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # full_clean derives birth date and gender from the ID number, as the product does.
        obj = model_class(*args, **kwargs)
        obj.full_clean()
        obj.save()
        return obj


class UserFactory(factory.django.DjangoModelFactory):
    """County staff by default; pass role and township for the other roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)
    role = Role.COUNTY
    county = factory.SubFactory(CountyFactory)


def township_user(township, **kwargs) -> User:
    return UserFactory(role=Role.TOWNSHIP, township=township, county=township.county, **kwargs)


def leader_user(county, **kwargs) -> User:
    return UserFactory(role=Role.LEADER, county=county, **kwargs)


# Mentorship ------------------------------------------------------------------------------

from decimal import Decimal  # noqa: E402

from mentorship.models import ActivityForm, EnteredBy, Mentor, MentoringLog, MentorKind, Pairing  # noqa: E402


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
