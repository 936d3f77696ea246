"""``jixiao demo``: evaluate every example case and say where the output went."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from jixiao.cli.evaluate import evaluate_case
from jixiao.cli.output import console
from jixiao.engine.numbers import format_number

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def demo_command(
    examples: Path = typer.Option(EXAMPLES, help="示例案例目录"),
    out: Path = typer.Option(Path("out/demo"), help="结果输出目录"),
) -> None:
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
    console.print(f"结果已写入 {out.resolve()}（网页应用完成前，演示以命令行输出为准）")
