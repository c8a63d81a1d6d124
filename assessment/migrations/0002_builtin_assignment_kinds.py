"""The kinds of frontline post every county starts with (DOMAIN.md); counties add their own."""

from django.db import migrations

KINDS = (
    ("卡口值守", None), ("宣传排查", None), ("监测点值守", None), ("居家隔离服务保障", None),
    ("专班（抗疫/拆违/腾退等）", None), ("网格化管理", None), ("跟班学习", 30), ("挂职锻炼", None),
    ("企业服务", None),
)  # fmt: skip


def add_kinds(apps, schema_editor):
    AssignmentKind = apps.get_model("assessment", "AssignmentKind")
    for order, (name, min_days) in enumerate(KINDS, start=1):
        AssignmentKind.objects.get_or_create(county=None, name=name, defaults={"min_days": min_days, "order": order})


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
