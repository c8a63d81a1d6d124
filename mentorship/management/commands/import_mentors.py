from cadre.roster.command import ImportCommand
from mentorship.importing import mentor_import


class Command(ImportCommand):
    help = "导入导师库（.xlsx/.xls/.csv）。任何一行有错误时不写入任何数据并以非零状态退出。"
    importer = staticmethod(mentor_import)
