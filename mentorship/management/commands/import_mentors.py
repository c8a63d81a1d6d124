from imports.command import ImportCommand
from mentorship.importing import MENTOR_IMPORTER


class Command(ImportCommand):
    help = "导入导师库（.xlsx/.xls/.ods/.csv）。任何一行有错误时不写入任何数据并以非零状态退出。"
    importer = MENTOR_IMPORTER
