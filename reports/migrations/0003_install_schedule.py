"""Installs the default periodic jobs (reports/schedule.py) into django-celery-beat's
tables; existing rows, and the county's edits to them, are left as they are."""

from django.db import migrations


def install_schedule(apps, schema_editor):
    from reports.schedule import install

    install(apps.get_model("django_celery_beat", "CrontabSchedule"), apps.get_model("django_celery_beat", "PeriodicTask"))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_reportrun_notes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install_schedule, migrations.RunPython.noop)]
