"""checklist: 评价要点 answered yes/no, points per point met or off per point missed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from jixiao.engine.result import Status
from jixiao.engine.rules import RuleContext, parse_rule
from tests.engine.rules._support import PROPERTY, D, check, compiled, contexts, ctx_of

ASSET_SAFETY = {
    "kind": "checklist",
    "fact": "checklists.asset_safety",
    "mode": "deduct",
    "points": 1,
    "items": [
        {"text": "资产保存完整"},
        {"text": "资产配置合理"},
        {"text": "资产处置规范"},
        {"text": "资产账务管理合规，账实相符"},
        {"text": "资产有效使用及处置收入及时足额上缴"},
    ],
}
item_points = st.none() | st.sampled_from(["0.5", "1", "2", "0"]).map(D)


@st.composite
def checklists(draw: st.DrawFn) -> tuple[dict[str, object], list[bool]]:
    size = draw(st.integers(min_value=1, max_value=12))
    items = []
    for i in range(size):
        item: dict[str, object] = {"text": f"要点{i + 1}"}
        points = draw(item_points)
        if points is not None:
            item["points"] = str(points)
        items.append(item)
    rule: dict[str, object] = {
        "kind": "checklist",
        "fact": "checklists.c",
        "items": items,
        "mode": draw(st.sampled_from(["award", "deduct"])),
    }
    default = draw(item_points)
    if default is not None:
        rule["points"] = str(default)
    met = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    return rule, met


@PROPERTY
@given(case=checklists(), ctx=contexts)
def test_score_within_bounds_and_quantized(
    case: tuple[dict[str, object], list[bool]], ctx: RuleContext
) -> None:
    rule, met = case
    outcome = check(compiled(rule, ctx)({"checklists.c": met}), ctx)
    assert outcome.status is Status.SCORED
    assert outcome.value == sum(met)
    assert outcome.value_text == f"{sum(met)}/{len(met)}项"


@PROPERTY
@given(case=checklists(), ctx=contexts, data=st.data())
def test_meeting_one_more_point_never_lowers_the_score(
    case: tuple[dict[str, object], list[bool]], ctx: RuleContext, data: st.DataObject
) -> None:
    rule, met = case
    unmet = [i for i, ok in enumerate(met) if not ok]
    if not unmet:
        return
    index = data.draw(st.sampled_from(unmet))
    better = [*met]
    better[index] = True
    scorer = compiled(rule, ctx)
    assert scorer({"checklists.c": met}).score <= scorer({"checklists.c": better}).score


@PROPERTY
@given(case=checklists(), ctx=contexts)
def test_all_met_in_deduct_mode_is_full_marks(
    case: tuple[dict[str, object], list[bool]], ctx: RuleContext
) -> None:
    rule, met = case
    rule = {**rule, "mode": "deduct"}
    outcome = compiled(rule, ctx)({"checklists.c": [True] * len(met)})
    assert outcome.score == ctx.round_score(ctx.max_points)


@PROPERTY
@given(
    case=checklists(),
    ctx=contexts,
    answers=st.one_of(
        st.none(),
        st.lists(st.booleans(), max_size=14),
        st.lists(st.sampled_from([1, 0, "是", None]), min_size=1, max_size=5),
        st.dictionaries(st.sampled_from(["要点1", "要点2", "x"]), st.booleans()),
        st.sampled_from(["是", 1, D(1)]),
    ),
)
def test_malformed_answers_never_raise(
    case: tuple[dict[str, object], list[bool]], ctx: RuleContext, answers: object
) -> None:
    rule, _ = case
    check(compiled(rule, ctx)({"checklists.c": answers}), ctx)


# --- the seeds' figures ----------------------------------------------------------------------


def test_asset_safety_one_point_missed() -> None:
    """柳城县：资产管理安全性5个要点，购置资产未及时入账（④未达到），扣1分，得1分."""
    outcome = compiled(ASSET_SAFETY, ctx_of(2))(
        {"checklists.asset_safety": [True, True, True, False, True]}
    )
    assert outcome.score == D("1.00")
    assert "评价要点5项，符合4项" in outcome.explanation
    assert "④资产账务管理合规，账实相符" in outcome.explanation
    assert outcome.value_text == "4/5项"


def test_deducted_to_nothing() -> None:
    outcome = compiled(ASSET_SAFETY, ctx_of(2))({"checklists.asset_safety": [False] * 5})
    assert outcome.score == D("0.00")
    assert "扣完为止" in outcome.explanation


def test_award_mode_points_per_point() -> None:
    """预决算信息公开性：按规定内容公开得1分；按规定时限公开得1分."""
    disclosure = {
        "kind": "checklist",
        "fact": "checklists.disclosure",
        "points": 1,
        "items": [{"text": "按规定内容公开预决算信息"}, {"text": "按规定时限公开预决算信息"}],
    }
    scorer = compiled(disclosure, ctx_of(2))
    assert scorer({"checklists.disclosure": [True, True]}).score == D(2)
    assert scorer({"checklists.disclosure": [True, False]}).score == D(1)
    assert scorer({"checklists.disclosure": [False, False]}).score == D(0)


def test_points_default_to_an_equal_share() -> None:
    three = {
        "kind": "checklist",
        "fact": "c",
        "items": [{"text": "甲"}, {"text": "乙"}, {"text": "丙"}],
    }
    assert compiled(three, ctx_of(1))({"c": [True, False, False]}).score == D("0.33")
    assert compiled(three, ctx_of(1))({"c": [True, True, True]}).score == D("1.00")


def test_answers_by_key_or_text() -> None:
    rule = {
        "kind": "checklist",
        "fact": "c",
        "points": 1,
        "items": [{"text": "甲", "key": "a"}, {"text": "乙"}],
    }
    assert compiled(rule, ctx_of(2))({"c": {"a": True, "乙": True}}).score == D(2)
    missing = compiled(rule, ctx_of(2))({"c": {"a": True}})
    assert missing.status is Status.MISSING_DATA
    assert "「乙」没有是/否回答" in missing.explanation


def test_wrong_number_of_answers_is_missing_data() -> None:
    outcome = compiled(ASSET_SAFETY, ctx_of(2))({"checklists.asset_safety": [True, True]})
    assert outcome.status is Status.MISSING_DATA
    assert "共5项，实际给出2项" in outcome.explanation


def test_absent_fact_is_missing_data() -> None:
    outcome = compiled(ASSET_SAFETY, ctx_of(2))({})
    assert outcome.status is Status.MISSING_DATA
    assert outcome.missing == ("checklists.asset_safety",)


def test_empty_items_rejected() -> None:
    with pytest.raises(ValidationError, match="评价要点不能为空"):
        parse_rule({"kind": "checklist", "fact": "c", "items": []})
