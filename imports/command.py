from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from common.headers import normalize_header

from .engine import Importer, run_import


class ImportCommand(BaseCommand):
    """A management command around a registered importer: prints the row-level report and
    the counts, exits non-zero and writes nothing when any row has an error. ``--map
    表头=字段`` maps a column the importer does not recognise (repeatable); headers it
    could not map are listed with suggestions."""

    importer: Importer | None = None  # set by subclasses

    def add_arguments(self, parser):
        parser.add_argument("file", help="Excel 或 CSV 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        parser.add_argument(
            "--user", help="以哪个用户的身份导入（决定可导入的范围，并记入变更记录）；默认为第一个超级管理员"
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="表头=字段",
            help="把表格中的某一列对应到系统字段，如 --map 人员类型=来源；字段写“忽略”则不导入该列。可重复使用",
        )

    def handle(self, *args, file, dry_run, user, map, **options):
        operator = self._operator(user)
        choices = self._choices(map)
        try:
            report = run_import(self.importer, file, user=operator, dry_run=dry_run, choices=choices)
        except FileNotFoundError:
            raise CommandError(_("找不到文件：%(file)s") % {"file": file}) from None
        self._unmapped(report)
        for outcome in report.outcomes:
            if outcome.errors or outcome.changes or outcome.warnings or outcome.action == "create":
                detail = "；".join(
                    [str(e) for e in outcome.errors]
                    + [f"{c}：{o} → {n}" for c, o, n in outcome.changes]
                    + [f"提示 {w.column}：{w.message}" for w in outcome.warnings]
                )
                self.stdout.write(f"{outcome.where} {outcome.action_label} {outcome.name} {outcome.id_number} {detail}")
        for error in report.file_errors:
            self.stderr.write(str(error))
        counts = report.counts
        self.stdout.write(
            f"新增{counts['created']}，更新{counts['updated']}，无变化{counts['unchanged']}，错误{counts['errors']}"
        )
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(("（试运行，未写入）" if dry_run else "") + report.summary()))

    def _choices(self, pairs: list[str]) -> dict[str, str]:
        by_label = {normalize_header(c.header): c.key for c in self.importer.columns}
        by_label |= {c.key: c.key for c in self.importer.columns}
        choices = {}
        for pair in pairs:
            header, sep, target = pair.partition("=")
            target = normalize_header(target)
            if not sep or not header.strip():
                raise CommandError(_("--map 的写法应为“表头=字段”，如 --map 人员类型=来源"))
            if target in ("忽略", "ignore", ""):
                choices[normalize_header(header)] = ""
            elif target in by_label:
                choices[normalize_header(header)] = by_label[target]
            else:
                names = "、".join(c.header for c in self.importer.columns)
                raise CommandError(
                    _("--map %(pair)s：没有名为“%(target)s”的字段，可选：%(names)s")
                    % {"pair": pair, "target": target, "names": names}
                )
        return choices

    def _unmapped(self, report) -> None:
        """Say which headers were not mapped, with the closest fields."""
        if report.table is None:
            return
        labels = {c.key: c.header for c in self.importer.columns}
        for header in report.table.headers():
            if header["key"] or header["how"] == "ignored":
                continue
            hint = "、".join(labels[k] for k in header["suggestions"]) or "无"
            self.stderr.write(
                f"未能对应的表头“{header['text']}”（可能是：{hint}）；可用 --map {header['text']}=字段 指定，"
                f"或 --map {header['text']}=忽略"
            )

    def _operator(self, username):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            operator = users.filter(username=username).first()
            if operator is None:
                raise CommandError(_("找不到用户：%(username)s") % {"username": username})
            return operator
        operator = users.filter(is_superuser=True).order_by("pk").first()
        if operator is None:
            raise CommandError(_("系统中没有超级管理员，请用 --user 指定导入人。"))
        return operator
