"""judgment: the evaluator picks a level worth fixed points or a range."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from jixiao.engine.result import Status
from jixiao.engine.rules import RuleContext, parse_rule
from tests.engine.rules._support import PROPERTY, D, check, compiled, contexts, ctx_of, finite

CLARITY = {
    "kind": "judgment",
    "fact": "judgments.indicator_clarity",
    "levels": [
        {"level": "明确", "score": 2},
        {"level": "较明确", "score": 1},
        {"level": "不明确", "score": 0},
    ],
}
RANGED = {
    "kind": "judgment",
    "fact": "j",
    "levels": [
        {"level": "好", "range": [8, 10]},
        {"level": "中", "range": ["5", "7.5"]},
        {"level": "差", "score": 0},
    ],
}


@PROPERTY
@given(
    ctx=contexts,
    answer=st.one_of(
        st.sampled_from(["明确", "较明确", "不明确", "很明确", "", "好", "中", "差"]),
        st.fixed_dictionaries(
            {"level": st.sampled_from(["好", "中", "差", "优"]), "score": finite}
        ),
        st.fixed_dictionaries({"level": st.sampled_from(["好", "中"])}),
        finite,
    ),
    rule=st.sampled_from([CLARITY, RANGED]),
)
def test_score_within_bounds_and_quantized(
    ctx: RuleContext, answer: object, rule: dict[str, object]
) -> None:
    fact = "judgments.indicator_clarity" if rule is CLARITY else "j"
    check(compiled(rule, ctx)({fact: answer}), ctx)


@PROPERTY
@given(ctx=contexts, given_score=st.decimals(min_value=8, max_value=10, places=2))
def test_a_score_in_the_range_is_kept(ctx: RuleContext, given_score: Decimal) -> None:
    outcome = check(compiled(RANGED, ctx)({"j": {"level": "好", "score": given_score}}), ctx)
    assert outcome.status is Status.SCORED
    assert outcome.score == ctx.round_score(given_score)


def test_indicator_clarity_somewhat_clear() -> None:
    """柳城县：绩效指标明确性“较明确”，得1分."""
    outcome = compiled(CLARITY, ctx_of(2))({"judgments.indicator_clarity": "较明确"})
    assert outcome.score == D("1.00")
    assert outcome.value_text == "较明确"
    assert "判定为「较明确」" in outcome.explanation
    assert "明确2分/较明确1分/不明确0分" in outcome.explanation
    assert "扣1分，得1分" in outcome.explanation


def test_unknown_level_is_missing_data_listing_the_scale() -> None:
    outcome = compiled(CLARITY, ctx_of(2))({"judgments.indicator_clarity": "很明确"})
    assert outcome.status is Status.MISSING_DATA
    assert "不在可选等级" in outcome.explanation
    assert outcome.missing == ("judgments.indicator_clarity",)


def test_range_level_needs_a_score_within_it() -> None:
    scorer = compiled(RANGED, ctx_of(10))
    assert scorer({"j": {"level": "中", "score": "6.5"}}).score == D("6.50")
    assert "须同时给出具体得分" in scorer({"j": "中"}).explanation
    outside = scorer({"j": {"level": "中", "score": 9}})
    assert outside.status is Status.MISSING_DATA
    assert "不在「中5-7.5分」区间内" in outside.explanation


def test_level_needs_score_or_range() -> None:
    with pytest.raises(ValidationError, match="须给出 score（固定分）或 range"):
        parse_rule({"kind": "judgment", "fact": "j", "levels": [{"level": "好"}]})
    with pytest.raises(ValidationError, match="区间下限大于上限"):
        parse_rule({"kind": "judgment", "fact": "j", "levels": [{"level": "好", "range": [3, 1]}]})
