from imports.command import ImportCommand
from imports.reading import ACCEPTED
from mentorship.importing import MENTOR_IMPORTER


class Command(ImportCommand):
    help = f"导入导师库（{ACCEPTED}）。任何一行有错误时不写入任何数据并以非零状态退出。"
    importer = MENTOR_IMPORTER
