"""Usernames unique whatever their case. Existing accounts that differ only in case are not
changed silently: the migration stops and lists them, to be renamed (or merged) first."""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count
from django.db.models.functions import Lower


def check_case_duplicates(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    clashing = (
        User.objects.annotate(key=Lower("username"))
        .values("key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("key", flat=True)
    )
    if not clashing:
        return
    groups = {}
    for username in (
        User.objects.annotate(key=Lower("username"))
        .filter(key__in=clashing)
        .order_by("key", "username")
        .values_list("username", flat=True)
    ):
        groups.setdefault(username.lower(), []).append(username)
    listed = "；".join(" / ".join(names) for names in groups.values())
    raise RuntimeError(
        "以下账号的用户名仅大小写不同，请先在管理后台改名或停用合并后再执行迁移："
        f"{listed}（accounts.0004：用户名今后不区分大小写）"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_account_events_must_change_password"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("org", "0003_seat_history_vacated"),
    ]

    operations = [
        migrations.RunPython(check_case_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("username"),
                name="user_username_ci_unique",
                violation_error_message="该用户名已被使用（用户名不区分大小写），请换一个。",
            ),
        ),
    ]
