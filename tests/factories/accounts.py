import factory

from accounts.models import Role, User

from .org import CountyFactory

PASSWORD = "pass-Word-123"


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
