"""python manage.py ensure_database — create the PostgreSQL database DATABASE_URL names when
it does not exist yet (scripts/dev.sh runs it before migrate)."""

import psycopg2
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from common.database import ensure_database


class Command(BaseCommand):
    help = "如果 DATABASE_URL 指定的 PostgreSQL 数据库尚不存在，则创建它（用同一账号连接服务器的 postgres 库）。"

    def handle(self, *args, **options):
        database = settings.DATABASES["default"]
        try:
            created = ensure_database(database)
        except psycopg2.Error as exc:
            raise CommandError(
                _("无法连接 PostgreSQL 服务器（%(host)s:%(port)s）：%(error)s")
                % {"host": database["HOST"] or "localhost", "port": database["PORT"] or 5432, "error": exc}
            ) from exc
        if created:
            self.stdout.write(_("已创建数据库 %(name)s。") % {"name": database["NAME"]})
        else:
            self.stdout.write(_("数据库 %(name)s 已存在。") % {"name": database["NAME"]})
