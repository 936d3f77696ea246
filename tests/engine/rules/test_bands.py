"""bands: tiered scores on a computed value."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from jixiao.engine.result import Status
from jixiao.engine.rules import RuleContext, parse_rule
from tests.engine.rules._support import PROPERTY, D, check, compiled, contexts, ctx_of, finite, pct

IN_POST = {
    "kind": "bands",
    "value": "staffing.in_post / staffing.authorized",
    "label": "在职人员控制率",
    "bands": [
        {"when": "≤100%", "score": 2},
        {"when": "[100%,120%)", "score": 1, "text": "介于100%-120%之间"},
        {"when": "≥120%", "score": 0},
    ],
}

thresholds = st.lists(
    st.decimals(min_value=-2, max_value=3, places=2), min_size=1, max_size=5, unique=True
).map(sorted)


def tiered(cuts: list[Decimal], scores: list[Decimal]) -> dict[str, object]:
    """``<c1 → s0; [c1,c2) → s1; …; ≥cn → sn`` over the fact ``x``."""
    bands = [{"when": f"<{pct(cuts[0])}", "score": str(scores[0])}]
    for i, (low, high) in enumerate(itertools.pairwise(cuts), start=1):
        bands.append({"when": f"[{pct(low)},{pct(high)})", "score": str(scores[i])})
    bands.append({"when": f"≥{pct(cuts[-1])}", "score": str(scores[len(cuts)])})
    return {"kind": "bands", "value": "x", "bands": bands}


@st.composite
def band_rules(draw: st.DrawFn, ascending: bool = False) -> dict[str, object]:
    cuts = draw(thresholds)
    scores = draw(
        st.lists(
            st.decimals(min_value=0, max_value=40, places=1),
            min_size=len(cuts) + 1,
            max_size=len(cuts) + 1,
        )
    )
    return tiered(cuts, sorted(scores) if ascending else scores)


# --- properties ----------------------------------------------------------------------------


@PROPERTY
@given(rule=band_rules(), ctx=contexts, x=finite)
def test_score_within_bounds_and_quantized(
    rule: dict[str, object], ctx: RuleContext, x: Decimal
) -> None:
    check(compiled(rule, ctx)({"x": x}), ctx)


@PROPERTY
@given(rule=band_rules(), ctx=contexts, x=finite)
def test_score_is_the_matching_band(rule: dict[str, object], ctx: RuleContext, x: Decimal) -> None:
    outcome = compiled(rule, ctx)({"x": x})
    spec = parse_rule(rule)
    assert outcome.value is not None
    matching = [b for b in spec.bands if b.interval.contains(outcome.value)]  # type: ignore[attr-defined]
    assert len(matching) == 1  # the generated bands partition the line
    assert outcome.score == ctx.round_score(matching[0].score)


@PROPERTY
@given(rule=band_rules(ascending=True), ctx=contexts, a=finite, b=finite)
def test_ascending_scores_are_monotonic(
    rule: dict[str, object], ctx: RuleContext, a: Decimal, b: Decimal
) -> None:
    low, high = sorted((a, b))
    scorer = compiled(rule, ctx)
    assert scorer({"x": low}).score <= scorer({"x": high}).score


@PROPERTY
@given(ctx=contexts, a=finite, b=finite)
def test_in_post_control_rate_is_non_increasing(ctx: RuleContext, a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    scorer = compiled({**IN_POST, "value": "x"}, ctx)
    assert check(scorer({"x": low}), ctx).score >= check(scorer({"x": high}), ctx).score


@PROPERTY
@given(ctx=contexts, num=finite, den=finite)
def test_any_ratio_never_raises(ctx: RuleContext, num: Decimal, den: Decimal) -> None:
    outcome = check(
        compiled(IN_POST, ctx)({"staffing.in_post": num, "staffing.authorized": den}), ctx
    )
    if den == 0:
        assert outcome.status is Status.MISSING_DATA
        assert "分母为0" in outcome.explanation
    else:
        assert outcome.status is Status.SCORED


# --- the seeds' figures ----------------------------------------------------------------------


def test_in_post_control_rate_38_of_34() -> None:
    """柳城县应急管理局：在职38人/编制34人=111.76%，介于100%-120%之间，得1分。"""
    outcome = compiled(IN_POST, ctx_of(2))(
        {"staffing.in_post": D(38), "staffing.authorized": D(34)}
    )
    assert outcome.score == D("1.00")
    assert outcome.status is Status.SCORED
    assert outcome.value == D("1.1176")
    assert outcome.value_text == "111.76%"
    assert "38/34=111.76%" in outcome.explanation
    assert "介于100%-120%之间" in outcome.explanation
    assert "扣1分，得1分" in outcome.explanation


@pytest.mark.parametrize(
    ("in_post", "score"), [(34, "2"), (30, "2"), (35, "1"), (40, "1"), (41, "0"), (60, "0")]
)
def test_in_post_control_rate_band_edges(in_post: int, score: str) -> None:
    """34/34=100% is in ≤100%; 41/34=120.59% reaches ≥120%; 40/34=117.65% stays in the middle."""
    outcome = compiled(IN_POST, ctx_of(2))(
        {"staffing.in_post": D(in_post), "staffing.authorized": D(34)}
    )
    assert outcome.score == D(score)


def test_three_public_change_rate_explains_the_figures() -> None:
    """“三公经费”变动率=(6.74-7.83)/7.83=-13.92%，≤0得2分。"""
    rule = {
        "kind": "bands",
        "value": "(three_public.actual - three_public.prior_year_actual) / three_public.prior_year_actual",
        "label": "“三公经费”变动率",
        "bands": [
            {"when": "≤0", "score": 2},
            {"when": "(0,5%)", "score": 1},
            {"when": "≥5%", "score": 0},
        ],
    }
    outcome = compiled(rule, ctx_of(2))(
        {"three_public.actual": D("6.74"), "three_public.prior_year_actual": D("7.83")}
    )
    assert outcome.score == D(2)
    assert "(6.74-7.83)/7.83=-13.92%" in outcome.explanation


def test_fixed_asset_utilisation_tiers() -> None:
    """Seed 003: ≥90%得1分；90%>x≥75%得0.7分；75%>x≥60%得0.4分；<60%得0分."""
    rule = {
        "kind": "bands",
        "value": "fixed_assets.in_use / fixed_assets.total",
        "bands": [
            {"when": "≥90%", "score": 1},
            {"when": "[75%,90%)", "score": "0.7"},
            {"when": "[60%,75%)", "score": "0.4"},
            {"when": "<60%", "score": 0},
        ],
    }
    scorer = compiled(rule, ctx_of(1))
    for in_use, score in [(95, "1"), (90, "1"), (80, "0.7"), (75, "0.7"), (60, "0.4"), (59, "0")]:
        facts = {"fixed_assets.in_use": D(in_use), "fixed_assets.total": D(100)}
        assert scorer(facts).score == D(score), in_use


def test_band_score_above_the_points_is_capped() -> None:
    rule = {"kind": "bands", "value": "x", "bands": [{"when": "其他", "score": 9}]}
    assert compiled(rule, ctx_of(2))({"x": D(1)}).score == D("2.00")


def test_missing_fact_is_missing_data() -> None:
    outcome = compiled(IN_POST, ctx_of(2))({"staffing.in_post": D(38)})
    assert outcome.status is Status.MISSING_DATA
    assert outcome.missing == ("staffing.authorized",)
    assert "staffing.authorized" in outcome.explanation


def test_a_gap_between_bands_is_rejected_in_chinese() -> None:
    with pytest.raises(ValidationError, match="评分档位不连续") as info:
        parse_rule(
            {
                "kind": "bands",
                "value": "x",
                "bands": [{"when": "≥90%", "score": 2}, {"when": "<80%", "score": 0}],
            }
        )
    assert "介于80%与90%之间" in str(info.value)


def test_an_open_boundary_left_uncovered_is_a_gap() -> None:
    """≤100% and >100% cover everything; <100% and >100% leave 100% itself out."""
    parse_rule(
        {
            "kind": "bands",
            "value": "x",
            "bands": [{"when": "≤100%", "score": 2}, {"when": ">100%", "score": 0}],
        }
    )
    with pytest.raises(ValidationError, match="评分档位不连续"):
        parse_rule(
            {
                "kind": "bands",
                "value": "x",
                "bands": [{"when": "<100%", "score": 2}, {"when": ">100%", "score": 0}],
            }
        )
