"""Shared strategies and checks for the rule-kind tests."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from jixiao.engine.result import Status
from jixiao.engine.rules import RuleContext, parse_rule
from jixiao.engine.rules.base import Outcome, RuleSpec, Scorer

D = Decimal

PROPERTY = settings(max_examples=100, deadline=None)
"""Enough examples to find edge cases while the engine suite stays well under a minute."""

# Amounts and rates as a unit-year's facts carry them: at most 4 decimals, within ±1e8.
LIMIT = D(10) ** 8
plain = st.decimals(
    min_value=-LIMIT, max_value=LIMIT, allow_nan=False, allow_infinity=False, places=4
)
small = st.decimals(
    min_value=D(-3), max_value=D(3), allow_nan=False, allow_infinity=False, places=4
)
edges = st.sampled_from(
    [D(0), D("0.0000"), D(-1), D(1), D("0.05"), D("0.9"), D("0.95"), D("1.05"), D("1.2")]
)
finite = st.one_of(edges, small, plain)
"""Any finite fact value a rule may meet (0 and negatives included)."""

POINTS = [D(n) for n in ("0.5", "1", "1.5", "2", "3", "4", "5", "6", "8", "10", "12.5", "20")]
CONTEXTS = [
    RuleContext("指标", points, places, mode, percent_places)
    for points in POINTS
    for places in (1, 2, 3, 4)
    for mode in ("half_up", "half_even", "down")
    for percent_places in (0, 1, 2, 4)
]
contexts = st.sampled_from(CONTEXTS)
"""A leaf's points (halves included) with every rounding the framework schema allows (places ≥ 1)."""


_SPECS: dict[str, RuleSpec] = {}


def compiled(raw: Mapping[str, Any], ctx: RuleContext) -> Scorer:
    """Parse (once per distinct rule: specs are frozen) and compile for ``ctx``."""
    key = json.dumps(raw, sort_keys=True, default=str, ensure_ascii=False)
    spec = _SPECS.get(key)
    if spec is None:
        spec = _SPECS[key] = parse_rule(dict(raw))
    return spec.compile(ctx)


def check(outcome: Outcome, ctx: RuleContext) -> Outcome:
    """Every outcome: a Decimal score within [0, max]; scored ones quantized to the places."""
    score = outcome.score
    assert isinstance(score, Decimal), type(score)
    assert not isinstance(score, float)
    assert score.is_finite()
    assert 0 <= score <= ctx.max_points, (score, ctx.max_points, outcome.explanation)
    assert isinstance(outcome.explanation, str)
    assert outcome.explanation
    if outcome.status is Status.MISSING_DATA:
        assert score == 0
        assert outcome.missing or outcome.explanation
    else:
        assert score.as_tuple().exponent == -ctx.places, (score, ctx.places, outcome.explanation)
    return outcome


def expected_score(raw: Decimal, ctx: RuleContext) -> Decimal:
    """Clamp to [0, max] and round as the framework says."""
    return ctx.round_score(raw)


def ctx_of(max_points: str | int = 2, places: int = 2, mode: str = "half_up") -> RuleContext:
    return RuleContext("指标", D(max_points), places, mode, 2)


def pct(value: Decimal) -> str:
    """A threshold as an interval literal (``12.5%``), never in scientific notation."""
    text = format(value * 100, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"
