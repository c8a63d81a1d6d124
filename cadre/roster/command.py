from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class ImportCommand(BaseCommand):
    """A management command around an importer with the signature of
    cadre.roster.roster_import: prints the row-level report and the counts, exits
    non-zero and writes nothing when any row has an error."""

    importer = None  # set by subclasses

    def add_arguments(self, parser):
        parser.add_argument("file", help="Excel 或 CSV 文件路径")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        parser.add_argument(
            "--user", help="以哪个用户的身份导入（决定可导入的范围，并记入变更记录）；默认为第一个超级管理员"
        )

    def handle(self, *args, file, dry_run, user, **options):
        operator = self._operator(user)
        try:
            report = self.importer(file, user=operator, dry_run=dry_run)
        except FileNotFoundError:
            raise CommandError(_("找不到文件：%(file)s") % {"file": file}) from None
        for outcome in report.outcomes:
            if outcome.errors or outcome.changes or outcome.action == "create":
                detail = "；".join(
                    [str(e) for e in outcome.errors] + [f"{c}：{o} → {n}" for c, o, n in outcome.changes]
                )
                self.stdout.write(
                    f"第{outcome.row}行 {outcome.action_label} {outcome.name} {outcome.id_number} {detail}"
                )
        for error in report.file_errors:
            self.stderr.write(str(error))
        counts = report.counts
        self.stdout.write(
            f"新增{counts['created']}，更新{counts['updated']}，无变化{counts['unchanged']}，错误{counts['errors']}"
        )
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(("（试运行，未写入）" if dry_run else "") + report.summary()))

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
