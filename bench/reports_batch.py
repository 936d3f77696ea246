"""Report-batch benchmark: 1,000 reports (Word + Excel, no PDF) from synthetic unit-years, all cores.

    .venv/bin/python bench/reports_batch.py                    # 1,000 reports, with and without charts
    .venv/bin/python bench/reports_batch.py --units 200 --jobs 2 --variants charts

The unit-years come from ``synthetic.py`` (the 柳城 framework) and are written as ordinary
``case.yaml`` files first (not timed). The timed run is what ``jixiao report-batch DIR --out OUT``
does: a pool of worker processes, one per core, each loading and validating its cases, evaluating
them, drawing the charts (unless ``--no-charts``), rendering the Word report from the shipped
template and writing the Excel 评分表. Process start-up is inside the timing. Besides wall time,
the CPU time of all processes is recorded: on a shared machine the wall time depends on what else
runs, CPU time ÷ jobs is what the run costs when the cores are free. A per-stage breakdown on one
process (median CPU time per report over a sample) shows where the time goes. Results are printed and
written to ``bench/results/reports_batch.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from jixiao.reports import charts, scoresheet, word
from jixiao.reports.batch import render_batch
from jixiao.reports.context import Charts, build_context
from jixiao.reports.render import Evaluated, evaluate_path
from synthetic import DEFAULT_SEED, raw_cases

TARGET_SECONDS = 60.0
BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"


def write_cases(root: Path, n: int, seed: int) -> list[Path]:
    paths = []
    for raw in raw_cases(n, seed):
        folder = root / str(raw["case"])
        folder.mkdir(parents=True)
        path = folder / "case.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def cpu_timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.process_time()
    value = fn()
    return time.process_time() - started, value


def draw_charts(evaluated: Evaluated, folder: Path) -> Charts:
    drawn = {}
    for chart in (
        charts.levels_chart(evaluated.result),
        charts.projects_chart(evaluated.loaded.case.facts),
    ):
        if chart is not None:
            drawn[chart.key] = str(charts.draw_png(chart, folder / f"{chart.key}.png"))
    return Charts(**drawn)


def stages(cases: list[Path], out: Path) -> dict[str, float]:
    """Median CPU milliseconds per report for each stage, in this process (after a warm-up)."""
    samples: dict[str, list[float]] = {
        k: [] for k in ("evaluate", "context", "charts", "docx", "xlsx")
    }
    for n, case in enumerate(cases):
        folder = out / f"stage-{n}"
        folder.mkdir(parents=True)
        t_eval, evaluated = cpu_timed(partial(evaluate_path, case))
        t_ctx, ctx = cpu_timed(
            partial(
                build_context,
                evaluated.loaded.case,
                evaluated.result,
                evaluated.compiled.framework,
            )
        )
        t_charts, drawn = cpu_timed(partial(draw_charts, evaluated, folder))
        ctx = replace(ctx, charts=drawn)
        t_docx, _ = cpu_timed(partial(word.render_report, ctx, folder / "自评报告.docx"))
        t_xlsx, _ = cpu_timed(partial(scoresheet.write_workbook, folder / "评分表.xlsx", ctx))
        if n == 0:
            continue  # warm-up: imports, font loading, template compilation
        for key, value in zip(samples, (t_eval, t_ctx, t_charts, t_docx, t_xlsx), strict=True):
            value_ms = value * 1000
            samples[key].append(value_ms)
    return {k: round(statistics.median(v), 1) for k, v in samples.items()}


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children (the worker pool)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_variant(root: Path, out: Path, jobs: int, with_charts: bool) -> dict[str, Any]:
    cpu_before, load_before = cpu_seconds(), os.getloadavg()[0]
    seconds, result = timed(lambda: render_batch(root, out, jobs=jobs, charts=with_charts))
    cpu = cpu_seconds() - cpu_before
    files = sum(len(o.files()) for o in result.outputs)
    size = sum(f.stat().st_size for o in result.outputs for f in o.files())
    return {
        "charts": with_charts,
        "reports": len(result.outputs),
        "errors": len(result.errors),
        "first_error": result.errors[0] if result.errors else None,
        "seconds": round(seconds, 2),
        "reports_per_second": round(len(result.outputs) / seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "cpu_ms_per_report": round(cpu * 1000 / max(len(result.outputs), 1), 1),
        "seconds_if_cores_were_free": round(cpu / jobs, 1),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "files": files,
        "megabytes": round(size / 1e6, 1),
        "within_target": seconds < TARGET_SECONDS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1000, help="reports (default 1000)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes (default: all cores)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--variants",
        choices=["both", "charts", "no-charts"],
        default="both",
        help="with charts, without, or both",
    )
    parser.add_argument("--sample", type=int, default=30, help="reports in the per-stage breakdown")
    parser.add_argument("--out", type=Path, default=RESULTS / "reports_batch.json")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_before": list(os.getloadavg()),
        },
        "units": args.units,
        "jobs": args.jobs,
        "target_seconds": TARGET_SECONDS,
    }
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        work = Path(tmp)
        write_seconds, cases = timed(lambda: write_cases(work / "cases", args.units, args.seed))
        report["write_cases_seconds"] = round(write_seconds, 2)
        report["stages_ms_one_core"] = stages(cases[: args.sample + 1], work / "stages")
        variants = {"both": [True, False], "charts": [True], "no-charts": [False]}[args.variants]
        report["runs"] = [
            run_variant(work / "cases", work / f"out-{int(c)}", args.jobs, c) for c in variants
        ]
    report["machine"]["load_average_after"] = list(os.getloadavg())
    print(table(report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return 0


def table(report: dict[str, Any]) -> str:
    lines = [
        f"{report['units']} reports, {report['jobs']} worker processes, "
        f"{report['machine']['cpus']} CPUs, load average before {report['machine']['load_average_before'][0]:.2f}",
        "",
        "| run | reports | wall s | reports/s | CPU s | CPU ms/report | CPU s ÷ jobs | load before/after | MB | < 60 s |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for run in report["runs"]:
        name = "docx + xlsx + charts" if run["charts"] else "docx + xlsx, no charts"
        lines.append(
            f"| {name} | {run['reports']} | {run['seconds']} | {run['reports_per_second']} | "
            f"{run['cpu_seconds']} | {run['cpu_ms_per_report']} | {run['seconds_if_cores_were_free']} | "
            f"{run['load_average_before']}/{run['load_average_after']} | {run['megabytes']} | "
            f"{'yes' if run['within_target'] else 'no'} |"
        )
    stages_ms = report["stages_ms_one_core"]
    lines += [
        "",
        "Per report in one process (median CPU ms): "
        + ", ".join(f"{k} {v}" for k, v in stages_ms.items())
        + f"; total {sum(stages_ms.values()):.1f}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
