from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from reports.schedule import install


class Command(BaseCommand):
    help = "把代码中的默认定时任务（reports/schedule.py）写入 Celery beat 的数据库调度表；已有的不改动。"

    def handle(self, *args, **options):
        created = install(CrontabSchedule, PeriodicTask)
        for name in created:
            self.stdout.write(f"已添加定时任务：{name}")
        if not created:
            self.stdout.write("定时任务均已存在，未作改动。")
