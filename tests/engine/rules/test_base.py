"""The rule registry, RuleContext rounding, guards and what every rule kind shares."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from jixiao.engine.rules import RULE_KINDS, RuleContext, parse_rule
from jixiao.engine.rules.base import RuleSpec
from tests.engine.rules._support import PROPERTY, D, compiled, contexts, ctx_of, finite

HERE = Path(__file__).parent


def test_every_rule_kind_has_its_own_test_module() -> None:
    assert set(RULE_KINDS) >= {
        "bands",
        "proportional",
        "step_deduction",
        "linear",
        "checklist",
        "judgment",
        "issue_deduction",
        "conditions",
        "target_attainment",
        "composite",
        "given",
    }
    untested = [kind for kind in RULE_KINDS if not (HERE / f"test_{kind}.py").exists()]
    assert not untested


@pytest.mark.parametrize("kind", sorted(RULE_KINDS))
def test_every_kind_is_a_strict_model_with_a_chinese_summary(kind: str) -> None:
    cls = RULE_KINDS[kind]
    assert issubclass(cls, RuleSpec)
    assert cls.summary
    assert any("\u4e00" <= ch <= "\u9fff" for ch in cls.summary)
    assert cls.model_config.get("extra") == "forbid"


def test_unknown_kind_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        parse_rule({"kind": "bandz"})


def test_unknown_parameter_is_rejected() -> None:
    with pytest.raises(ValidationError) as info:
        parse_rule({"kind": "linear", "value": "x", "full_when": "≤100%", "deduct": 1, "pre": "1%"})
    assert info.value.errors()[0]["type"] == "extra_forbidden"


@PROPERTY
@given(ctx=contexts, raw=finite)
def test_round_score_clamps_then_quantizes(ctx: RuleContext, raw: Decimal) -> None:
    score = ctx.round_score(raw)
    assert 0 <= score <= ctx.max_points
    assert score.as_tuple().exponent == -ctx.places


@pytest.mark.parametrize(
    ("raw", "mode", "expected"),
    [
        ("0.905", "half_up", "0.91"),
        ("0.905", "half_even", "0.90"),
        ("0.915", "half_even", "0.92"),
        ("0.909", "down", "0.90"),
        ("-1", "half_up", "0.00"),
        ("7", "half_up", "2.00"),
    ],
)
def test_round_score_examples(raw: str, mode: str, expected: str) -> None:
    assert str(RuleContext("指标", D(2), 2, mode).round_score(D(raw))) == expected


def test_round_score_never_exceeds_fractional_points_at_zero_places() -> None:
    ctx = RuleContext("指标", D("2.5"), 0, "half_up")
    assert ctx.round_score(D("2.5")) <= D("2.5")


HUGE = {"a": D(1000), "b": D("1E-22")}  # 1E+25: more digits than Decimal's default 28


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "proportional", "value": "a / b"},
        {"kind": "bands", "value": "a / b", "bands": [{"when": "其他", "score": 1}]},
        {
            "kind": "step_deduction",
            "value": "a / b",
            "full_when": "≥90%",
            "step": "5%",
            "deduct": 1,
        },
        {"kind": "linear", "value": "a / b", "full_when": "≤100%", "deduct": 1},
        {"kind": "given", "value": "a / b"},
        {
            "kind": "conditions",
            "conditions": [{"when": "a / b > 1", "score": 1}, {"when": "其他", "score": 0}],
        },
    ],
    ids=lambda rule: str(rule["kind"]),
)
def test_a_huge_ratio_never_raises(rule: dict[str, object]) -> None:
    """Regression: rounding 1000/1E-22 at 4 places once raised decimal.InvalidOperation."""
    outcome = compiled(rule, ctx_of(2))(HUGE)
    assert 0 <= outcome.score <= 2


def test_a_huge_attainment_never_raises() -> None:
    target = {"name": "甲", "comparator": "≥", "target": HUGE["b"], "actual": HUGE["a"]}
    outcome = compiled({"kind": "target_attainment"}, ctx_of(2))({"targets": [target]})
    assert outcome.score == D("2.00")


def test_guard_fixes_the_score_and_says_why() -> None:
    rule = {
        "kind": "proportional",
        "value": "a / b",
        "guards": [{"when": "a > b", "score": 0, "text": "实际采购金额大于采购预算"}],
    }
    outcome = compiled(rule, ctx_of(2))({"a": D(3), "b": D(2)})
    assert outcome.score == D("0.00")
    assert "实际采购金额大于采购预算，扣2分，得0分" in outcome.explanation


def test_a_bad_formula_is_rejected_in_chinese() -> None:
    with pytest.raises(ValidationError, match="不允许使用"):
        parse_rule({"kind": "proportional", "value": "open('x')"})


@PROPERTY
@given(kind=st.sampled_from(["bands", "proportional", "step_deduction", "linear"]), x=finite)
def test_metric_rules_display_the_value_as_a_percent(kind: str, x: Decimal) -> None:
    rules = {
        "bands": {"kind": "bands", "value": "x", "bands": [{"when": "其他", "score": 1}]},
        "proportional": {"kind": "proportional", "value": "x"},
        "step_deduction": {
            "kind": "step_deduction",
            "value": "x",
            "full_when": "≥90%",
            "step": "5%",
            "deduct": 1,
        },
        "linear": {"kind": "linear", "value": "x", "full_when": "≤100%", "deduct": 1},
    }
    outcome = compiled(rules[kind], ctx_of(2))({"x": x})
    assert outcome.value_text is not None
    assert outcome.value_text.endswith("%")
    assert "E" not in outcome.value_text
