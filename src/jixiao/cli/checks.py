"""``jixiao review-targets``, ``jixiao audit``, ``jixiao variance``.

Exit codes (all three): 0 when no finding has severity "error", 1 when at least one has,
2 when the input cannot be used (missing or unreadable file, invalid case or rules file).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from jixiao.checks.audit import AuditReport, ExtractError, audit_file
from jixiao.checks.findings import SEVERITY_LABELS, TargetFinding, has_errors, summary
from jixiao.checks.targets import TargetRulesError, load_target_rules, review_targets
from jixiao.checks.variance import Variance, compare_results
from jixiao.cli.output import console, fail, print_json
from jixiao.engine import Finding, FrameworkError
from jixiao.engine.numbers import format_number
from jixiao.facts.model import Target
from jixiao.io.cases import load_case

EXIT_CODES_HELP = "退出码：0 无“错误”级发现；1 有“错误”级发现；2 输入无法使用。"


class Format(StrEnum):
    table = "table"
    json = "json"


def register(app: typer.Typer) -> None:
    app.command("review-targets", help="审核案例的绩效指标（绩效目标质量）。" + EXIT_CODES_HELP)(
        review_targets_command
    )
    app.command(
        "audit", help="核对报告（.txt/.docx/.xlsx/.pdf）中的算式、评分表与数字。" + EXIT_CODES_HELP
    )(audit_command)
    app.command("variance", help="比较自评与复核（再评价）两个案例的评分差异。" + EXIT_CODES_HELP)(
        variance_command
    )


def _exit(findings: Sequence[Finding]) -> None:
    raise typer.Exit(1 if has_errors(findings) else 0)


def _print_findings(findings: Sequence[Finding], title: str) -> None:
    counts = summary(findings)
    console.print(
        f"[bold]{title}[/]：错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}",
        highlight=False,
    )
    if not findings:
        return
    table = Table(show_lines=True)
    for column in ("级别", "规则", "位置", "说明"):
        table.add_column(column, overflow="fold")
    for finding in findings:
        message = finding.message
        if isinstance(finding, TargetFinding) and finding.fix:
            message += f"\n建议：{finding.fix}"
        table.add_row(SEVERITY_LABELS[finding.severity], finding.code, finding.where, message)
    console.print(table)


# ---------------------------------------------------------------------------------------------


def _targets_of(path: Path) -> tuple[str, list[Target]]:
    loaded = load_case(path)
    return loaded.case.facts.unit.name, list(loaded.case.facts.targets)


def review_targets_command(
    path: Path = typer.Argument(..., help="案例目录（含 case.yaml）或案例文件"),
    rules: Path | None = typer.Option(None, "--rules", help="本地规则文件，覆盖默认规则中的同名键"),
    peers: list[Path] = typer.Option(
        [], "--peer", help="同一轮次其他单位的案例，用于发现雷同指标（可重复）"
    ),
    output_format: Format = typer.Option(Format.table, "--format", help="输出格式：table 或 json"),
) -> None:
    try:
        unit, targets = _targets_of(path)
        peer_targets = dict(_targets_of(p) for p in peers)
        loaded_rules = load_target_rules(rules)
    except (FrameworkError, TargetRulesError) as exc:
        fail(str(exc))
        return
    peer_targets.pop(unit, None)
    findings = review_targets(targets, loaded_rules, peer_targets or None)
    if output_format is Format.json:
        print_json(
            {
                "case": str(path),
                "unit": unit,
                "targets": len(targets),
                "summary": summary(findings),
                "findings": [f.to_dict() for f in findings],
            }
        )
    else:
        if not targets:
            console.print("案例中没有绩效指标（facts.targets 为空）。")
        _print_findings(findings, f"{unit} 绩效指标审核（{len(targets)} 条）")
    _exit(findings)


def audit_command(
    path: Path = typer.Argument(..., help="报告文件：.txt、.docx、.xlsx 或有文字层的 .pdf"),
    output_format: Format = typer.Option(Format.table, "--format", help="输出格式：table 或 json"),
) -> None:
    try:
        report: AuditReport = audit_file(path)
    except ExtractError as exc:
        fail(str(exc))
        return
    if output_format is Format.json:
        print_json(report.to_dict())
    else:
        _print_findings(report.findings, f"{report.file} 算术核对")
    raise typer.Exit(report.exit_code)


def variance_command(
    self_case: Path = typer.Argument(..., help="自评案例"),
    review_case: Path = typer.Argument(..., help="复核或再评价案例（同一单位同一年度）"),
    output_format: Format = typer.Option(Format.table, "--format", help="输出格式：table 或 json"),
) -> None:
    from jixiao.cli.evaluate import evaluate_case

    try:
        own = evaluate_case(self_case)
        review = evaluate_case(review_case)
    except FrameworkError as exc:
        fail("\n" + str(exc))
        return
    except KeyError as exc:
        fail(f"找不到指标体系：{exc.args[0]}")
        return
    variance: Variance = compare_results(own, review)
    if output_format is Format.json:
        print_json(variance.to_dict())
    else:
        console.print(
            f"自评 {format_number(variance.self_total)} 分（{own.grade}），"
            f"复核 {format_number(variance.review_total)} 分（{review.grade}），"
            f"相差 {format_number(variance.gap)} 分",
            highlight=False,
        )
        _print_findings(variance.findings, "自评与复核差异")
    _exit(variance.findings)
