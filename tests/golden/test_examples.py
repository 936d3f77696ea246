"""Golden cases: every example case reproduces the figures its seed report prints.

Each ``examples/<case>/expected.yaml`` lists the total, grade, indicator scores, values and
statuses, and the findings (by code and a phrase of the message) that the seed text supports.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from jixiao.cli.evaluate import evaluate_case
from jixiao.engine import Result

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CASES = sorted(p.parent for p in EXAMPLES.glob("*/expected.yaml"))


def _expected(case_dir: Path) -> dict[str, Any]:
    return yaml.safe_load((case_dir / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=CASES, ids=[c.name for c in CASES])
def case(request: pytest.FixtureRequest) -> tuple[Result, dict[str, Any]]:
    return evaluate_case(request.param), _expected(request.param)


def test_every_example_has_expectations() -> None:
    with_case = {p.parent.name for p in EXAMPLES.glob("*/case.yaml")}
    assert with_case == {c.name for c in CASES}
    assert len(CASES) >= 5


def test_total_and_grade(case: tuple[Result, dict[str, Any]]) -> None:
    result, expected = case
    assert result.total == Decimal(str(expected["total"]))
    assert result.grade == expected["grade"]
    if "max" in expected:
        assert result.max == Decimal(str(expected["max"]))


def test_indicators(case: tuple[Result, dict[str, Any]]) -> None:
    result, expected = case
    for key, want in (expected.get("indicators") or {}).items():
        item = result.indicator(key)
        if "score" in want:
            assert item.score == Decimal(str(want["score"])), (key, item.explanation)
        if "max" in want:
            assert item.max == Decimal(str(want["max"])), key
        if "value" in want:
            assert item.value_text == str(want["value"]), (key, item.explanation)
        if "status" in want:
            assert str(item.status) == want["status"], (key, item.explanation)
        for phrase in want.get("explains", []):
            assert phrase in item.explanation, (key, item.explanation)


def test_findings(case: tuple[Result, dict[str, Any]]) -> None:
    result, expected = case
    for want in expected.get("findings") or []:
        matches = [
            f
            for f in result.findings
            if f.code == want["code"] and all(p in f.message for p in want.get("contains", []))
        ]
        assert matches, (want, [f.to_dict() for f in result.findings])
        if "severity" in want:
            assert all(str(f.severity) == want["severity"] for f in matches)


def test_absent_findings(case: tuple[Result, dict[str, Any]]) -> None:
    """Findings the seed text shows must not appear (e.g. no rounding note where figures agree)."""
    result, expected = case
    for code in expected.get("absent_findings") or []:
        assert not [f for f in result.findings if f.code == code], code


def test_no_unexpected_errors(case: tuple[Result, dict[str, Any]]) -> None:
    """Every error finding is one the seed text justifies (listed in expected.yaml)."""
    result, expected = case
    listed = {w["code"] for w in expected.get("findings") or []}
    unexpected = [
        f.to_dict() for f in result.findings if f.severity == "error" and f.code not in listed
    ]
    assert not unexpected
