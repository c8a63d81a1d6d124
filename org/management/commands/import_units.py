"""python manage.py import_units FILE.xlsx — load counties, townships and villages."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from common.excel import read_sheet_rows
from org.services import units_import


class Command(BaseCommand):
    help = (
        "从 Excel 表格导入组织架构：县(区) / 乡镇(街道) / 村(社区) 三列，表头可在标题行之下。"
        "新建的村(社区)自动设置标准两委职位；重复导入不会重复创建；任一行有误则不保存任何数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Excel 文件路径（.xlsx，也支持 .xls、.ods）")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("找不到文件：%(file)s") % {"file": file})
        try:
            rows = read_sheet_rows(path)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        try:
            result = units_import(rows=rows)
        except ValidationError as exc:
            raise CommandError("导入失败，未保存任何数据：\n" + "\n".join(exc.messages)) from None

        if not result["villages_created"]:
            self.stdout.write(f"没有新增单位：表格中的{result['rows']}个村(社区)均已存在。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：新增县(区){result['counties_created']}个、"
                f"乡镇(街道){result['townships_created']}个、"
                f"村(社区){result['villages_created']}个（两委职位{result['seats_created']}个）；"
                f"已存在的村(社区){result['villages_existing']}个。"
            )
        )
