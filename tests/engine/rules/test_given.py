"""given: the evaluator gives the score; the rule only shows a computed value for reference."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from jixiao.engine.result import Status
from jixiao.engine.rules import RuleContext
from jixiao.engine.rules.given import NEEDS_SCORE
from tests.engine.rules._support import PROPERTY, D, check, compiled, contexts, ctx_of, finite


@PROPERTY
@given(
    ctx=contexts,
    display=st.sampled_from(["percent", "number"]),
    with_value=st.booleans(),
    num=st.none() | finite,
    den=finite,
)
def test_never_scores_by_itself_and_never_raises(
    ctx: RuleContext, display: str, with_value: bool, num: Decimal | None, den: Decimal
) -> None:
    rule: dict[str, object] = {"kind": "given", "display": display}
    if with_value:
        rule["value"] = "a / b"
    env = {"b": den} if num is None else {"a": num, "b": den}
    outcome = check(compiled(rule, ctx)(env), ctx)
    assert outcome.status is Status.MISSING_DATA
    assert outcome.score == 0
    assert outcome.missing == ("评价人给分",)
    assert NEEDS_SCORE in outcome.explanation
    if with_value and num is not None and den != 0:
        assert outcome.value is not None
        assert outcome.value_text


def test_without_a_value() -> None:
    outcome = compiled({"kind": "given"}, ctx_of(6))({})
    assert outcome.status is Status.MISSING_DATA
    assert outcome.explanation == NEEDS_SCORE


def test_value_shown_for_reference() -> None:
    rule = {
        "kind": "given",
        "value": "extra.detailed_project_budget / extra.project_budget_total",
        "label": "预算细化率",
    }
    outcome = compiled(rule, ctx_of(6))(
        {"extra.detailed_project_budget": D(850), "extra.project_budget_total": D(1000)}
    )
    assert outcome.value_text == "85%"
    assert "预算细化率=850/1000=85%（供参考）" in outcome.explanation
