"""``manage.py load_demo``: the demo bureau, seed units, rounds and accounts (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jixiao.web import demo


class Command(BaseCommand):
    help = "载入演示数据：一个财政局、五个示例单位、每个示例年度一个评价任务、各角色演示账号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--empty", action="append", default=[], help="不预填事实的单位（账号前缀，如 liucheng）"
        )
        parser.add_argument("--force", action="store_true", help="生产环境下也载入（不建议）")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["force"]:
            raise CommandError(
                "生产环境不载入演示数据（演示账号使用公开的密码）；确需载入请加 --force"
            )
        found = demo.load(empty_units=tuple(options["empty"]))
        self.stdout.write(demo.describe_accounts(found))
