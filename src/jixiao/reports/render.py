"""One case → its deliverables: the Word report, the Excel 评分表, charts and (optionally) PDF."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jixiao.engine import CompiledFramework, Finding, Result, compile_framework, evaluate
from jixiao.frameworks import load_framework
from jixiao.io.cases import LoadedCase, load_case
from jixiao.reports import charts, pdf, scoresheet, word
from jixiao.reports.compare import (
    Comparison,
    Mapping,
    compare,
    find_mapping,
    labels,
    load_mapping,
    to_context,
)
from jixiao.reports.context import Charts, ReportContext, build_context

REPORT_STEM = "自评报告"
SCORESHEET_NAME = "评分表.xlsx"
CHARTS_DIR = "charts"


@dataclass(frozen=True, slots=True)
class Evaluated:
    loaded: LoadedCase
    framework_file: str
    compiled: CompiledFramework
    result: Result


@dataclass(slots=True)
class Outputs:
    case: str
    unit: str
    total: str
    grade: str
    docx: Path | None = None
    xlsx: Path | None = None
    pdf: Path | None = None
    charts: list[Path] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    def files(self) -> list[Path]:
        return [p for p in (self.docx, self.xlsx, self.pdf) if p is not None] + self.charts


@lru_cache(maxsize=32)
def _compiled(framework_ref: str) -> tuple[CompiledFramework, str]:
    loaded = load_framework(framework_ref)
    return compile_framework(loaded.framework, loaded.findings), loaded.file


def evaluate_path(path: Path, framework: str | None = None) -> Evaluated:
    """Load a case, its framework (compiled once per process) and evaluate."""
    loaded = load_case(path)
    compiled, file = _compiled(framework or loaded.case.framework)
    return Evaluated(loaded, file, compiled, evaluate(compiled, loaded.case.to_engine()))


def comparison_for(
    a: Evaluated,
    b: Evaluated,
    mapping_file: Path | None = None,
    label_a: str = "",
    label_b: str = "",
) -> Comparison:
    """Compare two evaluated cases through the declared mapping (file, case folders or shipped)."""
    mapping: Mapping | None
    if mapping_file is not None:
        mapping = load_mapping(mapping_file)
        if (
            mapping.framework_a != a.result.framework_id
            and mapping.framework_b == a.result.framework_id
        ):
            mapping = mapping.swapped()
    else:
        mapping = find_mapping(
            a.result.framework_id,
            b.result.framework_id,
            [a.loaded.path.parent, b.loaded.path.parent],
        )
    default_a, default_b = labels(a.loaded.case, b.loaded.case)
    return compare(
        a.result,
        b.result,
        mapping,
        label_a or default_a,
        label_b or default_b,
        a.loaded.case.title,
        b.loaded.case.title,
    )


def draw_charts(
    ctx: ReportContext, evaluated: Evaluated, out_dir: Path, comparison: Comparison | None
) -> Charts:
    out_dir.mkdir(parents=True, exist_ok=True)
    places = evaluated.compiled.framework.rounding.percent_places
    drawn: dict[str, str] = {}
    wanted: list[charts.BarChart | None] = [
        charts.levels_chart(evaluated.result),
        charts.projects_chart(evaluated.loaded.case.facts, places),
    ]
    if comparison is not None:
        from jixiao.reports.compare import chart_pairs

        wanted.append(
            charts.comparison_chart(comparison.label_a, comparison.label_b, chart_pairs(comparison))
        )
    for chart in wanted:
        if chart is not None:
            drawn[chart.key] = str(charts.draw_png(chart, out_dir / f"{chart.key}.png"))
    return Charts(**drawn)


def render_case(
    path: Path,
    out_dir: Path,
    *,
    template: Path | None = None,
    with_charts: bool = True,
    with_pdf: bool = False,
    compare_with: Path | None = None,
    mapping_file: Path | None = None,
    stem: str = REPORT_STEM,
    extra_findings: Sequence[Finding] = (),
) -> Outputs:
    """Write ``<stem>.docx``, ``评分表.xlsx``, ``charts/*.png`` and, if asked, ``<stem>.pdf``."""
    evaluated = evaluate_path(path)
    comparison = None
    if compare_with is not None:
        comparison = comparison_for(evaluated, evaluate_path(compare_with), mapping_file)
    case, result = evaluated.loaded.case, evaluated.result
    ctx = build_context(
        case,
        result,
        evaluated.compiled.framework,
        to_context(comparison) if comparison else None,
        extra_findings=extra_findings,
    )
    out = Outputs(case.case, result.unit, ctx.total, ctx.grade)
    if with_charts:
        drawn = draw_charts(ctx, evaluated, out_dir / CHARTS_DIR, comparison)
        ctx = dataclasses.replace(ctx, charts=drawn)
        out.charts = [Path(p) for p in (drawn.levels, drawn.projects, drawn.comparison) if p]
    out.docx = word.render_report(ctx, out_dir / f"{stem}.docx", template)
    out.xlsx = scoresheet.write_workbook(out_dir / SCORESHEET_NAME, ctx, ctx.comparison)
    if with_pdf:
        if pdf.available():
            out.pdf = pdf.convert([out.docx])[0]
        else:
            out.messages.append(pdf.MISSING)
    return out
