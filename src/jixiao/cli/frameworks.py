"""``jixiao frameworks list|show|validate``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from rich.tree import Tree

from jixiao.cli.output import console, fail
from jixiao.engine import FrameworkError, Indicator
from jixiao.engine.model import KIND_LABELS
from jixiao.engine.numbers import format_number
from jixiao.engine.rules import RULE_KINDS
from jixiao.frameworks import catalog, load_framework

app = typer.Typer(no_args_is_help=True)


@app.command("list", help="列出随 jixiao 提供的指标体系。")
def list_command() -> None:
    table = Table(title="指标体系")
    for column in ("编号", "名称", "地区", "年度", "类型", "继承"):
        table.add_column(column)
    for framework_id in catalog():
        fw = load_framework(framework_id).framework
        table.add_row(
            fw.id, fw.title, fw.locality, str(fw.year or ""), KIND_LABELS[fw.kind], fw.extends or ""
        )
    console.print(table)


@app.command("show", help="以树形显示一个指标体系及每条评分规则。")
def show_command(framework_id: str = typer.Argument(..., help="指标体系编号或文件")) -> None:
    try:
        loaded = load_framework(framework_id)
    except (FrameworkError, KeyError) as exc:
        fail(str(exc))
        return
    fw = loaded.framework
    tree = Tree(f"[bold]{fw.title}[/]（{fw.id}，{KIND_LABELS[fw.kind]}）")
    _add(tree, fw.indicators)
    console.print(tree)
    for finding in loaded.findings:
        console.print(f"[yellow]注意[/] {finding.message}")


def _add(tree: Tree, items: list[Indicator]) -> None:
    for item in items:
        weight = format_number(item.weight) if item.weight is not None else "—"
        label = f"{item.code} {item.name}（{weight}分）"
        if item.rule is not None:
            kind = str(item.rule.get("kind"))
            summary = RULE_KINDS[kind].summary if kind in RULE_KINDS else kind
            label += f" · {kind}：{item.standard or summary}"
        _add(tree.add(label), item.children)


@app.command("validate", help="校验指标体系文件；有错误时逐条列出行号并以非零状态退出。")
def validate_command(file: Path = typer.Argument(..., help="指标体系 YAML 文件")) -> None:
    if not file.exists():
        fail(f"找不到文件 {file}")
    try:
        loaded = load_framework(file)
    except FrameworkError as exc:
        fail(f"指标体系有{len(exc.problems)}处错误：\n{exc}")
        return
    fw = loaded.framework
    console.print(f"[green]通过[/]：{fw.title}（{fw.id}）")
    for finding in loaded.findings:
        console.print(f"[yellow]注意[/] {finding.where}：{finding.message}")
