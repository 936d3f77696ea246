"""``jixiao report``, ``report-template``, ``compare`` and ``report-batch``."""

from __future__ import annotations

import shutil
from enum import StrEnum
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from jixiao.cli.output import console, fail, print_json
from jixiao.engine import FrameworkError

template_app = typer.Typer(no_args_is_help=True)


class TemplateKind(StrEnum):
    report = "report"
    comparison = "comparison"


class Format(StrEnum):
    table = "table"
    json = "json"


def _guard(exc: Exception) -> None:
    from jixiao.reports.compare import MappingError

    if isinstance(exc, FrameworkError | MappingError):
        fail("\n" + str(exc))
    elif isinstance(exc, KeyError):
        fail(str(exc.args[0]))
    else:
        raise exc


def report_command(
    case: Path = typer.Argument(..., help="案例目录（含 case.yaml）或案例文件"),
    out: Path = typer.Option(..., "--out", "-o", help="输出目录"),
    template: Path | None = typer.Option(
        None, "--template", "-t", help="自定义 Word 模板（.docx）"
    ),
    pdf: bool | None = typer.Option(
        None, "--pdf/--no-pdf", help="是否经 LibreOffice 生成 PDF（默认：装有 LibreOffice 时生成）"
    ),
    charts: bool = typer.Option(True, "--charts/--no-charts", help="是否绘制图表"),
    compare_with: Path | None = typer.Option(
        None, "--compare", help="与另一案例比较（如自评与再评价），在报告与评分表中加入比较"
    ),
    mapping: Path | None = typer.Option(None, "--mapping", help="指标对应关系文件（YAML）"),
    stem: str = typer.Option("自评报告", "--name", help="报告文件名（不含扩展名）"),
) -> None:
    from jixiao.reports import pdf as pdf_tools
    from jixiao.reports.render import render_case

    if template is not None:
        _check_before_use(template)
    want_pdf = pdf_tools.available() if pdf is None else pdf
    try:
        outputs = render_case(
            case,
            out,
            template=template,
            with_charts=charts,
            with_pdf=want_pdf,
            compare_with=compare_with,
            mapping_file=mapping,
            stem=stem,
        )
    except Exception as exc:
        _guard(exc)
        return
    console.print(f"{outputs.unit}：总分 [bold]{outputs.total}[/]，等级 [bold]{outputs.grade}[/]")
    for file in outputs.files():
        console.print(f"  已生成 {file}", highlight=False)
    if pdf is None and not want_pdf:
        console.print(f"[yellow]{pdf_tools.MISSING}[/]")
    for message in outputs.messages:
        console.print(f"[yellow]{message}[/]")


def _check_before_use(template: Path) -> None:
    from jixiao.reports.template_check import check_template

    checked = check_template(template)
    if not checked.ok:
        for issue in checked.issues:
            if issue.severity == "error":
                console.print(f"[red]错误[/] {issue.message}", highlight=False)
        fail(f"模板 {template} 有错误，请先修正（jixiao report-template check {template}）")


@template_app.command("check", help="检查自定义 Word 模板：未知变量（如拼写错误）与缺少的变量。")
def template_check_command(
    file: Path = typer.Argument(..., help="模板文件（.docx）"),
    kind: TemplateKind = typer.Option(TemplateKind.report, "--kind", help="report 或 comparison"),
) -> None:
    from jixiao.reports.template_check import check_template

    if not file.exists():
        fail(f"找不到模板文件 {file}")
    result = check_template(file, kind.value)
    labels = {"error": "[red]错误[/]", "warning": "[yellow]警告[/]", "info": "[blue]提示[/]"}
    for issue in result.issues:
        console.print(f"{labels[issue.severity]} {issue.message}", highlight=False)
    console.print(f"模板使用的变量：{'、'.join(result.used) or '（无）'}", highlight=False)
    if result.ok:
        console.print(f"[green]模板可用[/]：{file}", highlight=False)
    else:
        errors = sum(1 for i in result.issues if i.severity == "error")
        console.print(f"[red]模板有{errors}处错误[/]：{file}", highlight=False)
        raise typer.Exit(1)


@template_app.command("export", help="导出随 jixiao 提供的 Word 模板，作为自定义模板的起点。")
def template_export_command(
    dest: Path = typer.Argument(..., help="导出到的文件（.docx）"),
    kind: TemplateKind = typer.Option(TemplateKind.report, "--kind", help="report 或 comparison"),
) -> None:
    from jixiao.reports.build_template import COMPARISON_TEMPLATE, REPORT_TEMPLATE

    source = REPORT_TEMPLATE if kind is TemplateKind.report else COMPARISON_TEMPLATE
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
    console.print(f"已导出 {dest}", highlight=False)


@template_app.command("variables", help="列出模板可用的全部变量。")
def template_variables_command(
    kind: TemplateKind = typer.Option(TemplateKind.report, "--kind", help="report 或 comparison"),
) -> None:
    from jixiao.reports.template_check import provided_variables

    for name in provided_variables(kind.value):
        console.print(name, highlight=False)


def compare_command(
    case_a: Path = typer.Argument(..., help="案例 A（如单位自评）"),
    case_b: Path = typer.Argument(..., help="案例 B（如第三方再评价，或上年）"),
    mapping: Path | None = typer.Option(None, "--mapping", help="指标对应关系文件（YAML）"),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="输出目录：写出 比较.xlsx 与 比较.docx"
    ),
    label_a: str = typer.Option("", "--label-a", help="A 的简称（默认由案例标题得出，如“自评”）"),
    label_b: str = typer.Option("", "--label-b", help="B 的简称（如“再评价”）"),
    output_format: Format = typer.Option(Format.table, "--format", help="table 或 json"),
) -> None:
    from jixiao.reports.compare import to_context
    from jixiao.reports.render import comparison_for, evaluate_path

    try:
        a, b = evaluate_path(case_a), evaluate_path(case_b)
        comparison = comparison_for(a, b, mapping, label_a, label_b)
    except Exception as exc:
        _guard(exc)
        return
    ctx = to_context(comparison)
    if output_format is Format.json:
        from dataclasses import asdict

        print_json(asdict(ctx))
    else:
        _print_comparison(ctx)
    if out is not None:
        _write_comparison(comparison, out)


def _print_comparison(ctx: object) -> None:
    from jixiao.reports.context import ComparisonContext

    assert isinstance(ctx, ComparisonContext)
    table = Table(
        title=f"{ctx.label_a} {ctx.total_a} 分（{ctx.grade_a}） vs {ctx.label_b} {ctx.total_b} 分（{ctx.grade_b}）"
    )
    for column in (
        "序号",
        f"{ctx.label_a}指标",
        "分值",
        "得分",
        f"{ctx.label_b}指标",
        "分值",
        "得分",
        "得分差",
        "得分率差",
        "依据",
    ):
        table.add_column(column, overflow="fold")
    for r in ctx.rows:
        table.add_row(
            r.no,
            r.name_a,
            r.max_a,
            r.score_a,
            r.name_b,
            r.max_b,
            r.score_b,
            r.diff,
            r.rate_diff,
            r.basis,
        )
    table.add_row(
        "",
        "总分",
        ctx.max_a,
        ctx.total_a,
        "总分",
        ctx.max_b,
        ctx.total_b,
        ctx.total_diff,
        "",
        "",
        style="bold",
    )
    console.print(table)
    console.print(ctx.summary, highlight=False)
    console.print(ctx.unmapped_text, highlight=False)
    console.print("评分说明（各对应指标）：", highlight=False)
    for r in ctx.rows:
        console.print(f"[bold]{r.no}. {r.name_a} / {r.name_b}[/]", highlight=False)
        console.print(f"  {ctx.label_a}：{r.reason_a}", highlight=False)
        console.print(f"  {ctx.label_b}：{r.reason_b}", highlight=False)


def _write_comparison(comparison: object, out: Path) -> None:
    from jixiao.reports import charts, scoresheet, word
    from jixiao.reports.compare import Comparison, chart_pairs, to_context
    from jixiao.reports.context import GENERATED_BY

    assert isinstance(comparison, Comparison)
    ctx = to_context(comparison)
    out.mkdir(parents=True, exist_ok=True)
    drawn = {}
    chart = charts.comparison_chart(comparison.label_a, comparison.label_b, chart_pairs(comparison))
    if chart is not None:
        drawn["comparison"] = str(charts.draw_png(chart, out / "比较.png"))
    xlsx = scoresheet.write_workbook(out / "比较.xlsx", None, ctx)
    values = {
        "title": ctx.title,
        "comparison": ctx,
        "charts": {"comparison": drawn.get("comparison", ""), "levels": "", "projects": ""},
        "generated_by": GENERATED_BY,
    }
    docx = word.render_comparison(values, out / "比较.docx")
    for file in (xlsx, docx, *map(Path, drawn.values())):
        console.print(f"  已生成 {file}", highlight=False)


def report_batch_command(
    directory: Path = typer.Argument(..., help="含多个案例（各自目录中的 case.yaml）的目录"),
    out: Path = typer.Option(..., "--out", "-o", help="输出目录：每个案例一个子目录"),
    jobs: int = typer.Option(0, "--jobs", "-j", help="并行进程数（默认：CPU 核数）"),
    template: Path | None = typer.Option(
        None, "--template", "-t", help="自定义 Word 模板（.docx）"
    ),
    pdf: bool = typer.Option(False, "--pdf/--no-pdf", help="是否经 LibreOffice 生成 PDF"),
    charts: bool = typer.Option(
        False,
        "--charts/--no-charts",
        help="是否在报告中绘制图表（批量默认不画：每份报告的图表比 Word 与 Excel 合计还慢约 3 倍）",
    ),
) -> None:
    from jixiao.reports.batch import find_cases, render_batch

    if template is not None:
        _check_before_use(template)
    cases = find_cases(directory)
    if not cases:
        fail(f"{directory} 下没有案例文件（case.yaml）")
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        tasks: dict[str, object] = {}

        def progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(f"生成{phase}", total=total)
            bar.update(tasks[phase], completed=done)  # type: ignore[arg-type]

        result = render_batch(
            directory,
            out,
            jobs=jobs or None,
            template=template,
            charts=charts,
            with_pdf=pdf,
            progress=progress,
            cases=cases,
        )
    console.print(
        f"完成：{len(result.outputs)}个案例，用时{result.seconds:.1f}秒"
        + (f"（另 PDF {result.pdf_seconds:.1f}秒）" if pdf else "")
        + f"；输出目录 {out}"
        + ("" if charts else "（未绘制图表，需要时加 --charts）"),
        highlight=False,
    )
    for message in result.messages:
        console.print(f"[yellow]{message}[/]", highlight=False)
    if result.errors:
        for case, reason in result.errors:
            console.print(f"[red]失败[/] {case}：{reason}", highlight=False)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``report``, ``report-template``, ``compare`` and ``report-batch`` to ``app``."""
    app.command("report", help="生成自评报告（Word）、评分表（Excel）、图表和 PDF。")(
        report_command
    )
    app.add_typer(
        template_app, name="report-template", help="检查、导出 Word 报告模板，列出模板变量。"
    )
    app.command("compare", help="比较两个案例（如自评与再评价）的逐项得分。")(compare_command)
    app.command("report-batch", help="为目录下的全部案例并行生成报告（带进度条）。")(
        report_batch_command
    )


__all__ = [
    "compare_command",
    "register",
    "report_batch_command",
    "report_command",
    "template_app",
]
