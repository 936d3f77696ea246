"""Self-evaluation vs review: full marks deducted, total gap, all-full-marks units."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from jixiao.checks.variance import all_full_marks, compare_results, match_indicators
from jixiao.cli import app
from jixiao.cli.evaluate import evaluate_case
from jixiao.engine.result import IndicatorResult, Result, Severity, Status
from tests.checks.conftest import REPO

SELF = REPO / "examples" / "liucheng-2021-self"
REVIEW = REPO / "examples" / "liucheng-2021-reeval"


def _item(code: str, name: str, max_: str, score: str, leaf: bool = True) -> IndicatorResult:
    path = tuple(code.split("."))
    return IndicatorResult(
        code, name, path, len(path), Decimal(max_), Decimal(score), Status.SCORED, "", is_leaf=leaf
    )


def _result(total: str, grade: str, items: list[IndicatorResult], unit: str = "甲局") -> Result:
    return Result("f", "框架", unit, 2021, Decimal(total), Decimal(100), grade, items)


def test_same_framework_matches_by_code() -> None:
    own = _result(
        "100", "优", [_item("a", "预算执行率", "40", "40"), _item("b", "满意度", "60", "60")]
    )
    review = _result(
        "88", "良", [_item("a", "预算执行率", "40", "30"), _item("b", "满意度", "60", "58")]
    )
    variance = compare_results(own, review)
    assert variance.gap == Decimal(12)
    assert [p.matched_by for p in variance.pairs] == ["code", "code"]
    codes = [f.code for f in variance.findings]
    assert codes.count("variance.full_marks_deducted") == 2
    assert "variance.total_gap" in codes
    assert "variance.all_full_marks" in codes  # every self-score is full marks


def test_small_gap_is_information_only() -> None:
    own = _result("96", "优", [_item("a", "甲", "50", "48"), _item("b", "乙", "50", "48")])
    review = _result("95", "优", [_item("a", "甲", "50", "47"), _item("b", "乙", "50", "48")])
    variance = compare_results(own, review)
    assert [(f.code, f.severity) for f in variance.findings] == [
        ("variance.total_gap", Severity.INFO)
    ]


def test_explicit_mapping_wins() -> None:
    own = _result("10", "差", [_item("x", "资金到位", "10", "10")])
    review = _result(
        "5", "差", [_item("y", "资金到位率", "10", "5"), _item("z", "资金到位及时性", "10", "5")]
    )
    assert match_indicators(own, review) == []  # 资金到位 is in both names: ambiguous
    pairs = match_indicators(own, review, {"x": "z"})
    assert [(p.own.code, p.review.code, p.matched_by) for p in pairs] == [("x", "z", "mapping")]


def test_all_full_marks_over_many_units() -> None:
    full = _result("100", "优", [_item("a", "甲", "100", "100")], unit="甲局")
    partial = _result("90", "优", [_item("a", "甲", "100", "90")], unit="乙局")
    findings = all_full_marks([full, partial])
    assert [f.where for f in findings] == ["甲局"]


@pytest.mark.skipif(not SELF.exists() or not REVIEW.exists(), reason="柳城案例不存在")
def test_liucheng_self_98_vs_reevaluation_85_5() -> None:
    own, review = evaluate_case(SELF), evaluate_case(REVIEW)
    variance = compare_results(own, review)
    assert (variance.self_total, variance.review_total, variance.gap) == (
        Decimal(98),
        Decimal("85.5"),
        Decimal("12.5"),
    )
    deducted = {f.where for f in variance.findings if f.code == "variance.full_marks_deducted"}
    # full marks in the self-evaluation, deducted by the re-evaluator (seed 004 七（六）)
    for name in ("数量指标", "质量指标", "时效指标", "成本指标"):
        assert f"产出/履职尽责/{name}" in deducted
    assert not any(f.code == "variance.all_full_marks" for f in variance.findings)
    gap = next(f for f in variance.findings if f.code == "variance.total_gap")
    assert "优" in gap.message and "良" in gap.message and "12.5" in gap.message


@pytest.mark.skipif(not SELF.exists() or not REVIEW.exists(), reason="柳城案例不存在")
def test_variance_command() -> None:
    result = CliRunner().invoke(app, ["variance", str(SELF), str(REVIEW), "--format", "json"])
    assert result.exit_code == 0  # warnings only
    data = json.loads(result.output)
    assert data["gap"] == "12.50"
    assert any(p["review"]["name"] == "数量指标" for p in data["pairs"])
