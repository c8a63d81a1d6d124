import factory

from org.models import County, Township, Village
from org.services import village_get_or_create


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
