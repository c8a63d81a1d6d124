"""python manage.py load_demo — load the demo county 青山县 (idempotent)."""

import time
import unicodedata

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.cadre import DEMO_COUNTY, DEMO_PASSWORD
from demo.loader import demo_load, demo_report


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: tuple, rows: list[tuple]) -> str:
    widths = [max(_width(str(r[i])) for r in (header, *rows)) for i in range(len(header))]

    def line(row):
        cells = (str(v) + " " * (w - _width(str(v))) for v, w in zip(row, widths, strict=True))
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


class Command(BaseCommand):
    help = (
        f"加载演示数据：{DEMO_COUNTY}（7个乡镇、约70个村(社区)、300余名后备干部，导师库、结对和帮带记录）及演示账号。"
        "可重复执行，不会重复创建。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="在非调试环境（DEBUG=False）下也加载。演示账号使用公开的密码，生产环境慎用。",
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "当前不是调试环境（DEBUG=False）。演示数据会创建使用公开密码的账号（含超级管理员），"
                    "确需加载请加 --force。"
                )
            )
        started = time.monotonic()
        try:
            result = demo_load()
        except (PermissionDenied, ValidationError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("加载演示数据失败，未保存任何数据：" + "；".join(messages)) from None
        elapsed = time.monotonic() - started

        if result.created_anything:
            self.stdout.write(self.style.SUCCESS(f"演示数据加载完成（用时{elapsed:.1f}秒）：{result.summary()}。"))
        else:
            self.stdout.write("演示数据已存在，本次没有新增任何记录。")

        for line in demo_report():
            self.stdout.write(line)
        self.stdout.write("\n演示账号：")
        self.stdout.write(_table(("用户名", "角色", "单位", "姓名", "密码"), result.cadres.logins))
        self.stdout.write(f"演示账号的初始密码均为 {DEMO_PASSWORD}，仅供演示使用。")
