"""The ``jixiao`` command: one entry point for everything a script or a batch needs."""

from __future__ import annotations

import typer

from jixiao.cli import demo, evaluate, frameworks

app = typer.Typer(
    help="jixiao 预算绩效评价：指标体系、评分、核对。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("evaluate", help="按指标体系为一个案例评分并解释每个指标。")(evaluate.evaluate_command)
app.add_typer(frameworks.app, name="frameworks", help="列出、查看、校验指标体系。")
app.command("demo", help="演示：为全部示例案例评分并输出结果。")(demo.demo_command)


def main() -> None:
    app()
