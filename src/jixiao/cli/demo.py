"""``jixiao demo``: migrate, load the demo data, print the demo accounts, serve the web app.

``jixiao demo --no-serve`` stops after printing; ``--examples-only`` keeps the old behaviour of
scoring every example case to JSON without the web app.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from jixiao.cli.output import console

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def evaluate_examples(examples: Path, out: Path) -> None:
    from jixiao.cli.evaluate import evaluate_case
    from jixiao.engine.numbers import format_number

    out.mkdir(parents=True, exist_ok=True)
    for case_dir in sorted(p for p in examples.iterdir() if (p / "case.yaml").exists()):
        result = evaluate_case(case_dir)
        target = out / f"{case_dir.name}.json"
        target.write_text(
            json.dumps(result.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        errors = sum(1 for f in result.findings if f.severity == "error")
        console.print(
            f"{case_dir.name:24} {result.unit} {result.year}：总分 {format_number(result.total)}，"
            f"等级 {result.grade}，发现问题 {errors} 处 → {target}",
            highlight=False,
        )


def demo_command(
    host: str = typer.Option("127.0.0.1", help="监听地址"),
    port: int = typer.Option(8000, help="端口"),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="载入后是否启动网页应用"),
    examples_only: bool = typer.Option(
        False, "--examples-only", help="只为示例案例评分并输出 JSON（不启动网页应用）"
    ),
    out: Path = typer.Option(Path("out/demo"), help="--examples-only 的结果输出目录"),
) -> None:
    if examples_only:
        evaluate_examples(EXAMPLES, out)
        return
    from jixiao.cli import web_commands

    web_commands.setup_django()
    from django.conf import settings

    from jixiao.web import demo

    console.print(
        f"数据目录：{settings.DATA_DIR}（数据库 {settings.DATABASES['default']['NAME']}）"
    )
    web_commands.migrate()
    accounts = demo.load()
    console.print(demo.describe_accounts(accounts), highlight=False)
    if serve:
        web_commands.run_server(host, port, threads=8)
