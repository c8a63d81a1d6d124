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
