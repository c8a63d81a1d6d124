# The import record moves from the cadre app to the import engine: the table is renamed,
# its rows (who imported what, when) are kept. cadre.0008 drops the old model from state.

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cadre", "0007_seat_single_holder"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE cadre_rosterimport RENAME TO imports_importrecord",
                    "ALTER TABLE imports_importrecord RENAME TO cadre_rosterimport",
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="ImportRecord",
                    fields=[
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False, verbose_name="编号")),
                        ("kind", models.CharField(choices=[("roster", "后备干部花名册"), ("mentors", "导师库")], default="roster", max_length=10, verbose_name="类型")),
                        ("filename", models.CharField(max_length=255, verbose_name="文件名")),
                        ("file", models.FileField(blank=True, upload_to="roster_imports/%Y/%m/", verbose_name="文件")),
                        ("sha256", models.CharField(max_length=64, verbose_name="文件校验值")),
                        ("digest", models.CharField(blank=True, max_length=64, verbose_name="预览结果校验值")),
                        ("state", models.CharField(choices=[("previewed", "待确认"), ("applied", "已导入"), ("refused", "未导入")], default="previewed", max_length=20, verbose_name="状态")),
                        ("counts", models.JSONField(blank=True, default=dict, verbose_name="导入结果")),
                        ("applied_at", models.DateTimeField(blank=True, null=True, verbose_name="导入时间")),
                        ("refused_reason", models.TextField(blank=True, verbose_name="未导入原因")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="imports", to=settings.AUTH_USER_MODEL, verbose_name="导入人")),
                    ],
                    options={
                        "verbose_name": "导入记录",
                        "verbose_name_plural": "导入记录",
                        "ordering": ["-created_at"],
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("state__in", ["previewed", "applied", "refused"])), name="roster_import_state_valid"),
                            models.CheckConstraint(condition=models.Q(("kind__in", ["roster", "mentors"])), name="roster_import_kind_valid"),
                            models.CheckConstraint(condition=models.Q(models.Q(("state", "applied"), _negated=True), ("applied_at__isnull", False), _connector="OR"), name="roster_import_applied_has_time"),
                        ],
                    },
                ),
            ],
        ),
    ]
