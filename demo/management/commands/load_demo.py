"""python manage.py load_demo — load the demo county 青山县 (idempotent)."""

import time
import unicodedata

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext as _

from cadre.models import Cadre, Status
from demo.cadre import DEMO_COUNTY, DEMO_PASSWORD, demo_load
from mentorship.models import Mentor, MentoringLog, Pairing
from org.models import Seat, Township, Village


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
            sc = result.status_counts
            mr = result.mentoring
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示数据加载完成（用时{elapsed:.1f}秒）：新增县(区){int(result.county_created)}个、"
                    f"乡镇(街道){result.townships_created}个、村(社区){result.villages_created}个，"
                    f"填写两委现任{result.seats_filled}人；新增后备干部{result.cadres_created}名"
                    f"（储备中{sc.get(Status.RESERVE, 0)}名、重点培养{sc.get(Status.KEY_TRAINING, 0)}名、"
                    f"已进入两委{sc.get(Status.SEATED, 0)}名、已退出{sc.get(Status.LEFT, 0)}名）；"
                    f"新增用户{result.users_created}个；"
                    f"新增导师{mr.mentors_created}名、在帮结对{mr.pairings_created}对、"
                    f"已结束结对{mr.ended_pairings_created}对、帮带记录{mr.logs_created}条"
                    + ("，设置导师帮带制度" if mr.policy_set else "")
                    + "。"
                )
            )
        else:
            self.stdout.write("演示数据已存在，本次没有新增任何记录。")

        townships = Township.objects.filter(county__name=DEMO_COUNTY).count()
        villages = Village.objects.filter(township__county__name=DEMO_COUNTY)
        cadres = Cadre.objects.filter(village__township__county__name=DEMO_COUNTY)
        by_status = dict(cadres.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
        vacant = Seat.objects.filter(village__in=villages, holder_name="").count()
        self.stdout.write(
            f"{DEMO_COUNTY}现有：乡镇(街道){townships}个，村(社区){villages.count()}个，"
            f"空缺两委职位{vacant}个，后备干部{sum(by_status.values())}名"
            f"（" + "、".join(f"{s.label}{by_status[s]}名" for s in Status if by_status.get(s)) + "）。"
        )
        mentors = Mentor.objects.filter(township__county__name=DEMO_COUNTY)
        pairings = Pairing.objects.filter(cadre__village__township__county__name=DEMO_COUNTY)
        active_pairings = pairings.filter(ended_on__isnull=True).count()
        logs = MentoringLog.objects.filter(pairing__in=pairings).count()
        reserves = cadres.filter(status__in=(Status.RESERVE, Status.KEY_TRAINING))
        without_mentor = reserves.exclude(Exists(Pairing.objects.filter(cadre=OuterRef("pk"), ended_on__isnull=True)))
        self.stdout.write(
            f"导师帮带：导师{mentors.count()}名（在库{mentors.filter(is_active=True).count()}名），"
            f"在帮结对{active_pairings}对，已结束结对{pairings.count() - active_pairings}对，"
            f"帮带记录{logs}条；在册后备干部{reserves.count()}名中{without_mentor.count()}名暂无导师。"
        )
        self.stdout.write("\n演示账号：")
        self.stdout.write(_table(("用户名", "角色", "单位", "姓名", "密码"), result.logins))
        self.stdout.write(f"演示账号的初始密码均为 {DEMO_PASSWORD}，仅供演示使用。")
