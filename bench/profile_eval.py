"""Profile batch evaluation with cProfile: where does ``evaluate`` spend its time?

    .venv/bin/python bench/profile_eval.py               # 2,000 unit-years
    .venv/bin/python bench/profile_eval.py --units 5000 --top 40

Same framework and synthetic unit-years as ``run.py``; generation happens before profiling.
Writes ``bench/results/profile.txt`` (top functions by own time and by cumulative time) and
``bench/results/profile.pstats`` (open with ``python -m pstats`` or snakeviz).
cProfile roughly doubles the run time; read the shares, not the absolute figures.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from pathlib import Path

from jixiao.engine import compile_framework
from jixiao.frameworks import load_framework
from run import RESULTS, evaluate_all
from synthetic import DEFAULT_SEED, FRAMEWORK_ID, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--top", type=int, default=35, help="functions to list (default 35)")
    parser.add_argument("--out", type=Path, default=RESULTS / "profile.txt")
    args = parser.parse_args(argv)

    loaded = load_framework(FRAMEWORK_ID)
    compiled = compile_framework(loaded.framework, loaded.findings)
    batch = generate(args.units, args.seed, compiled)
    evaluate_all(compiled, batch[:200])  # warm-up

    profiler = cProfile.Profile()
    profiler.enable()
    evaluate_all(compiled, batch)
    profiler.disable()

    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer).strip_dirs()
    buffer.write(f"# {args.units} unit-years of {FRAMEWORK_ID}\n\n## by own time (tottime)\n")
    stats.sort_stats("tottime").print_stats(args.top)
    buffer.write("\n## by cumulative time\n")
    stats.sort_stats("cumulative").print_stats(args.top)
    text = buffer.getvalue()
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    profiler.dump_stats(args.out.with_suffix(".pstats"))
    print(f"written to {args.out} and {args.out.with_suffix('.pstats')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
