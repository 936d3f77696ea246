"""Printing results: a readable rich table, or JSON with decimals as strings."""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.table import Table

from jixiao.engine import Result, Severity
from jixiao.engine.numbers import format_number
from jixiao.engine.result import STATUS_LABELS

SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = 2) -> None:
    errors.print(f"[bold red]错误[/]：{message}", highlight=False)
    raise SystemExit(code)


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_result(result: Result) -> None:
    table = Table(
        title=f"{result.unit} {result.year or ''} · {result.framework_title}", show_lines=False
    )
    for column in ("编码", "指标", "分值", "得分", "取值", "状态", "说明"):
        table.add_column(column, overflow="fold")
    for item in result.indicators:
        indent = "  " * (item.level - 1)
        style = "bold" if not item.is_leaf else None
        table.add_row(
            item.code,
            indent + item.name,
            format_number(item.max),
            format_number(item.score),
            item.value_text or "",
            STATUS_LABELS[item.status],
            item.explanation,
            style=style,
        )
    console.print(table)
    console.print(
        f"总分 [bold]{format_number(result.total)}[/] / {format_number(result.max)}，等级 [bold]{result.grade}[/]"
        + ("" if result.complete else "（有指标缺少数据，总分不完整）")
    )
    for finding in result.findings:
        label = SEVERITY_LABELS[finding.severity]
        where = f"［{finding.where}］" if finding.where else ""
        console.print(f"{label} {finding.code}{where}：{finding.message}", highlight=False)
