"""step_deduction: full marks inside an interval, points off per whole step outside it."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from jixiao.engine.intervals import parse_interval
from jixiao.engine.result import Status
from jixiao.engine.rules import RuleContext, parse_rule
from tests.engine.rules._support import PROPERTY, D, check, compiled, contexts, ctx_of, finite

ADJUSTMENT = {
    "kind": "step_deduction",
    "value": "(budget.adjustment - optional(budget.adjustment_excluded)) / budget.adjusted",
    "label": "预算调整率",
    "full_when": "≤5%",
    "step": "5%",
    "deduct": 1,
}
steps = st.sampled_from(["1%", "5%", "10%", "0.5", "2"])
deducts = st.sampled_from(["0.5", "1", "2", "1.5"])
partial = st.sampled_from(["ignore", "count"])


def rule(
    full_when: str, step: str = "5%", deduct: str = "1", partial_step: str = "ignore"
) -> dict[str, object]:
    return {
        "kind": "step_deduction",
        "value": "x",
        "full_when": full_when,
        "step": step,
        "deduct": deduct,
        "partial_step": partial_step,
    }


@PROPERTY
@given(
    ctx=contexts,
    full_when=st.sampled_from(["≥90%", "≤5%", "[95%,105%]", "≥100%", "<0", "=1"]),
    step=steps,
    deduct=deducts,
    partial_step=partial,
    x=finite,
)
def test_score_within_bounds_and_quantized(
    ctx: RuleContext, full_when: str, step: str, deduct: str, partial_step: str, x: Decimal
) -> None:
    outcome = check(compiled(rule(full_when, step, deduct, partial_step), ctx)({"x": x}), ctx)
    assert outcome.value is not None
    if parse_interval(full_when).contains(outcome.value):
        assert outcome.score == ctx.round_score(ctx.max_points)


@PROPERTY
@given(ctx=contexts, step=steps, deduct=deducts, partial_step=partial, a=finite, b=finite)
def test_at_least_90_percent_is_non_decreasing(
    ctx: RuleContext, step: str, deduct: str, partial_step: str, a: Decimal, b: Decimal
) -> None:
    low, high = sorted((a, b))
    scorer = compiled(rule("≥90%", step, deduct, partial_step), ctx)
    assert scorer({"x": low}).score <= scorer({"x": high}).score


@PROPERTY
@given(ctx=contexts, step=steps, deduct=deducts, partial_step=partial, a=finite, b=finite)
def test_at_most_5_percent_is_non_increasing(
    ctx: RuleContext, step: str, deduct: str, partial_step: str, a: Decimal, b: Decimal
) -> None:
    low, high = sorted((a, b))
    scorer = compiled(rule("≤5%", step, deduct, partial_step), ctx)
    assert scorer({"x": low}).score >= scorer({"x": high}).score


@PROPERTY
@given(ctx=contexts, step=steps, deduct=deducts, a=finite, b=finite)
def test_a_band_falls_away_on_both_sides(
    ctx: RuleContext, step: str, deduct: str, a: Decimal, b: Decimal
) -> None:
    low, high = sorted((a, b))
    scorer = compiled(rule("[95%,105%]", step, deduct), ctx)
    if high <= D("0.95"):
        assert scorer({"x": low}).score <= scorer({"x": high}).score
    if low >= D("1.05"):
        assert scorer({"x": low}).score >= scorer({"x": high}).score


@PROPERTY
@given(ctx=contexts, step=steps, deduct=deducts, x=finite)
def test_whole_steps_only_and_counting_partial_steps_costs_more(
    ctx: RuleContext, step: str, deduct: str, x: Decimal
) -> None:
    ignore = compiled(rule("≥90%", step, deduct, "ignore"), ctx)({"x": x})
    count = compiled(rule("≥90%", step, deduct, "count"), ctx)({"x": x})
    assert count.score <= ignore.score
    assert ignore.value is not None
    spec = parse_rule(rule("≥90%", step, deduct))
    distance = parse_interval("≥90%").distance(ignore.value)
    whole = (distance / spec.step).to_integral_value(rounding=ROUND_FLOOR)  # type: ignore[attr-defined]
    assert ignore.score == ctx.round_score(ctx.max_points - whole * spec.deduct)  # type: ignore[attr-defined]


@PROPERTY
@given(ctx=contexts, adjustment=finite, adjusted=finite, excluded=st.none() | finite)
def test_adjustment_rate_never_raises(
    ctx: RuleContext, adjustment: Decimal, adjusted: Decimal, excluded: Decimal | None
) -> None:
    facts = {"budget.adjustment": adjustment, "budget.adjusted": adjusted}
    if excluded is not None:
        facts["budget.adjustment_excluded"] = excluded
    outcome = check(compiled(ADJUSTMENT, ctx)(facts), ctx)
    assert (outcome.status is Status.MISSING_DATA) == (adjusted == 0)


# --- the seeds' figures ----------------------------------------------------------------------


def test_adjustment_rate_645_25_of_1440_56() -> None:
    """柳城县：预算调整率=645.25/1440.56=44.79%，≤5%得2分，每增加5%扣1分，扣完为止 → 0分."""
    outcome = compiled(ADJUSTMENT, ctx_of(2))(
        {"budget.adjustment": D("645.25"), "budget.adjusted": D("1440.56")}
    )
    assert outcome.score == D("0.00")
    assert outcome.value_text == "44.79%"
    assert "(645.25-0)/1440.56=44.79%" in outcome.explanation
    assert "计7档" in outcome.explanation
    assert "扣完为止" in outcome.explanation


def test_adjustment_excluded_is_subtracted() -> None:
    outcome = compiled(ADJUSTMENT, ctx_of(2))(
        {
            "budget.adjustment": D("645.25"),
            "budget.adjusted": D("1440.56"),
            "budget.adjustment_excluded": D("600"),
        }
    )
    assert outcome.value_text == "3.14%"
    assert outcome.score == D("2.00")


@pytest.mark.parametrize(
    ("actual", "score"),
    [
        ("1440.56", "3"),
        ("1296.50", "3"),
        ("1296.49", "3"),
        ("1224.48", "2"),
        ("1152.45", "1"),
        ("100", "0"),
    ],
)
def test_completion_rate_steps(actual: str, score: str) -> None:
    """≥90%得3分，每减少5%扣1分：89.99% is less than one whole step below 90%."""
    completion = {**rule("≥90%", "5%", "1"), "value": "budget.actual / budget.adjusted"}
    outcome = compiled(completion, ctx_of(3))(
        {"budget.actual": D(actual), "budget.adjusted": D("1440.56")}
    )
    assert outcome.score == D(score), outcome.explanation


def test_payment_progress_minimum_of_the_checkpoints() -> None:
    """柳城县：6月64%/50%、9月78%/75%、12月100%/100%，最低值100%，得5分."""
    progress = {
        "kind": "step_deduction",
        "value": "min(execution.progress.m6 / execution.planned_progress.m6, "
        "execution.progress.m9 / execution.planned_progress.m9, "
        "execution.progress.m12 / execution.planned_progress.m12)",
        "full_when": "≥100%",
        "step": "5%",
        "deduct": 1,
    }
    facts = {
        "execution.progress.m6": D("0.64"),
        "execution.planned_progress.m6": D("0.5"),
        "execution.progress.m9": D("0.78"),
        "execution.planned_progress.m9": D("0.75"),
        "execution.progress.m12": D(1),
        "execution.planned_progress.m12": D(1),
    }
    outcome = compiled(progress, ctx_of(5))(facts)
    assert outcome.score == D("5.00")
    assert outcome.value_text == "100%"


def test_procurement_rate_inside_the_band() -> None:
    """123.85/124.17=99.74%，在95%-105%之间得2分."""
    procurement = {**rule("[95%,105%]"), "value": "procurement.actual / procurement.budget"}
    outcome = compiled(procurement, ctx_of(2))(
        {"procurement.actual": D("123.85"), "procurement.budget": D("124.17")}
    )
    assert outcome.score == D(2)
    assert "99.74%" in outcome.explanation


def test_carry_over_change_rate_minus_100_percent() -> None:
    change = {
        **rule("≤10%", "10%", "1"),
        "value": "(carry_over.current - carry_over.prior) / carry_over.prior",
    }
    outcome = compiled(change, ctx_of(2))(
        {"carry_over.current": D(0), "carry_over.prior": D("587.78")}
    )
    assert outcome.score == D(2)
    assert outcome.value_text == "-100%"


def test_step_must_be_positive() -> None:
    with pytest.raises(ValidationError, match="步长必须大于0"):
        parse_rule(rule("≥90%", "0"))
