"""composite: parts scored by their own rules, then summed (or max, min, first available)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from jixiao.engine.result import Status
from jixiao.engine.rules import RuleContext, parse_rule
from tests.engine.rules._support import PROPERTY, D, check, compiled, contexts, ctx_of, finite


def control(fact: str) -> dict[str, object]:
    """Seed 003: 控制率<90%得3分；90%≤控制率≤100%得2分；>100%得0分."""
    return {
        "kind": "bands",
        "value": f"{fact}.actual / {fact}.budget",
        "bands": [
            {"when": "<90%", "score": 3},
            {"when": "[90%,100%]", "score": 2},
            {"when": ">100%", "score": 0},
        ],
    }


PUBLIC_FUNDS = {
    "kind": "composite",
    "parts": [
        {"label": "“三公”经费控制率", "points": 3, "rule": control("three_public")},
        {"label": "日常公用经费控制率", "points": 3, "rule": control("public_funds")},
    ],
}
rising = {"kind": "proportional", "value": "x"}
step = {"kind": "step_deduction", "value": "x", "full_when": "≥90%", "step": "5%", "deduct": 1}
falling = {"kind": "linear", "value": "x", "full_when": "≤100%", "per": "1%", "deduct": "0.5"}
shares = st.sampled_from([D("0.2"), D("0.5"), D("0.6"), D(1)])


def with_points(ctx: RuleContext, points: Decimal) -> RuleContext:
    return RuleContext(ctx.indicator_name, points, ctx.places, ctx.mode, ctx.percent_places)


def split(ctx: RuleContext, share: Decimal, combine: str) -> tuple[Decimal, Decimal]:
    """Part points: summing to the indicator's points for ``sum``, each at most them otherwise."""
    first = ctx.max_points * share
    return (first, ctx.max_points - first) if combine == "sum" else (first, ctx.max_points)


@PROPERTY
@given(
    ctx=contexts,
    combine=st.sampled_from(["sum", "max", "min", "first_available"]),
    share=shares,
    x=st.none() | finite,
    y=st.none() | finite,
)
def test_score_within_bounds_and_quantized(
    ctx: RuleContext, combine: str, share: Decimal, x: Decimal | None, y: Decimal | None
) -> None:
    first, second = split(ctx, share, combine)
    rule = {
        "kind": "composite",
        "combine": combine,
        "parts": [
            {"label": "甲", "points": str(first), "rule": rising},
            {"label": "乙", "points": str(second), "rule": {**falling, "value": "y"}},
        ],
    }
    env = {k: v for k, v in {"x": x, "y": y}.items() if v is not None}
    outcome = check(compiled(rule, ctx)(env), ctx)
    if combine != "first_available" and (x is None or y is None):
        assert outcome.status is Status.MISSING_DATA
    # (first_available with no data at all: see test_first_available_with_no_data_is_missing_data)
    if x is not None and y is not None:
        assert outcome.status is Status.SCORED


@PROPERTY
@given(
    ctx=contexts,
    combine=st.sampled_from(["sum", "max", "min"]),
    share=shares,
    a=finite,
    b=finite,
)
def test_parts_non_decreasing_make_a_non_decreasing_whole(
    ctx: RuleContext, combine: str, share: Decimal, a: Decimal, b: Decimal
) -> None:
    low, high = sorted((a, b))
    first, second = split(ctx, share, combine)
    rule = {
        "kind": "composite",
        "combine": combine,
        "parts": [
            {"label": "甲", "points": str(first), "rule": rising},
            {"label": "乙", "points": str(second), "rule": step},
        ],
    }
    scorer = compiled(rule, ctx)
    assert scorer({"x": low}).score <= scorer({"x": high}).score


@PROPERTY
@given(ctx=contexts, a=finite, b=finite, c=finite, d=finite)
def test_public_funds_never_raises(
    ctx: RuleContext, a: Decimal, b: Decimal, c: Decimal, d: Decimal
) -> None:
    env = {
        "three_public.actual": a,
        "three_public.budget": b,
        "public_funds.actual": c,
        "public_funds.budget": d,
    }
    ctx = with_points(ctx, D(6))
    outcome = check(compiled(PUBLIC_FUNDS, ctx)(env), ctx)
    assert (outcome.status is Status.MISSING_DATA) == (b == 0 or d == 0)


def test_public_funds_two_parts() -> None:
    """“三公”经费6.74/12.16=55.43%<90%得3分；日常公用经费95/100=95%得2分；合计5分."""
    env = {
        "three_public.actual": D("6.74"),
        "three_public.budget": D("12.16"),
        "public_funds.actual": D(95),
        "public_funds.budget": D(100),
    }
    outcome = compiled(PUBLIC_FUNDS, ctx_of(6))(env)
    assert outcome.score == D("5.00")
    assert "“三公”经费控制率（3分）" in outcome.explanation
    assert "6.74/12.16=55.43%" in outcome.explanation
    assert "合计扣1分，得5分" in outcome.explanation


def test_quarterly_execution_parts() -> None:
    """Seed 003 预算执行率: each quarter's progress against 25%/50%/75%/100%, 1 point each."""
    parts = [
        {
            "label": f"{q}季度",
            "points": 1,
            "rule": {
                "kind": "proportional",
                "value": f"execution.progress.m{3 * q}",
                "full_at": f"{25 * q}%",
            },
        }
        for q in (1, 2, 3, 4)
    ]
    env = {
        "execution.progress.m3": D("0.2"),
        "execution.progress.m6": D("0.5"),
        "execution.progress.m9": D("0.7"),
        "execution.progress.m12": D("0.98"),
    }
    outcome = compiled({"kind": "composite", "parts": parts}, ctx_of(4))(env)
    # 0.8 + 1 + 0.9333… → 0.93 + 0.98 = 3.71
    assert outcome.score == D("3.71")


def test_combine_max_min_first_available() -> None:
    parts = [
        {"label": "甲", "points": 2, "rule": rising},
        {"label": "乙", "points": 2, "rule": {**rising, "value": "y"}},
    ]
    env = {"x": D("0.5"), "y": D("0.75")}
    assert compiled({"kind": "composite", "combine": "max", "parts": parts}, ctx_of(2))(
        env
    ).score == D("1.50")
    assert compiled({"kind": "composite", "combine": "min", "parts": parts}, ctx_of(2))(
        env
    ).score == D("1.00")
    first = compiled({"kind": "composite", "combine": "first_available", "parts": parts}, ctx_of(2))
    assert first({"y": D("0.75")}).score == D("1.50")
    assert first({"x": D("0.5"), "y": D("0.75")}).score == D("1.00")


def test_first_available_with_no_data_is_missing_data() -> None:
    parts = [
        {"label": "甲", "points": 2, "rule": rising},
        {"label": "乙", "points": 2, "rule": {**rising, "value": "y"}},
    ]
    first = compiled({"kind": "composite", "combine": "first_available", "parts": parts}, ctx_of(2))
    outcome = first({})
    assert outcome.status is Status.MISSING_DATA
    assert set(outcome.missing) == {"x", "y"}


def test_parts_that_do_not_add_up_to_the_points_are_rejected() -> None:
    parts = [
        {"label": "甲", "points": 3, "rule": rising},
        {"label": "乙", "points": 3, "rule": rising},
    ]
    with pytest.raises(ValueError, match="各部分分值合计6分，与指标分值4分不一致"):
        compiled({"kind": "composite", "parts": parts}, ctx_of(4))
    # max/min/first_available pick one part's score, so their parts need not add up.
    best = compiled({"kind": "composite", "combine": "max", "parts": parts}, ctx_of(3))
    assert best({"x": D(1)}).score == D("3.00")


def test_missing_part_names_the_fact() -> None:
    outcome = compiled(PUBLIC_FUNDS, ctx_of(6))(
        {"three_public.actual": D(1), "three_public.budget": D(2)}
    )
    assert outcome.status is Status.MISSING_DATA
    assert set(outcome.missing) == {"public_funds.actual", "public_funds.budget"}


def test_part_rule_is_validated() -> None:
    with pytest.raises((ValidationError, KeyError)):
        parse_rule(
            {
                "kind": "composite",
                "parts": [{"label": "甲", "points": 1, "rule": {"kind": "bandz"}}],
            }
        )
