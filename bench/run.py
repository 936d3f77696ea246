"""Batch-evaluation benchmark: the 柳城 framework over synthetic unit-years, on one core.

    .venv/bin/python bench/run.py                      # 20,000 unit-years, 5 repeats (make bench)
    .venv/bin/python bench/run.py --units 2000 --repeat 3

The framework is loaded from YAML and compiled once; the unit-years are generated and turned
into engine ``Facts`` before any timing (see ``synthetic.py``). Each repeat evaluates every
unit-year with ``evaluate(compiled, facts)`` — explanations included, since the engine always
writes them — keeps the results, and is timed with ``perf_counter``. The median repeat is
reported. Loading (YAML → validated ``Framework``) and ``compile_framework`` are timed
separately. Results are printed and written to ``bench/results/latest.json``.
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

from jixiao.engine import CompiledFramework, Facts, Result, compile_framework, evaluate
from jixiao.frameworks import catalog, load_framework
from synthetic import DEFAULT_SEED, FRAMEWORK_ID, generate

TARGET = 100_000  # indicator scores per second, explanations included (the target)
BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"


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
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=BENCH,
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
    return [evaluate(compiled, facts) for facts in batch]


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
    catalog.cache_clear()
    start = time.perf_counter()
    load_framework(FRAMEWORK_ID)  # first load also scans the catalog of shipped frameworks
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
    results: list[Result] = []
    for _ in range(repeat):
        results = []  # drop the previous repeat's results before timing the next
        gc.collect()
        start = time.perf_counter()
        results = evaluate_all(compiled, batch)
        eval_times.append(time.perf_counter() - start)

    counts = count(results)
    median = statistics.median(eval_times)
    rates = {
        "indicator_scores_per_s": counts["indicator_results"] / median,
        "leaf_scores_per_s": counts["leaf_results"] / median,
        "unit_years_per_s": units / median,
        "us_per_unit_year": median / units * 1e6,
        "us_per_indicator": median / counts["indicator_results"] * 1e6,
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
        },
        "counts": counts,
        "rates": rates,
        "target": {
            "indicator_scores_per_s": TARGET,
            "ratio": rates["indicator_scores_per_s"] / TARGET,
            "leaf_ratio": rates["leaf_scores_per_s"] / TARGET,
        },
    }


def table(report: dict[str, Any]) -> str:
    t, c, r = report["timings_s"], report["counts"], report["rates"]
    m = report["machine"]
    rows = [
        ("machine", f"{m['cpu_model']}, nproc={m['nproc']}, Python {m['python']}"),
        ("pinned to CPU", str(report["pinned_cpu"])),
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
        ("unit-years / s", f"{r['unit_years_per_s']:,.0f} ({r['us_per_unit_year']:.0f} µs each)"),
        ("indicator scores / s", f"{r['indicator_scores_per_s']:,.0f} (leaf + branch)"),
        ("leaf scores / s", f"{r['leaf_scores_per_s']:,.0f}"),
        (
            "vs target 100,000 / s",
            f"{report['target']['ratio']:.2f}× (leaf only {report['target']['leaf_ratio']:.2f}×)",
        ),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=20_000, help="unit-years (default 20000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed repeats (default 5)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--no-pin", action="store_true", help="do not pin to one CPU")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args(argv)
    if args.units < 1 or args.repeat < 1:
        parser.error("--units and --repeat must be positive")

    pinned = None if args.no_pin else pin_to_one_core()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    report = {
        "started": started,
        "commit": git_commit(),
        "machine": machine(),
        "pinned_cpu": pinned,
        **run(args.units, args.repeat, args.seed),
    }
    report["machine"]["load_average_after"] = list(os.getloadavg())
    print(table(report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
