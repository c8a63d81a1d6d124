import datetime as dt

import factory

from cadre.models import Cadre, Education, PoliticalStatus, Source
from common.idcard import check_digit

from .org import VillageFactory


def make_id_number(*, region="431121", birth=dt.date(1995, 3, 14), seq=101) -> str:
    """A valid GB 11643 number; an odd ``seq`` is a man, an even one a woman."""
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


_seq = iter(range(1, 10**6))


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
