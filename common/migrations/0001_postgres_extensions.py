"""PostgreSQL extensions the apps rely on: btree_gist (exclusion constraints that mix
equality on ordinary columns with overlapping date ranges, e.g. one holder per seat at a
time) and pg_trgm (similarity search on Chinese names). Migrations that use them depend on
("common", "0001_postgres_extensions"). Both are trusted extensions, so the database owner
may create them without being a superuser."""

from django.contrib.postgres.operations import BtreeGistExtension, TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        BtreeGistExtension(),
        TrigramExtension(),
    ]
