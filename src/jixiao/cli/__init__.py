"""The ``jixiao`` command: one entry point for everything a script or a batch needs."""

from __future__ import annotations

import typer

from jixiao.cli import (
    checks,
    demo,
    evaluate,
    frameworks,
    io_commands,
    report_commands,
    web_commands,
)

app = typer.Typer(
    help="jixiao 预算绩效评价：指标体系、评分、核对。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("evaluate", help="按指标体系为一个案例评分并解释每个指标。")(evaluate.evaluate_command)
app.add_typer(frameworks.app, name="frameworks", help="列出、查看、校验指标体系。")
app.command(
    "demo", help="演示：迁移数据库、载入示例单位、打印演示账号并启动网页应用（127.0.0.1:8000）。"
)(demo.demo_command)
web_commands.register(app)
report_commands.register(app)
checks.register(app)
io_commands.register(app)


def main() -> None:
    app()
