import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from org.models import County, Township
from reports.models import ReportKind, RunStatus
from reports.services import report_build, report_request


class Command(BaseCommand):
    help = "同步生成一份月度报表（与页面和定时任务相同的服务），并打印生成的文件路径。"

    def add_arguments(self, parser):
        parser.add_argument(
            "kind", choices=ReportKind.values, help="training（培训）、subsidy（补贴）或 summary（综合统计）"
        )
        parser.add_argument("--month", required=True, help="月份，格式 YYYY-MM")
        parser.add_argument("--county", help="县(区)名称；只有一个县(区)时可省略")
        parser.add_argument("--township", help="乡镇(街道)名称；省略为全县")

    def handle(self, *args, kind, month, county=None, township=None, **options):
        try:
            month_date = dt.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise CommandError("月份格式应为 YYYY-MM，如 2026-05") from None
        counties = County.objects.all()
        if county:
            counties = counties.filter(name=county)
        elif township:
            counties = counties.filter(townships__name=township)
        counties = list(counties.distinct()[:2])
        if len(counties) != 1:
            raise CommandError("找不到该县(区)" if not counties else "有多个县(区)，请用 --county 指定")
        township_id = None
        if township:
            found = Township.objects.filter(county=counties[0], name=township).first()
            if found is None:
                raise CommandError(f"{counties[0].name}没有乡镇(街道)：{township}")
            township_id = found.pk
        try:
            with transaction.atomic():
                run = report_request(
                    kind=kind, month=month_date, county_id=counties[0].pk, township_id=township_id, enqueue=False
                )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        # Built here, synchronously, by the same service a worker runs.
        run = report_build(run.pk)
        if run.status != RunStatus.DONE:
            raise CommandError(run.error or f"报表状态：{run.get_status_display()}")
        self.stdout.write(run.file.path)
        if run.pdf:
            self.stdout.write(run.pdf.path)
        if run.notes:
            self.stdout.write(run.notes)
