import datetime as dt

import factory

from assessment.models import Assignment, AssignmentKind, Deed
from assessment.services import builtin_kinds

from .accounts import UserFactory
from .cadre import CadreFactory


def builtin_kind(name: str = "网格化管理") -> AssignmentKind:
    """A built-in kind (a data migration adds them; a transactional test's flush removes
    them, so they are made again where missing)."""
    return builtin_kinds()[name]


class AssignmentKindFactory(factory.django.DjangoModelFactory):
    """A county's own kind of post (the built-in kinds come with the migrations)."""

    class Meta:
        model = AssignmentKind

    name = factory.Sequence(lambda n: f"专班{n}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An assignment saved directly (no overlap message); use
    assessment.services.assignment_create to test the rules."""

    class Meta:
        model = Assignment

    cadre = factory.SubFactory(CadreFactory)
    kind = factory.LazyFunction(builtin_kind)
    host_unit = "城关镇网格化管理中心"
    started_on = dt.date(2026, 3, 1)
    ended_on = dt.date(2026, 5, 31)
    created_by = factory.SubFactory(UserFactory, county=factory.SelfAttribute("..cadre.village.township.county"))


class DeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deed

    assignment = factory.SubFactory(AssignmentFactory)
    title = "连续值守卡口二十天"
    text = "疫情期间主动请缨，连续二十天在卡口值守。"
    date = dt.date(2026, 4, 1)
    created_by = factory.LazyAttribute(lambda o: o.assignment.created_by)
