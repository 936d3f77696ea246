"""Shared fixtures: every example case evaluated and rendered once per test process."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from jixiao.reports.render import Evaluated, Outputs, evaluate_path, render_case

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CASES = sorted(p.parent.name for p in EXAMPLES.glob("*/case.yaml"))
SELF, REEVAL = EXAMPLES / "liucheng-2021-self", EXAMPLES / "liucheng-2021-reeval"


@dataclass(frozen=True)
class Rendered:
    evaluated: Evaluated
    outputs: Outputs


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    """All examples rendered (.docx, .xlsx, charts; no PDF); the self-evaluation with comparison."""
    out = tmp_path_factory.mktemp("reports")
    found = {}
    for name in CASES:
        compare_with = REEVAL if name == SELF.name else None
        outputs = render_case(EXAMPLES / name, out / name, compare_with=compare_with)
        found[name] = Rendered(evaluate_path(EXAMPLES / name), outputs)
    return found


def need(*programs: str) -> None:
    """Skip the test, naming what is missing, unless every program is installed."""
    missing = [p for p in programs if shutil.which(p) is None]
    if missing:
        pytest.skip(
            f"需要 {'、'.join(missing)}（Debian：apt-get install libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils）"
        )


@pytest.fixture
def no_soffice(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("JIXIAO_SOFFICE", "")
    yield
