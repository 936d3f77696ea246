"""target_attainment: 绩效指标 targets met in proportion (正向/反向) or by qualitative tier."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from jixiao.engine.result import Status
from jixiao.engine.rules import RuleContext
from tests.engine.rules._support import PROPERTY, D, check, compiled, contexts, ctx_of, finite

RULE = {"kind": "target_attainment"}
positive_goals = st.decimals(min_value=D("0.01"), max_value=1000, places=2)

quantitative = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["甲", "乙", "丙"]),
        "comparator": st.sampled_from(["≥", "≤", "=", ">", "<"]),
        "target": finite,
        "actual": finite,
    },
    optional={
        "polarity": st.sampled_from(["正向", "反向"]),
        "points": st.sampled_from(["1", "2.5", "0"]),
        "category": st.sampled_from(["数量指标", "质量指标"]),
    },
)
qualitative = st.fixed_dictionaries(
    {"name": st.just("定性指标"), "comparator": st.sampled_from(["定性", ""])},
    optional={
        "tier": st.sampled_from(["达成", "部分达成", "未达成", "优秀"]),
        "share": st.sampled_from([D("0.7"), D("0.9"), D("0.5"), D(1)]),
    },
)
targets = st.lists(st.one_of(quantitative, qualitative), min_size=1, max_size=6)


@PROPERTY
@given(
    ctx=contexts,
    chosen=targets,
    mode=st.sampled_from(["proportional", "deduct_per_miss"]),
    category=st.sampled_from([[], ["数量指标"]]),
)
def test_score_within_bounds_and_quantized(
    ctx: RuleContext, chosen: list[dict[str, Any]], mode: str, category: list[str]
) -> None:
    rule = {**RULE, "mode": mode, "category": category, "deduct": "0.5"}
    check(compiled(rule, ctx)({"targets": chosen}), ctx)


@PROPERTY
@given(
    ctx=contexts, goal=positive_goals, a=finite, b=finite, others=st.lists(quantitative, max_size=3)
)
def test_positive_target_is_non_decreasing_in_the_actual(
    ctx: RuleContext, goal: Decimal, a: Decimal, b: Decimal, others: list[dict[str, Any]]
) -> None:
    low, high = sorted((a, b))
    scorer = compiled(RULE, ctx)

    def score(actual: Decimal) -> Decimal:
        target = {"name": "变动", "comparator": "≥", "target": goal, "actual": actual}
        return check(scorer({"targets": [target, *others]}), ctx).score

    assert score(low) <= score(high)


@PROPERTY
@given(ctx=contexts, goal=positive_goals, a=finite, b=finite)
def test_reverse_target_is_non_increasing_in_the_actual(
    ctx: RuleContext, goal: Decimal, a: Decimal, b: Decimal
) -> None:
    low, high = sorted((a, b))
    scorer = compiled(RULE, ctx)

    def score(actual: Decimal) -> Decimal:
        target = {"name": "成本", "comparator": "≤", "target": goal, "actual": actual}
        return check(scorer({"targets": [target]}), ctx).score

    assert score(low) >= score(high)


@PROPERTY
@given(ctx=contexts, goal=positive_goals, actual=finite)
def test_single_positive_target_share_is_capped(
    ctx: RuleContext, goal: Decimal, actual: Decimal
) -> None:
    target = {"name": "数量", "comparator": "≥", "target": goal, "actual": actual}
    outcome = compiled(RULE, ctx)({"targets": [target]})
    assert outcome.score == ctx.round_score(ctx.max_points * min(actual / goal, D(1)))


# --- examples -----------------------------------------------------------------------------------


def test_satisfaction_target_met() -> None:
    """柳城县：群众对应急救援工作满意度≥90%，实际95%，达成."""
    target = {"name": "群众满意度", "comparator": "≥", "target": D("0.9"), "actual": D("0.95")}
    outcome = compiled(RULE, ctx_of(4))({"targets": [target]})
    assert outcome.score == D("4.00")
    assert outcome.value_text == "1/1项达成"
    assert "完成度=105.56%" in outcome.explanation


def test_partial_attainment_in_proportion() -> None:
    targets = [
        {"name": "培训人次", "comparator": "≥", "target": D(200), "actual": D(150), "unit": "人次"},
        {"name": "检查次数", "comparator": "≥", "target": D(4), "actual": D(4)},
    ]
    outcome = compiled(RULE, ctx_of(10))({"targets": targets})
    assert outcome.score == D("8.75")  # 5×75% + 5×100%
    assert "「培训人次」目标≥200人次，实际150人次，完成度=75%（未达成）" in outcome.explanation
    assert outcome.value_text == "1/2项达成"


def test_reverse_target_by_comparator() -> None:
    """成本指标≤10万元，实际12.5万元：完成度=10/12.5=80%."""
    target = {"name": "成本", "comparator": "≤", "target": D(10), "actual": D("12.5")}
    outcome = compiled(RULE, ctx_of(5))({"targets": [target]})
    assert outcome.score == D("4.00")
    assert "完成度=10/12.5=80%" in outcome.explanation


def test_deduct_per_miss() -> None:
    """004: 对比绩效目标表，每有一处不达标的扣0.5分."""
    targets = [
        {"name": "甲", "comparator": "≥", "target": D(10), "actual": D(9)},
        {"name": "乙", "comparator": "≥", "target": D(10), "actual": D(10)},
        {"name": "丙", "comparator": "定性", "tier": "部分达成"},
    ]
    rule = {**RULE, "mode": "deduct_per_miss", "deduct": "0.5"}
    outcome = compiled(rule, ctx_of(5))({"targets": targets})
    assert outcome.score == D("4.00")


def test_qualitative_tiers_of_the_10_hao_document() -> None:
    targets = [{"name": "社会效益", "comparator": "定性", "tier": "部分达成", "share": D("0.7")}]
    outcome = compiled(RULE, ctx_of(10))({"targets": targets})
    assert outcome.score == D("7.00")
    assert "定性判定为「部分达成」，按70%计分" in outcome.explanation
    out_of_range = [
        {"name": "社会效益", "comparator": "定性", "tier": "部分达成", "share": D("0.9")}
    ]
    bad = compiled(RULE, ctx_of(10))({"targets": out_of_range})
    assert bad.status is Status.MISSING_DATA
    assert "不在「部分达成」的区间内" in bad.explanation


def test_qualitative_without_a_tier_is_missing_data() -> None:
    targets = [{"name": "群众满意", "comparator": "定性"}]
    outcome = compiled(RULE, ctx_of(4))({"targets": targets})
    assert outcome.status is Status.MISSING_DATA
    assert "缺少达成等级" in outcome.explanation


def test_target_set_too_low_is_noted() -> None:
    target = {"name": "宣传次数", "comparator": "≥", "target": D(10), "actual": D(20)}
    outcome = compiled(RULE, ctx_of(4))({"targets": [target]})
    assert outcome.score == D("4.00")
    assert any("目标可能设定偏低" in n for n in outcome.notes)


def test_category_filter_without_match_is_missing_data() -> None:
    target = {
        "name": "甲",
        "category": "数量指标",
        "comparator": "≥",
        "target": D(1),
        "actual": D(1),
    }
    outcome = compiled({**RULE, "category": ["质量指标"]}, ctx_of(4))({"targets": [target]})
    assert outcome.status is Status.MISSING_DATA
    assert "没有可评价的指标" in outcome.explanation


def test_a_missed_target_never_costs_other_targets_points() -> None:
    """Regression: a negative actual (增长率 ≥5%, actual -2%) earned a negative share, 3 instead of 5."""
    targets = [
        {"name": "检查次数", "comparator": "≥", "target": D(100), "actual": D(100)},
        {"name": "增长率", "comparator": "≥", "target": D("0.05"), "actual": D("-0.02")},
    ]
    outcome = compiled(RULE, ctx_of(10))({"targets": targets})
    assert outcome.score == D("5.00")  # engine: 3.00 = 5×100% + 5×(-40%)
