import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import (
    PASSWORD,
    CadreFactory,
    CountyFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
    leader_user,
    township_user,
)


@pytest.fixture
def county(db):
    return CountyFactory(name="青山县")


@pytest.fixture
def township(county):
    return TownshipFactory(county=county, name="白水镇")


@pytest.fixture
def other_township(county):
    return TownshipFactory(county=county, name="龙山乡")


@pytest.fixture
def village(township):
    return VillageFactory(township=township, name="枫树村")


@pytest.fixture
def other_village(other_township):
    return VillageFactory(township=other_township, name="石桥村")


@pytest.fixture
def cadre(village):
    return CadreFactory(village=village, name="李明")


@pytest.fixture
def other_cadre(other_village):
    return CadreFactory(village=other_village, name="王芳")


@pytest.fixture
def county_user(county):
    return UserFactory(username="county", role=Role.COUNTY, county=county)


@pytest.fixture
def township_secretary(township):
    return township_user(township, username="baishui")


@pytest.fixture
def leader(county):
    return leader_user(county, username="leader")


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def login(client):
    def _login(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return _login


@pytest.fixture
def celery_worker(django_db_serialized_rollback, transactional_db, settings):
    """A real Celery worker, in a thread of the test process, taking tasks from the test
    Redis and working on the test database (hence transactional: it sees committed data).
    Tasks are sent to it, not run in-process: Celery reads the setting live from Django's.
    The database is restored afterwards with the rows data migrations wrote (built-in kinds)."""
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert not app.conf.task_always_eager
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield app
