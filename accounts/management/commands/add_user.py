"""python manage.py add_user USERNAME --role county|township|leader [--unit NAME]
[--name 中文姓名] --password-stdin"""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.services import user_create_or_update


class Command(BaseCommand):
    help = (
        "创建或更新登录用户（重复执行即更新）。角色：county 县委组织部、township 乡镇党委、"
        "leader 县领导。密码从标准输入的第一行读取，例如：echo '密码' | python manage.py "
        "add_user town01 --role township --unit 城关镇 --name 张伟 --password-stdin"
    )
    # call_command(..., stdin=io.StringIO("...")) supplies the input stream in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名（登录名）")
        parser.add_argument(
            "--role", default="", help="角色：county（县委组织部）、township（乡镇党委）、leader（县领导）"
        )
        parser.add_argument(
            "--unit",
            default="",
            help="所属单位：县委组织部和县领导填县(区)名称（系统中只有一个县时可省略）；"
            "乡镇党委填乡镇(街道)名称，重名时写成“县名/乡镇名”",
        )
        parser.add_argument("--name", default="", help="中文姓名，如 张伟")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="从标准输入的第一行读取密码（更新已有用户时省略此项则不修改密码）",
        )

    def handle(self, *args, username, role, unit, name, password_stdin, **options):
        if not role:
            raise CommandError(_("请用 --role 指定角色：county、township 或 leader。"))
        password = None
        if password_stdin:
            stream = options.get("stdin") or sys.stdin
            password = stream.readline().rstrip("\r\n")
            if not password:
                raise CommandError(_("没有从标准输入读到密码。"))
        elif not User.objects.filter(username=username.strip()).exists():
            raise CommandError(_("新用户必须设置密码：请加 --password-stdin 并从标准输入提供密码。"))

        existed = User.objects.filter(username=username.strip()).exists()
        try:
            user = user_create_or_update(
                username=username, role=role, unit_name=unit, password=password, full_name=name
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None

        unit_text = user.township.name if user.township_id else user.county.name
        if user.township_id:
            unit_text = f"{user.county.name}{unit_text}"
        action = "已更新" if existed else "已创建"
        person = f"（{user.last_name}{user.first_name}）" if user.last_name or user.first_name else ""
        password_text = "密码已设置（该用户首次登录时须修改）" if password is not None else "密码未修改"
        self.stdout.write(
            self.style.SUCCESS(
                f"{action}用户 {user.username}{person}：角色 {Role(user.role).label}，"
                f"单位 {unit_text}，{password_text}。"
            )
        )
