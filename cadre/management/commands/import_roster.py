from cadre.roster import ROSTER_IMPORTER
from imports.command import ImportCommand
from imports.reading import ACCEPTED


class Command(ImportCommand):
    help = f"导入后备干部花名册（{ACCEPTED}）。任何一行有错误时不写入任何数据并以非零状态退出。"
    importer = ROSTER_IMPORTER
