import io

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from common.database import ensure_database


def _connect(settings_dict, dbname):
    server = psycopg2.connect(
        dbname=dbname,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
    )
    server.autocommit = True
    return server


@pytest.fixture
def spare_database(db):
    """Settings naming a database that does not exist yet (this run's test database's name
    with a suffix), dropped afterwards."""
    settings_dict = {**connection.settings_dict, "NAME": f"{connection.settings_dict['NAME']}_spare"}
    yield settings_dict
    server = _connect(settings_dict, "postgres")
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')
    server.close()


def test_creates_the_database_when_missing_and_only_then(spare_database):
    assert ensure_database(spare_database) is True
    assert ensure_database(spare_database) is False
    _connect(spare_database, spare_database["NAME"]).close()


def test_command_leaves_an_existing_database_alone(db):
    out = io.StringIO()
    call_command("ensure_database", stdout=out)
    assert f"数据库 {connection.settings_dict['NAME']} 已存在" in out.getvalue()
