"""conditions: ordered conditions over facts, the first that holds gives the score."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from jixiao.engine.result import Status
from jixiao.engine.rules import RuleContext, parse_rule
from tests.engine.rules._support import PROPERTY, D, check, compiled, contexts, ctx_of, finite

CARRY_OVER = {
    "kind": "conditions",
    "conditions": [
        {"when": "carry_over.current == 0", "score": 3, "text": "无结余"},
        {"when": "carry_over.current <= carry_over.prior", "score": 2, "text": "不超过上年结转"},
        {"when": "其他", "score": 0},
    ],
}
# Seed 003: 编外人员控制率 <5%得1分；5%≤比率≤10%得0.5分；>10%得0分.
OUTSIDE_STAFF = {
    "kind": "conditions",
    "conditions": [
        {"when": "staffing.outside / staffing.authorized < 5%", "score": 1},
        {"when": "staffing.outside / staffing.authorized <= 10%", "score": "0.5"},
        {"when": "else", "score": 0},
    ],
}


@st.composite
def ladders(draw: st.DrawFn) -> dict[str, object]:
    """``x ≥ t1 → s1; x ≥ t2 → s2; …; 其他 → s0`` with t and s both descending."""
    cuts = sorted(
        draw(
            st.lists(
                st.decimals(min_value=-5, max_value=5, places=2),
                min_size=1,
                max_size=5,
                unique=True,
            )
        ),
        reverse=True,
    )
    scores = sorted(
        draw(
            st.lists(
                st.decimals(min_value=0, max_value=40, places=1),
                min_size=len(cuts) + 1,
                max_size=len(cuts) + 1,
            )
        ),
        reverse=True,
    )
    conditions = [
        {"when": f"x >= {format(c, 'f')}", "score": str(s)}
        for c, s in zip(cuts, scores, strict=False)
    ]
    conditions.append({"when": "其他", "score": str(scores[-1])})
    return {"kind": "conditions", "conditions": conditions}


@PROPERTY
@given(rule=ladders(), ctx=contexts, a=finite, b=finite)
def test_ladder_within_bounds_quantized_and_monotonic(
    rule: dict[str, object], ctx: RuleContext, a: Decimal, b: Decimal
) -> None:
    low, high = sorted((a, b))
    scorer = compiled(rule, ctx)
    assert check(scorer({"x": low}), ctx).score <= check(scorer({"x": high}), ctx).score


@PROPERTY
@given(ctx=contexts, current=st.none() | finite, prior=st.none() | finite)
def test_any_facts_never_raise(
    ctx: RuleContext, current: Decimal | None, prior: Decimal | None
) -> None:
    env = {
        k: v
        for k, v in {"carry_over.current": current, "carry_over.prior": prior}.items()
        if v is not None
    }
    outcome = check(compiled(CARRY_OVER, ctx)(env), ctx)
    if current is None:
        assert outcome.status is Status.MISSING_DATA


@PROPERTY
@given(ctx=contexts, outside=finite, authorized=finite)
def test_ratio_conditions_never_raise(
    ctx: RuleContext, outside: Decimal, authorized: Decimal
) -> None:
    outcome = check(
        compiled(OUTSIDE_STAFF, ctx)(
            {"staffing.outside": outside, "staffing.authorized": authorized}
        ),
        ctx,
    )
    assert (outcome.status is Status.MISSING_DATA) == (authorized == 0)


def test_first_condition_that_holds_wins() -> None:
    scorer = compiled(CARRY_OVER, ctx_of(3))
    assert scorer({"carry_over.current": D(0), "carry_over.prior": D("587.78")}).score == D(3)
    partial = scorer({"carry_over.current": D(100), "carry_over.prior": D("587.78")})
    assert partial.score == D(2)
    assert "不超过上年结转" in partial.explanation
    other = scorer({"carry_over.current": D(600), "carry_over.prior": D("587.78")})
    assert other.score == D(0)
    assert "以上条件均不成立" in other.explanation


@pytest.mark.parametrize(("outside", "score"), [(1, "1"), (2, "0.5"), (3, "0.5"), (4, "0")])
def test_outside_staff_control_rate(outside: int, score: str) -> None:
    """编制30人：编外1人3.33%<5%得1分；2人6.67%、3人10%得0.5分；4人13.33%>10%得0分."""
    outcome = compiled(OUTSIDE_STAFF, ctx_of(1))(
        {"staffing.outside": D(outside), "staffing.authorized": D(30)}
    )
    assert outcome.score == D(score)


def test_explanation_renders_the_figures_when_no_text() -> None:
    outcome = compiled(OUTSIDE_STAFF, ctx_of(1))(
        {"staffing.outside": D(1), "staffing.authorized": D(30)}
    )
    assert "1/30<5%" in outcome.explanation


def test_missing_fact_names_it() -> None:
    outcome = compiled(OUTSIDE_STAFF, ctx_of(1))({"staffing.outside": D(1)})
    assert outcome.status is Status.MISSING_DATA
    assert outcome.missing == ("staffing.authorized",)


def test_must_end_with_otherwise() -> None:
    with pytest.raises(ValidationError, match="最后一项须为「其他」"):
        parse_rule({"kind": "conditions", "conditions": [{"when": "x > 1", "score": 1}]})


def test_disallowed_expression_rejected() -> None:
    with pytest.raises(ValidationError, match="不允许使用"):
        parse_rule(
            {
                "kind": "conditions",
                "conditions": [
                    {"when": "__import__('os')", "score": 1},
                    {"when": "其他", "score": 0},
                ],
            }
        )
