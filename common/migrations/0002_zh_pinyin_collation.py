"""The ICU collation ``zh_pinyin`` (Chinese by pinyin) that lists sort names with; see
common/collation.py. Needs a PostgreSQL built with ICU (Debian's and the official images
are): ``SELECT * FROM pg_collation WHERE collprovider = 'i' LIMIT 1`` returns a row."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("common", "0001_postgres_extensions")]

    operations = [
        migrations.RunSQL(
            "CREATE COLLATION IF NOT EXISTS zh_pinyin (provider = icu, locale = 'zh-u-co-pinyin')",
            "DROP COLLATION IF EXISTS zh_pinyin",
        ),
    ]
