"""Batch-evaluation benchmark: the 柳城 framework over synthetic unit-years, one process.

    .venv/bin/python bench/run.py                      # 20,000 unit-years, 5 repeats (make bench)
    .venv/bin/python bench/run.py --units 2000 --repeat 3
    .venv/bin/python bench/run.py --write-docs         # also rewrite the figures in docs/performance.md

The framework is loaded from YAML and compiled once; the unit-years are generated and turned
into engine ``Facts`` before any timing (see ``synthetic.py``). Each repeat evaluates every
unit-year with ``evaluate_many(compiled, batch)`` (one ``evaluate`` per unit-year, collector paused) — explanations included, since the engine always
writes them — keeps the results, and is timed with ``perf_counter`` (wall) and ``process_time``
(CPU); the time spent in the cyclic garbage collector is recorded too. The median repeat is
reported. Loading (YAML → validated ``Framework``) and ``compile_framework`` are timed
separately. Results are printed and written to ``bench/results/latest.json``. The method is
described in docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jixiao.engine import CompiledFramework, Facts, Result, compile_framework, evaluate_many
from jixiao.frameworks import load_framework
from perfdoc import replace_section
from synthetic import DEFAULT_SEED, FRAMEWORK_ID, generate

TARGET = 100_000  # indicator scores per second, explanations included (the target)
BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
DOCS = BENCH.parent / "docs" / "performance.md"
HEADING = "## 评分引擎：实测数字"
MEASURED = ("src/jixiao/engine", "src/jixiao/facts")


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu_model": model or platform.processor(),
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "load_average": list(os.getloadavg()),
    }


def calibration_us() -> float:
    """Best of 5 CPU times for ``sum(range(1000))``: how fast this core runs plain Python."""
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for _ in range(2000):
            sum(range(1000))
        best = min(best, (time.process_time() - start) / 2000)
    return best * 1e6


class GCTimer:
    """Time spent in the cyclic garbage collector while evaluating (results are kept alive)."""

    def __init__(self) -> None:
        self.seconds, self.collections, self._start = 0.0, 0, 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.collections += 1


def pin_to_one_core() -> int | None:
    """Run on a single CPU so that the figures are per core; returns the CPU, if pinned."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BENCH,
            capture_output=True,
            text=True,
            check=True,
        )
        dirty = subprocess.run(  # uncommitted edits to what the benchmark measures
            ["git", "status", "--porcelain", "--untracked-files=no", "--", *MEASURED],
            cwd=BENCH.parent,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return ""
    return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, value = [], None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return times, value


def evaluate_all(compiled: CompiledFramework, batch: list[Facts]) -> list[Result]:
    return evaluate_many(compiled, batch)


def count(results: list[Result]) -> dict[str, Any]:
    leaves = sum(1 for r in results for i in r.indicators if i.is_leaf)
    total = sum(len(r.indicators) for r in results)
    statuses = Counter(str(i.status) for r in results for i in r.indicators)
    findings = Counter(f.code for r in results for f in r.findings)
    explained = sum(len(i.explanation) for r in results for i in r.indicators)
    return {
        "unit_years": len(results),
        "indicator_results": total,
        "leaf_results": leaves,
        "branch_results": total - leaves,
        "per_unit_year": total / len(results),
        "explanation_chars": explained,
        "statuses": dict(statuses),
        "findings": dict(findings),
        "grades": dict(Counter(r.grade for r in results)),
    }


def run(units: int, repeat: int, seed: int) -> dict[str, Any]:
    start = time.perf_counter()
    load_framework(FRAMEWORK_ID)  # the process's first load also scans the shipped frameworks
    first_load = time.perf_counter() - start
    load_times, loaded = timed(lambda: load_framework(FRAMEWORK_ID), repeat)
    compile_times, compiled = timed(
        lambda: compile_framework(loaded.framework, loaded.findings), repeat
    )

    start = time.perf_counter()
    batch = generate(units, seed, compiled)
    generation = time.perf_counter() - start

    evaluate_all(compiled, batch[: min(units, 200)])  # warm-up: caches, lazy imports
    eval_times: list[float] = []
    cpu_times: list[float] = []
    gc_times: list[float] = []
    results: list[Result] = []
    for _ in range(repeat):
        results = []  # drop the previous repeat's results before timing the next
        gc.collect()
        collector = GCTimer()
        gc.callbacks.append(collector)
        start, cpu = time.perf_counter(), time.process_time()
        results = evaluate_all(compiled, batch)
        eval_times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu)
        gc.callbacks.remove(collector)
        gc_times.append(collector.seconds)

    counts = count(results)
    median = statistics.median(eval_times)
    rates = {
        "indicator_scores_per_s": counts["indicator_results"] / median,
        "leaf_scores_per_s": counts["leaf_results"] / median,
        "unit_years_per_s": units / median,
        "us_per_unit_year": median / units * 1e6,
        "us_per_indicator": median / counts["indicator_results"] * 1e6,
        "indicator_scores_per_cpu_s": counts["indicator_results"] / statistics.median(cpu_times),
    }
    return {
        "framework": FRAMEWORK_ID,
        "units": units,
        "repeat": repeat,
        "seed": seed,
        "timings_s": {
            "load_first": first_load,
            "load": load_times,
            "load_median": statistics.median(load_times),
            "compile": compile_times,
            "compile_median": statistics.median(compile_times),
            "generate_not_timed": generation,
            "evaluate": eval_times,
            "evaluate_median": median,
            "evaluate_cpu": cpu_times,
            "evaluate_cpu_median": statistics.median(cpu_times),
            "gc_during_evaluate": gc_times,
        },
        "counts": counts,
        "rates": rates,
        "target": {
            "indicator_scores_per_s": TARGET,
            "ratio": rates["indicator_scores_per_s"] / TARGET,
            "leaf_ratio": rates["leaf_scores_per_s"] / TARGET,
            "cpu_ratio": rates["indicator_scores_per_cpu_s"] / TARGET,
        },
    }


def table(report: dict[str, Any]) -> str:
    t, c, r = report["timings_s"], report["counts"], report["rates"]
    m = report["machine"]
    rows = [
        ("machine", f"{m['cpu_model']}, nproc={m['nproc']}, Python {m['python']}"),
        (
            "calibration before/after",
            f"sum(range(1000)) in {m['calibration_us']:.1f} / {m['calibration_us_after']:.1f} µs",
        ),
        (
            "load average before/after",
            f"{m['load_average'][0]:.2f} / {m['load_average_after'][0]:.2f}",
        ),
        ("pinned to CPU", "no" if report["pinned_cpu"] is None else str(report["pinned_cpu"])),
        ("framework", f"{report['framework']} ({c['per_unit_year']:.0f} indicators per unit-year)"),
        ("unit-years × repeats", f"{report['units']:,} × {report['repeat']}"),
        (
            "YAML load (first / median)",
            f"{t['load_first'] * 1e3:.1f} / {t['load_median'] * 1e3:.1f} ms",
        ),
        ("compile_framework (median)", f"{t['compile_median'] * 1e3:.2f} ms"),
        ("generation (not timed)", f"{t['generate_not_timed']:.1f} s"),
        ("evaluate, all unit-years", " / ".join(f"{x:.2f}" for x in t["evaluate"]) + " s"),
        ("evaluate, median", f"{t['evaluate_median']:.3f} s"),
        ("evaluate, CPU time", " / ".join(f"{x:.2f}" for x in t["evaluate_cpu"]) + " s"),
        ("of which cyclic GC", " / ".join(f"{x:.2f}" for x in t["gc_during_evaluate"]) + " s"),
        ("unit-years / s", f"{r['unit_years_per_s']:,.0f} ({r['us_per_unit_year']:.0f} µs each)"),
        ("indicator scores / s", f"{r['indicator_scores_per_s']:,.0f} (leaf + branch)"),
        ("leaf scores / s", f"{r['leaf_scores_per_s']:,.0f}"),
        ("indicator scores / CPU s", f"{r['indicator_scores_per_cpu_s']:,.0f}"),
        (
            "vs target 100,000 / s",
            f"{report['target']['ratio']:.2f}× (leaf only {report['target']['leaf_ratio']:.2f}×, "
            f"by CPU time {report['target']['cpu_ratio']:.2f}×)",
        ),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def _seconds(values: list[float]) -> str:
    return " / ".join(f"{x:.2f}" for x in values) + " s"


def docs_section(report: dict[str, Any]) -> str:
    """The figures of one run as the 「评分引擎：实测数字」 section of docs/performance.md."""
    t, c, r, m = report["timings_s"], report["counts"], report["rates"], report["machine"]
    g = report["target"]
    day = report["started"][:10]
    pinned = "否" if report["pinned_cpu"] is None else f"是（CPU {report['pinned_cpu']}）"
    return f"""{HEADING}

> **这些数字只对测量时的引擎和机器有效。** 引擎改动后须用 `make bench` 重新测量，
> 并用 `.venv/bin/python bench/run.py --write-docs` 重写本节（只替换本节）。

测量于 {day}，提交 `{report["commit"] or "未知"}`（`+dirty`：引擎或事实模型有未提交的改动）；{m["cpu_model"]}，`nproc` = {m["nproc"]}，
Python {m["python"]}；绑定单核：{pinned}。本机单核速度参考：`sum(range(1000))` 的 CPU 用时
{m["calibration_us"]:.1f} µs（测前）/ {m["calibration_us_after"]:.1f} µs（测后）。测量期间 1 分钟平均负载
{m["load_average"][0]:.2f} → {m["load_average_after"][0]:.2f}（本机共 {m["nproc"]} 核，负载高于 1 说明有其他进程争用）。

框架 `{report["framework"]}`，每个单位年度 {c["per_unit_year"]:.0f} 个指标结果（末级 {c["leaf_results"] // c["unit_years"]} 个、
上级 {c["branch_results"] // c["unit_years"]} 个，均带说明）；{report["units"]:,} 个单位年度 × {report["repeat"]} 次。

| 项目 | 结果 |
|---|---|
| 读入指标体系 YAML（含继承、校验），首次 / 中位数 | {t["load_first"] * 1e3:.0f} ms / {t["load_median"] * 1e3:.0f} ms |
| `compile_framework`，中位数 | {t["compile_median"] * 1e3:.1f} ms |
| 生成 {report["units"]:,} 个单位年度并经 `Case` 校验、展平（不计时） | {t["generate_not_timed"]:.0f} s |
| 评价全部单位年度，各次墙钟时间 | {_seconds(t["evaluate"])} |
| 其中 CPU 时间 | {_seconds(t["evaluate_cpu"])} |
| 其中循环垃圾回收（GC，墙钟） | {_seconds(t["gc_during_evaluate"])} |
| **墙钟时间中位数** | **{t["evaluate_median"]:.2f} s** |
| 单位年度 / 秒 | {r["unit_years_per_s"]:,.0f}（每个 {r["us_per_unit_year"]:,.0f} µs） |
| **指标得分 / 秒（末级 + 上级，含说明）** | **{r["indicator_scores_per_s"]:,.0f}** |
| 末级指标得分 / 秒 | {r["leaf_scores_per_s"]:,.0f} |
| 指标得分 / CPU 秒（受其他进程争用的影响较小） | {r["indicator_scores_per_cpu_s"]:,.0f} |
| **与目标 100,000 / 秒之比** | **{g["ratio"]:.2f}**（仅末级 {g["leaf_ratio"]:.2f}；按 CPU 时间 {g["cpu_ratio"]:.2f}） |

原始数据（每次的时间、状态与发现项统计）在 `bench/results/latest.json`（不入库）。
"""


def write_docs(report: dict[str, Any]) -> None:
    """Replace (or append) this benchmark's section of docs/performance.md, nothing else."""
    section = docs_section(report)
    replace_section(HEADING, section, DOCS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=20_000, help="unit-years (default 20000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed repeats (default 5)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--pin", action="store_true", help="pin the process to one CPU")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    parser.add_argument(
        "--write-docs", action="store_true", help=f"replace 「{HEADING}」 in docs/performance.md"
    )
    args = parser.parse_args(argv)
    if args.units < 1 or args.repeat < 1:
        parser.error("--units and --repeat must be positive")

    pinned = pin_to_one_core() if args.pin else None
    started = datetime.now(UTC).isoformat(timespec="seconds")
    report = {
        "started": started,
        "commit": git_commit(),
        "machine": {**machine(), "calibration_us": calibration_us()},
        "pinned_cpu": pinned,
        **run(args.units, args.repeat, args.seed),
    }
    report["machine"]["load_average_after"] = list(os.getloadavg())
    report["machine"]["calibration_us_after"] = calibration_us()
    print(table(report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out}")
    if args.write_docs:
        write_docs(report)
        print(f"updated 「{HEADING}」 in {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
