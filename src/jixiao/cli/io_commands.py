"""``jixiao import``, ``check``, ``export``, ``template``, ``evaluate-batch``: Excel in and out.

Exit codes: 0 success (``check``: no finding of severity "error"); 1 ``check`` found errors,
or ``evaluate-batch`` could not evaluate some inputs; 2 the input cannot be used (the file is
refused, has problems — all listed — or the case is invalid). An import that fails writes
nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from jixiao.cli.output import SEVERITY_LABELS, console, errors, fail, print_json
from jixiao.engine import FrameworkError, Severity, evaluate
from jixiao.facts.checks import CheckFinding, RuleError, load_rules, run_checks
from jixiao.frameworks import load_framework
from jixiao.io.batch import BatchItem, discover, run_batch, write_results
from jixiao.io.excel import LAYOUT_NAMES, LAYOUT_TITLES, WorkbookError, write_workbook
from jixiao.io.excel.factsbook import write_facts_workbook
from jixiao.io.loading import OpenedCase, is_workbook, open_case
from jixiao.io.yamlout import write_case_dir

UNNAMED_FRAMEWORK = "（未注明）"
LAYOUT_HELP = "格式：" + "、".join(f"{name}（{title}）" for name, title in LAYOUT_TITLES.items())
EXIT_HELP = "退出码：0 成功；1 有“错误”级发现；2 输入无法使用（问题逐条列出，不写任何文件）。"


class Format(StrEnum):
    table = "table"
    json = "json"


def register(app: typer.Typer) -> None:
    app.command(
        "import",
        help="导入 Excel（自评表或事实工作簿）为案例目录；有问题时逐条列出且不写入。" + EXIT_HELP,
    )(import_command)
    app.command(
        "check", help="跨表一致性核查（合计、比率、超预算、编制、指标性质等）。" + EXIT_HELP
    )(check_command)
    app.command("export", help="把案例导出为 Excel：官方自评表或 jixiao 事实工作簿。")(
        export_command
    )
    app.command("template", help="生成空白的 jixiao 事实工作簿（带说明、下拉选项、锁定表头）。")(
        template_command
    )
    app.command("evaluate-batch", help="并行评分目录中的全部工作簿和案例，结果写入 Excel。")(
        evaluate_batch_command
    )


def _refused(exc: WorkbookError) -> None:
    errors.print(
        f"[bold red]未导入[/]：{exc.file or '工作簿'}有{len(exc.problems)}处问题，未写入任何文件：",
        highlight=False,
    )
    for problem in exc.problems:
        errors.print(f"  [red]{problem.code}[/] {problem}", highlight=False)
    raise typer.Exit(2)


def _open(path: Path, framework: str | None) -> OpenedCase:
    if not path.exists():
        fail(f"找不到 {path}")
    try:
        return open_case(path, framework)
    except WorkbookError as exc:
        _refused(exc)
    except FrameworkError as exc:  # CaseError is a FrameworkError
        fail(f"案例有{len(exc.problems)}处问题：\n{exc}")
    raise AssertionError("unreachable")


def import_command(
    file: Path = typer.Argument(..., help="Excel 工作簿（.xlsx）"),
    out: Path = typer.Option(..., "--out", "-o", help="写入的案例目录（生成 case.yaml）"),
    framework: str | None = typer.Option(
        None, "--framework", "-f", help="指标体系编号（工作簿未注明时必填）"
    ),
    case_id: str | None = typer.Option(
        None, "--case-id", help="案例编号（默认取自工作簿或文件名）"
    ),
    force: bool = typer.Option(False, "--force", help="覆盖已有的 case.yaml"),
) -> None:
    if not is_workbook(file):
        fail(f"{file} 不是 Excel 工作簿（.xlsx）")
    if (out / "case.yaml").exists() and not force:
        fail(f"{out / 'case.yaml'} 已存在；如要覆盖请加 --force（未写入任何文件）")
    opened = _open(file, framework)
    if case_id:
        opened.case = opened.case.model_copy(update={"case": case_id})
    header = (
        f"由 jixiao import 导入自 {file.name}（{LAYOUT_TITLES.get(opened.layout, opened.layout)}）"
    )
    target = write_case_dir(opened.case, out, opened.sources, header, overwrite=force)
    facts = opened.case.facts
    console.print(
        f"[green]已导入[/] {facts.unit.name} {facts.year}：{len(facts.targets)}个绩效指标、"
        f"{len(facts.projects)}个项目 → {target}",
        highlight=False,
    )
    for warning in opened.warnings:
        console.print(f"[yellow]注意[/]：{warning}", highlight=False)
    notable = [f for f in opened.findings or [] if f.severity is not Severity.INFO]
    if notable:
        console.print(
            f"[yellow]一致性核查有{len(notable)}处提示[/]（用 jixiao check {out} 查看）：",
            highlight=False,
        )
        _print_checks(notable, opened.locations, brief=True)


def _print_checks(
    findings: list[CheckFinding], locations: Mapping[str, str], brief: bool = False
) -> None:
    if brief:
        for finding in findings:
            where = finding.where(locations)
            console.print(
                f"  {SEVERITY_LABELS[finding.severity]} {finding.code}［{where}］：{finding.message}",
                highlight=False,
            )
        return
    table = Table(show_lines=True)
    for column in ("级别", "规则", "位置", "说明"):
        table.add_column(column, overflow="fold")
    for finding in findings:
        table.add_row(
            SEVERITY_LABELS[finding.severity],
            finding.code,
            finding.where(locations),
            finding.message,
        )
    console.print(table)


def check_command(
    path: Path = typer.Argument(..., help="案例目录、case.yaml 或 Excel 工作簿"),
    rules: Path | None = typer.Option(None, "--rules", help="改用的核查规则文件（YAML）"),
    framework: str | None = typer.Option(
        None, "--framework", "-f", help="工作簿未注明时的指标体系"
    ),
    show_passed: bool = typer.Option(False, "--all", help="同时列出成立的核查（附算式）"),
    output_format: Format = typer.Option(Format.table, "--format", help="输出格式：table 或 json"),
) -> None:
    try:
        book = load_rules(rules)
    except (RuleError, OSError) as exc:
        fail(f"核查规则无法使用：{exc}")
        return
    opened = _open(path, framework or UNNAMED_FRAMEWORK)  # checks need no framework
    report = run_checks(opened.case.facts, book)
    if output_format is Format.json:
        print_json(
            {
                "unit": opened.case.facts.unit.name,
                "year": opened.case.facts.year,
                "findings": [f.to_dict(opened.locations) for f in report.findings],
                "passed": [
                    {"code": p.code, "title": p.title, "detail": p.detail} for p in report.passed
                ],
            }
        )
    else:
        facts = opened.case.facts
        counts = {s: sum(1 for f in report.findings if f.severity is s) for s in Severity}
        console.print(
            f"[bold]{facts.unit.name} {facts.year} 一致性核查[/]：错误 {counts[Severity.ERROR]}，"
            f"警告 {counts[Severity.WARNING]}，提示 {counts[Severity.INFO]}；成立 {len(report.passed)} 项",
            highlight=False,
        )
        if report.findings:
            _print_checks(report.findings, opened.locations)
        if show_passed:
            for item in report.passed:
                console.print(
                    f"  [green]成立[/] {item.code} {item.title}：{item.detail}", highlight=False
                )
    raise typer.Exit(1 if report.errors else 0)


def export_command(
    path: Path = typer.Argument(..., help="案例目录、case.yaml 或 Excel 工作簿"),
    layout: str = typer.Option(
        "facts",
        "--layout",
        "-l",
        help=LAYOUT_HELP,
    ),
    out: Path = typer.Option(..., "--out", "-o", help="输出的 .xlsx 文件"),
    framework: str | None = typer.Option(
        None, "--framework", "-f", help="改用的指标体系（用于填写得分）"
    ),
    scores: bool = typer.Option(
        True, "--scores/--no-scores", help="按指标体系评分并填入得分、总分"
    ),
) -> None:
    if layout not in LAYOUT_NAMES:
        fail(f"没有名为「{layout}」的格式；可选：{'、'.join(LAYOUT_NAMES)}")
    if out.suffix.lower() != ".xlsx":
        fail("输出文件须以 .xlsx 结尾")
    opened = _open(path, framework)
    result = None
    if scores and layout != "facts":
        try:
            chosen = framework or opened.case.framework
            result = evaluate(load_framework(chosen), opened.case.to_engine())
        except (FrameworkError, KeyError) as exc:
            console.print(f"[yellow]注意[/]：未能评分（{exc}），得分栏留空", highlight=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_workbook(out, opened.case, layout, opened.sources, result)
    console.print(f"[green]已导出[/] {LAYOUT_TITLES[layout]} → {out}", highlight=False)


def template_command(
    out: Path = typer.Argument(Path("facts.xlsx"), help="输出的 .xlsx 文件"),
    force: bool = typer.Option(False, "--force", help="覆盖已有文件"),
) -> None:
    if out.exists() and not force:
        fail(f"{out} 已存在；如要覆盖请加 --force")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_facts_workbook(out)
    console.print(
        f"[green]已生成[/] 空白事实工作簿 → {out}（填好后用 jixiao import {out} --out 案例目录）",
        highlight=False,
    )


def evaluate_batch_command(
    directory: Path = typer.Argument(..., help="含工作簿（.xlsx）或案例目录的文件夹"),
    framework: str | None = typer.Option(
        None, "--framework", "-f", help="指标体系编号（各工作簿未注明时使用；注明的也改用此体系）"
    ),
    out: Path = typer.Option(Path("results.xlsx"), "--out", "-o", help="结果工作簿"),
    jobs: int | None = typer.Option(None, "--jobs", "-j", help="并行进程数（默认全部核心）"),
) -> None:
    if not directory.is_dir():
        fail(f"{directory} 不是文件夹")
    paths = discover(directory)
    if not paths:
        fail(f"{directory} 中没有 .xlsx 工作簿或案例目录")
    with Progress(
        TextColumn("[bold]评分"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("", total=len(paths))

        def advance(item: BatchItem) -> None:
            progress.update(task, advance=1, description=Path(item.path).name)

        items = run_batch(paths, framework, jobs, advance)
    write_results(out, items)
    failed = [i for i in items if not i.ok]
    console.print(
        f"共{len(items)}个：成功 {len(items) - len(failed)}，未导入 {len(failed)} → {out}",
        highlight=False,
    )
    for item in failed:
        console.print(
            f"[red]未导入[/] {Path(item.path).name}：{item.problems[0] if item.problems else ''}",
            highlight=False,
        )
    raise typer.Exit(1 if failed else 0)
