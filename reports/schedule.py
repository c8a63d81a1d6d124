"""The default periodic jobs, in code so they are reviewed like code. ``install`` writes
them into django-celery-beat's tables (a data migration and ``manage.py install_schedule``
call it); it only creates what is missing, so a county's later changes in the admin (a
different hour, a disabled job) survive every deploy. Celery beat runs with
django_celery_beat's DatabaseScheduler and reads the tables."""

from typing import Any

TIMEZONE = "Asia/Shanghai"

# name: (task, crontab fields, description)
DEFAULT_SCHEDULE = {
    "清理过期的导入预览": (
        "imports.purge_expired_previews",
        {"minute": "15", "hour": "*", "day_of_month": "*", "month_of_year": "*", "day_of_week": "*"},
        "每小时第15分钟：删除无人确认的导入预览文件（个人信息）。",
    ),
    "生成上月报表": (
        "reports.build_last_month",
        {"minute": "0", "hour": "2", "day_of_month": "1", "month_of_year": "*", "day_of_week": "*"},
        "每月1日02:00：为每个县(区)和每个乡镇生成上月的培训、补贴和综合统计报表。",
    ),
}


def install(crontab_model: Any, task_model: Any) -> list[str]:
    """Create the missing periodic tasks; returns the names created. The models are
    passed in so a migration can give its historical ones."""
    created = []
    for name, (task, fields, description) in DEFAULT_SCHEDULE.items():
        schedule, _ = crontab_model.objects.get_or_create(**fields, timezone=TIMEZONE)
        _task, was_created = task_model.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": schedule, "description": description, "enabled": True}
        )
        if was_created:
            created.append(name)
    return created
