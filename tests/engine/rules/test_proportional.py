"""proportional: 得分=比率/满分比率×分值 (reverse: 满分比率/比率), capped at the points."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.engine.result import Status
from jixiao.engine.rules import RuleContext, parse_rule
from tests.engine.rules._support import PROPERTY, D, check, compiled, contexts, ctx_of, finite

PROCUREMENT = {
    "kind": "proportional",
    "value": "procurement.actual / procurement.budget",
    "label": "政府采购执行率",
    "guards": [{"when": "procurement.actual > procurement.budget", "score": 0}],
}
full_ats = st.sampled_from([D(1), D("0.9"), D("1.2"), D("0.25"), D(3)])


ONE = D(1)


def rule(full_at: Decimal = ONE, direction: str = "positive") -> dict[str, object]:
    return {"kind": "proportional", "value": "x", "full_at": str(full_at), "direction": direction}


@PROPERTY
@given(ctx=contexts, full_at=full_ats, direction=st.sampled_from(["positive", "reverse"]), x=finite)
def test_score_within_bounds_and_quantized(
    ctx: RuleContext, full_at: Decimal, direction: str, x: Decimal
) -> None:
    check(compiled(rule(full_at, direction), ctx)({"x": x}), ctx)


@PROPERTY
@given(ctx=contexts, full_at=full_ats, x=finite)
def test_positive_score_is_the_formula(ctx: RuleContext, full_at: Decimal, x: Decimal) -> None:
    outcome = compiled(rule(full_at), ctx)({"x": x})
    assert outcome.value is not None
    assert outcome.score == ctx.round_score(ctx.max_points * outcome.value / full_at)


@PROPERTY
@given(ctx=contexts, full_at=full_ats, a=finite, b=finite)
def test_positive_is_non_decreasing(
    ctx: RuleContext, full_at: Decimal, a: Decimal, b: Decimal
) -> None:
    low, high = sorted((a, b))
    scorer = compiled(rule(full_at), ctx)
    assert scorer({"x": low}).score <= scorer({"x": high}).score


@PROPERTY
@given(ctx=contexts, full_at=full_ats, a=finite, b=finite)
def test_reverse_is_non_increasing_for_positive_values(
    ctx: RuleContext, full_at: Decimal, a: Decimal, b: Decimal
) -> None:
    low, high = sorted((abs(a) + D("0.0001"), abs(b) + D("0.0001")))
    scorer = compiled(rule(full_at, "reverse"), ctx)
    assert scorer({"x": low}).score >= scorer({"x": high}).score


@PROPERTY
@given(ctx=contexts, actual=finite, budget=finite)
def test_guarded_procurement_never_raises(
    ctx: RuleContext, actual: Decimal, budget: Decimal
) -> None:
    outcome = check(
        compiled(PROCUREMENT, ctx)({"procurement.actual": actual, "procurement.budget": budget}),
        ctx,
    )
    if budget != 0 and actual > budget:
        assert outcome.score == 0


# --- the seeds' figures ----------------------------------------------------------------------


def test_procurement_over_budget_scores_zero() -> None:
    """Seed 003: 实际采购1973.09万元 > 年初预算1791.71万元，“如实际采购金额大于采购预算，本项得0分”."""
    outcome = compiled(PROCUREMENT, ctx_of(2))(
        {"procurement.actual": D("1973.09"), "procurement.budget": D("1791.71")}
    )
    assert outcome.score == D("0.00")
    assert outcome.status is Status.SCORED
    assert outcome.value_text == "110.12%"
    assert "1973.09/1791.71=110.12%" in outcome.explanation
    assert "1973.09>1791.71" in outcome.explanation


def test_procurement_formula_rate_times_points() -> None:
    """The other way round, 1791.71/1973.09=90.81%, ×2分=1.82分 (the seed's self-assessed 1.82)."""
    outcome = compiled(PROCUREMENT, ctx_of(2))(
        {"procurement.actual": D("1791.71"), "procurement.budget": D("1973.09")}
    )
    assert outcome.score == D("1.82")
    assert "1791.71/1973.09=90.81%" in outcome.explanation
    assert "90.81%×2=1.82分" in outcome.explanation


@pytest.mark.parametrize(
    ("mode", "score"), [("half_up", "0.91"), ("half_even", "0.90"), ("down", "0.90")]
)
def test_rounding_of_the_score(mode: str, score: str) -> None:
    """90.5% of 1 point is 0.905: 四舍五入 gives 0.91; half_even and down give 0.90."""
    outcome = compiled(rule(), ctx_of(1, 2, mode))({"x": D("0.905")})
    assert outcome.score == D(score)
    assert str(outcome.score) == score


def test_quarterly_progress_against_the_schedule() -> None:
    """Seed 003: 一季度得分=(一季度支出进度/序时进度25%)×1分."""
    quarter = {"kind": "proportional", "value": "execution.progress.m3", "full_at": "25%"}
    scorer = compiled(quarter, ctx_of(1))
    assert scorer({"execution.progress.m3": D("0.2")}).score == D("0.80")
    assert scorer({"execution.progress.m3": D("0.3")}).score == D("1.00")
    assert "（不超过分值）" in scorer({"execution.progress.m3": D("0.3")}).explanation


def test_reverse_direction() -> None:
    reverse = rule(D(1), "reverse")
    scorer = compiled(reverse, ctx_of(4))
    assert scorer({"x": D("1.25")}).score == D("3.20")  # 100%/125%×4
    assert scorer({"x": D("0.8")}).score == D("4.00")
    assert scorer({"x": D(0)}).score == D("4.00")
    assert "视为完全达成" in scorer({"x": D(0)}).explanation


def test_zero_denominator_is_missing_data_not_an_error() -> None:
    outcome = compiled(PROCUREMENT, ctx_of(2))(
        {"procurement.actual": D(5), "procurement.budget": D(0)}
    )
    assert outcome.status is Status.MISSING_DATA
    assert outcome.score == 0
    assert "分母为0" in outcome.explanation


def test_full_at_zero_is_rejected() -> None:
    with pytest.raises(ValueError, match="大于0"):
        parse_rule({"kind": "proportional", "value": "x", "full_at": 0})
