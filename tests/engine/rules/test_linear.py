"""linear: full marks inside an interval, points off in proportion to the distance outside it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from jixiao.engine.intervals import parse_interval
from jixiao.engine.rules import RuleContext, parse_rule
from tests.engine.rules._support import PROPERTY, D, check, compiled, contexts, ctx_of, finite

pers = st.sampled_from(["1%", "5%", "0.01", "0.5", "10"])
deducts = st.sampled_from(["0.5", "1", "0.25", "3"])
full_whens = st.sampled_from(["≤100%", "≥90%", "[95%,105%]", "<0", "=1"])


def rule(full_when: str, per: str = "1%", deduct: str = "0.5") -> dict[str, object]:
    return {"kind": "linear", "value": "x", "full_when": full_when, "per": per, "deduct": deduct}


@PROPERTY
@given(ctx=contexts, full_when=full_whens, per=pers, deduct=deducts, x=finite)
def test_score_within_bounds_quantized_and_the_formula(
    ctx: RuleContext, full_when: str, per: str, deduct: str, x: Decimal
) -> None:
    outcome = check(compiled(rule(full_when, per, deduct), ctx)({"x": x}), ctx)
    spec = parse_rule(rule(full_when, per, deduct))
    assert outcome.value is not None
    distance = parse_interval(full_when).distance(outcome.value)
    lost = distance / spec.per * spec.deduct  # type: ignore[attr-defined]
    assert outcome.score == ctx.round_score(ctx.max_points - lost)


@PROPERTY
@given(ctx=contexts, per=pers, deduct=deducts, a=finite, b=finite)
def test_at_most_100_percent_is_non_increasing(
    ctx: RuleContext, per: str, deduct: str, a: Decimal, b: Decimal
) -> None:
    low, high = sorted((a, b))
    scorer = compiled(rule("≤100%", per, deduct), ctx)
    assert scorer({"x": low}).score >= scorer({"x": high}).score


@PROPERTY
@given(ctx=contexts, per=pers, deduct=deducts, a=finite, b=finite)
def test_at_least_90_percent_is_non_decreasing(
    ctx: RuleContext, per: str, deduct: str, a: Decimal, b: Decimal
) -> None:
    low, high = sorted((a, b))
    scorer = compiled(rule("≥90%", per, deduct), ctx)
    assert scorer({"x": low}).score <= scorer({"x": high}).score


@pytest.mark.parametrize(
    ("x", "score"),
    [
        ("1", "5.00"),
        ("0.5", "5.00"),
        ("1.01", "4.50"),
        ("1.035", "3.25"),
        ("1.1", "0.00"),
        ("3", "0.00"),
    ],
)
def test_per_percentage_point_deduct_half_a_point(x: str, score: str) -> None:
    """“每超过1个百分点扣0.5分，扣完为止”, 5 points."""
    outcome = compiled(rule("≤100%"), ctx_of(5))({"x": D(x)})
    assert outcome.score == D(score)


def test_explanation_names_the_distance_and_the_rate() -> None:
    outcome = compiled(rule("≤100%"), ctx_of(5))({"x": D("1.035")})
    assert "3.5个百分点" in outcome.explanation
    assert "每1%扣0.5分" in outcome.explanation
    assert "扣1.75分，得3.25分" in outcome.explanation


def test_deducted_to_nothing_says_so() -> None:
    outcome = compiled(rule("≤100%"), ctx_of(5))({"x": D(2)})
    assert outcome.score == 0
    assert "扣完为止" in outcome.explanation


def test_number_display() -> None:
    count = {**rule("≤10", "1", "0.5"), "display": "number", "label": "超编人数"}
    outcome = compiled(count, ctx_of(2))({"x": D(12)})
    assert outcome.score == D("1.00")
    assert outcome.value_text == "12"
    assert "超编人数=12" in outcome.explanation


def test_per_must_be_positive() -> None:
    with pytest.raises(ValidationError, match="扣分单位必须大于0"):
        parse_rule(rule("≤100%", "0"))
