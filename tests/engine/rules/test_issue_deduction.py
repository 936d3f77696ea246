"""issue_deduction: each problem found costs points, 扣完为止."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from jixiao.engine.result import Status
from jixiao.engine.rules import RuleContext
from tests.engine.rules._support import PROPERTY, D, check, compiled, contexts, ctx_of

issue = st.one_of(
    st.sampled_from(["指标设置不准确", "内容不完整", ""]),
    st.fixed_dictionaries(
        {"text": st.just("问题"), "deduct": st.sampled_from(["0.5", "1", "2", "0", "1.25"])}
    ),
    st.fixed_dictionaries({"text": st.just("未注明扣分的问题")}),
)
deducts = st.sampled_from(["1", "0.5", "2", "4"])


def rule(deduct: str = "1") -> dict[str, object]:
    return {"kind": "issue_deduction", "fact": "issues.x", "deduct": deduct}


@PROPERTY
@given(ctx=contexts, deduct=deducts, issues=st.lists(issue, min_size=1, max_size=10))
def test_score_within_bounds_quantized_and_the_sum(
    ctx: RuleContext, deduct: str, issues: list[object]
) -> None:
    outcome = check(compiled(rule(deduct), ctx)({"issues.x": issues}), ctx)
    lost = sum(
        (D(i["deduct"]) if isinstance(i, dict) and "deduct" in i else D(deduct) for i in issues),
        D(0),
    )
    assert outcome.score == ctx.round_score(ctx.max_points - lost)
    assert outcome.value == len(issues)
    assert outcome.value_text == f"{len(issues)}项"


@PROPERTY
@given(
    ctx=contexts,
    deduct=deducts,
    issues=st.lists(issue, max_size=8),
    extra=issue,
    at=st.integers(min_value=0, max_value=8),
)
def test_one_more_issue_never_raises_the_score(
    ctx: RuleContext, deduct: str, issues: list[object], extra: object, at: int
) -> None:
    scorer = compiled(rule(deduct), ctx)
    more = [*issues]
    more.insert(min(at, len(more)), extra)
    assert scorer({"issues.x": more}).score <= scorer({"issues.x": issues}).score


@PROPERTY
@given(ctx=contexts, deduct=deducts)
def test_no_issues_is_full_marks_quantized(ctx: RuleContext, deduct: str) -> None:
    """Regression: with no issues the score was max_points unrounded (Decimal('5'), not '5.00')."""
    outcome = check(compiled(rule(deduct), ctx)({"issues.x": []}), ctx)
    assert outcome.score == ctx.max_points


def test_no_issues_is_full_marks() -> None:
    outcome = compiled(rule(), ctx_of(5))({"issues.x": []})
    assert outcome.score == 5
    assert outcome.status is Status.SCORED
    assert "未发现扣分问题" in outcome.explanation
    assert outcome.value_text == "0项"


def test_satisfaction_issues_with_their_own_deductions() -> None:
    """柳城县：满意度目标申报时未量化扣0.5分；指标不属于满意度指标扣1分；4分得2.5分."""
    issues = [
        {"text": "满意度95%完成目标，但目标申报时未量化、自评时量化", "deduct": "0.5"},
        {"text": "“降低事故的发生，提高企业效益”不属于满意度指标", "deduct": 1},
    ]
    outcome = compiled(rule(), ctx_of(4))({"issues.x": issues})
    assert outcome.score == D("2.50")
    assert "发现问题2项" in outcome.explanation
    assert "目标申报时未量化、自评时量化，扣0.5分" in outcome.explanation
    assert "扣1.5分，得2.5分" in outcome.explanation


def test_self_evaluation_two_points_each() -> None:
    """预算绩效自评管理6分：内容不完整扣2分，内容不规范扣2分 → 2分."""
    outcome = compiled(rule("2"), ctx_of(6))({"issues.x": ["内容不完整", "内容不规范"]})
    assert outcome.score == D("2.00")


def test_key_tasks_deducted_to_nothing() -> None:
    """Seed 003: 一项重点工作没有完成扣4分，扣完为止（8分）."""
    outcome = compiled(rule("4"), ctx_of(8))({"issues.x": ["甲未完成", "乙未完成", "丙未完成"]})
    assert outcome.score == D("0.00")
    assert "扣完为止" in outcome.explanation


def test_absent_fact_is_missing_data() -> None:
    outcome = compiled(rule(), ctx_of(5))({})
    assert outcome.status is Status.MISSING_DATA
    assert outcome.missing == ("issues.x",)
