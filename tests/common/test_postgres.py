"""The PostgreSQL extensions that common/migrations/0001_postgres_extensions.py enables are
there and do what later migrations and queries rely on."""

import datetime as dt

import pytest
from django.contrib.postgres.search import TrigramSimilarity
from django.db import IntegrityError, connection, transaction
from psycopg2.extras import DateRange

from cadre.models import Cadre
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db


def test_btree_gist_and_pg_trgm_are_installed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname IN ('btree_gist', 'pg_trgm')")
        assert {name for (name,) in cursor.fetchall()} == {"btree_gist", "pg_trgm"}


def test_trigram_similarity_ranks_chinese_names(village):
    for name in ("张小军", "张晓军", "李四"):
        CadreFactory(village=village, name=name)
    ranked = (
        Cadre.objects.annotate(similarity=TrigramSimilarity("name", "张小军"))
        .order_by("-similarity", "name")
        .values_list("name", "similarity")
    )
    (first, exact), (second, close), (third, none) = ranked
    assert (first, second, third) == ("张小军", "张晓军", "李四")
    assert exact == 1 and 0 < close < 1 and none == 0


def test_gist_exclusion_on_a_column_and_a_daterange():
    """btree_gist lets one gist index compare an integer with = and a date range with &&:
    one holder per seat at a time."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE tenure (seat integer, period daterange,"
            " EXCLUDE USING gist (seat WITH =, period WITH &&))"
        )
        insert = "INSERT INTO tenure VALUES (%s, %s)"
        cursor.execute(insert, [1, DateRange(dt.date(2021, 1, 1), dt.date(2024, 1, 1))])
        cursor.execute(insert, [1, DateRange(dt.date(2024, 1, 1), None)])  # right after: allowed
        cursor.execute(insert, [2, DateRange(dt.date(2022, 1, 1), None)])  # another seat: allowed
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute(insert, [1, DateRange(dt.date(2023, 6, 1), dt.date(2023, 9, 1))])
        cursor.execute("SELECT count(*) FROM tenure")
        assert cursor.fetchone() == (3,)
