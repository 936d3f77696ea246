"""Where does ``evaluate`` spend its time? A cost breakdown by rule kind, then cProfile.

    .venv/bin/python bench/profile_eval.py               # 2,000 unit-years
    .venv/bin/python bench/profile_eval.py --units 5000 --top 40

Same framework and synthetic unit-years as ``run.py``; generation happens before measuring.

1. Breakdown (no profiler, CPU time, best of ``--repeat``): the whole ``evaluate`` per
   unit-year; each leaf's compiled scorer run alone over all unit-years, summed by rule kind;
   and ``evaluate`` with every scorer replaced by one returning a ready ``Outcome`` — what is
   left is the tree walk, roll-up, result objects and branch explanations.
2. cProfile of ``evaluate`` over all unit-years, top functions by own and cumulative time.
   cProfile inflates call-heavy code and hides the time of C-level ``lru_cache`` hits in the
   caller; read it together with the breakdown.

Writes ``bench/results/profile.txt`` and ``bench/results/profile.pstats``
(``python -m pstats bench/results/profile.pstats``).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jixiao.engine import CompiledFramework, Facts, compile_framework
from jixiao.engine.rules import Outcome
from jixiao.frameworks import load_framework
from run import RESULTS, evaluate_all
from synthetic import DEFAULT_SEED, FRAMEWORK_ID, _leaves, generate


def best_cpu(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def _stub(outcome: Outcome) -> Callable[[Any], Outcome]:
    return lambda env: outcome


def breakdown(batch: list[Facts], repeat: int) -> str:
    """Per unit-year CPU µs: whole evaluation, scorers by rule kind, and the tree walk."""
    loaded = load_framework(FRAMEWORK_ID)
    compiled = compile_framework(loaded.framework, loaded.findings)
    n = len(batch)
    envs = [facts.values for facts in batch]
    whole = best_cpu(lambda: evaluate_all(compiled, batch), repeat)

    by_kind: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    by_leaf: list[tuple[float, str, str]] = []
    for node in _leaves(compiled.roots):
        scorer = node.scorer
        assert scorer is not None
        spent = best_cpu(lambda scorer=scorer: [scorer(env) for env in envs], repeat)
        by_kind[node.rule_kind] += spent
        count[node.rule_kind] += 1
        by_leaf.append((spent, node.rule_kind, node.code))

    stubbed: CompiledFramework = compile_framework(loaded.framework, loaded.findings)
    for node in _leaves(stubbed.roots):
        assert node.scorer is not None
        node.scorer = _stub(node.scorer(envs[0]))
    walk = best_cpu(lambda: evaluate_all(stubbed, batch), repeat)

    def us(seconds: float) -> str:
        return f"{seconds / n * 1e6:8.1f} µs"

    scorers = sum(by_kind.values())
    lines = [
        f"## breakdown: CPU time per unit-year, best of {repeat}, {n} unit-years",
        f"evaluate (whole)                      {us(whole)}",
        f"tree walk, roll-up, results (stubbed) {us(walk)}  {walk / whole:5.0%}",
        f"leaf scorers, each run alone          {us(scorers)}  {scorers / whole:5.0%}",
    ]
    for kind, spent in sorted(by_kind.items(), key=lambda kv: -kv[1]):
        lines.append(
            f"  {kind:16s} ×{count[kind]:<2d}                 {us(spent)}"
            f"  ({spent / count[kind] / n * 1e6:.1f} µs per leaf)"
        )
    lines.append("\nslowest leaves:")
    for spent, kind, code in sorted(by_leaf, reverse=True)[:10]:
        lines.append(f"  {us(spent)}  {kind:16s} {code}")
    lines.append("\n(The parts need not add up to the whole: run alone, a scorer stays in cache.)")
    return "\n".join(lines)


def profile(compiled: CompiledFramework, batch: list[Facts], top: int) -> tuple[str, Any]:
    profiler = cProfile.Profile()
    profiler.enable()
    evaluate_all(compiled, batch)
    profiler.disable()
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer).strip_dirs()
    buffer.write("## cProfile, by own time (tottime)\n")
    stats.sort_stats("tottime").print_stats(top)
    buffer.write("\n## cProfile, by cumulative time\n")
    stats.sort_stats("cumulative").print_stats(top)
    return buffer.getvalue(), profiler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--repeat", type=int, default=3, help="breakdown repeats (best of)")
    parser.add_argument("--top", type=int, default=35, help="functions to list (default 35)")
    parser.add_argument("--out", type=Path, default=RESULTS / "profile.txt")
    args = parser.parse_args(argv)

    loaded = load_framework(FRAMEWORK_ID)
    compiled = compile_framework(loaded.framework, loaded.findings)
    batch = generate(args.units, args.seed, compiled)
    evaluate_all(compiled, batch[:200])  # warm-up

    table = breakdown(batch, args.repeat)
    print(table, flush=True)
    text, profiler = profile(compiled, batch, args.top)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    header = f"# {args.units} unit-years of {FRAMEWORK_ID}\n\n"
    args.out.write_text(header + table + "\n\n" + text, encoding="utf-8")
    profiler.dump_stats(args.out.with_suffix(".pstats"))
    print(f"written to {args.out} and {args.out.with_suffix('.pstats')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
