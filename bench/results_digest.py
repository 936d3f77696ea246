"""A fingerprint of every result for the synthetic unit-years: did a speed change alter output?

    .venv/bin/python bench/results_digest.py              # 3,000 unit-years
    .venv/bin/python bench/results_digest.py --units 20000

Prints the SHA-256 of every ``Result.to_dict()`` (scores, values, explanations, findings) in
order. Run it on the commit before and after an engine change: the two must print the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json

from jixiao.engine import compile_framework, evaluate_many
from jixiao.frameworks import load_framework
from synthetic import DEFAULT_SEED, FRAMEWORK_ID, generate


def digest(units: int, seed: int) -> str:
    loaded = load_framework(FRAMEWORK_ID)
    compiled = compile_framework(loaded.framework, loaded.findings)
    fingerprint = hashlib.sha256()
    for result in evaluate_many(compiled, generate(units, seed, compiled)):
        text = json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True)
        fingerprint.update(text.encode())
    return fingerprint.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    print(digest(args.units, args.seed))


if __name__ == "__main__":
    main()
