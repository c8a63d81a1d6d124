"""python manage.py generate_province --reserves N [--counties K] [--seed S]: a generated
city/province deployment on bulk paths (see demo.province), for trying the system at scale
and for the benchmarks."""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from demo.province import COUNTY_PREFIX, RESERVES_PER_COUNTY, SEED, generate_province

LABELS = {
    "counties": "县(区)",
    "townships": "乡镇(街道)",
    "villages": "村(社区)",
    "seats": "两委职位",
    "reserves": "后备干部",
    "status_reserve": "　其中储备中",
    "status_key_training": "　其中重点培养",
    "status_seated": "　其中已进入两委",
    "status_left": "　其中已退出",
    "mentors": "导师",
    "pairings": "结对（含已结束）",
    "active_pairings": "　其中在结对",
    "mentoring_logs": "帮带记录",
    "training_sessions": "培训班次",
    "attendance": "培训考勤",
    "subsidy_policies": "补贴政策",
    "subsidy_lines": "上月补贴明细",
}


class Command(BaseCommand):
    help = (
        f"生成省(市)级测试数据：若干个县(区)（{COUNTY_PREFIX}01、{COUNTY_PREFIX}02……）及其乡镇、村、两委职位，"
        "指定人数的后备干部（身份证号有效且不重复），导师、结对和帮带记录，一年的县级月度培训及考勤，"
        "补贴政策和上月补贴表。使用批量写入，10万名后备干部约需一两分钟。这些县已存在时拒绝执行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--reserves", type=int, required=True, help="后备干部总人数")
        parser.add_argument(
            "--counties", type=int, default=None, help=f"县(区)个数，默认每{RESERVES_PER_COUNTY}名后备干部一个县"
        )
        parser.add_argument("--seed", type=int, default=SEED, help=f"随机种子，默认{SEED}")

    def handle(self, *args, reserves, counties, seed, **options):
        started = time.perf_counter()
        try:
            result = generate_province(reserves=reserves, counties=counties, seed=seed, progress=self.stdout.write)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        elapsed = time.perf_counter() - started
        names = result.county_names
        self.stdout.write(
            self.style.SUCCESS(f"生成完成，用时{elapsed:.1f}秒：{names[0]}至{names[-1]}。")
            if len(names) > 1
            else self.style.SUCCESS(f"生成完成，用时{elapsed:.1f}秒：{names[0]}。")
        )
        for key, label in LABELS.items():
            if key in result.counts:
                self.stdout.write(f"{label}：{result.counts[key]:,}")
