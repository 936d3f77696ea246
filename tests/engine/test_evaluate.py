"""evaluate: leaves scored, totals rolled up with N/A and weight-mismatch policies, given scores."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.engine import (
    Facts,
    GivenScore,
    LoadedFramework,
    Result,
    Severity,
    Status,
    compile_framework,
    evaluate,
    grade_for,
    parse_framework,
)
from jixiao.engine.model import DEFAULT_GRADES
from jixiao.engine.rules import parse_rule
from jixiao.frameworks import load_framework
from tests.engine.rules._support import finite

D = Decimal

TINY = textwrap.dedent(
    """\
    id: tiny
    title: 小型项目指标体系
    kind: project
    na_policy: {na_policy}
    weight_mismatch: {weight_mismatch}
    indicators:
      - code: a
        name: 产出
        weight: 60
        children:
          - code: a1
            name: 数量
            weight: 20
            rule: {{kind: proportional, value: x}}
          - code: a2
            name: 质量
            weight: {a2_weight}
            rule: {{kind: proportional, value: y}}
      - code: b
        name: 效益
        weight: 40
        rule: {{kind: proportional, value: z}}
    """
)


def tiny(
    na_policy: str = "full_marks", weight_mismatch: str = "rescale", a2_weight: int = 40
) -> LoadedFramework:
    text = TINY.format(na_policy=na_policy, weight_mismatch=weight_mismatch, a2_weight=a2_weight)
    return parse_framework(text, "tiny.yaml")


def scores(result: Result) -> dict[str, Decimal]:
    return {i.code: i.score for i in result.indicators}


FACTS = {"x": D("0.5"), "y": D(1), "z": D(1)}


# --- rolling up --------------------------------------------------------------------------------


def test_scores_roll_up_with_explanations() -> None:
    result = evaluate(tiny(), Facts(FACTS, unit="某单位", year=2021))
    assert scores(result) == {"a": D(50), "a1": D(10), "a2": D(40), "b": D(40)}
    assert result.total == D("90.00")
    assert result.max == D(100)
    assert result.grade == "优"
    assert result.complete
    assert result.indicator("a").explanation == "下级指标得分合计10+40=50分，得50分"
    assert result.indicator("产出/数量").explanation.endswith("=50%，得分=50%×20=10分")
    assert (result.unit, result.year, result.framework_id) == ("某单位", 2021, "tiny")


def test_evaluate_accepts_any_stage_of_the_framework() -> None:
    loaded = tiny()
    expected = evaluate(loaded, Facts(FACTS)).total
    assert evaluate(loaded.framework, Facts(FACTS)).total == expected
    assert evaluate(compile_framework(loaded.framework), Facts(FACTS)).total == expected


def test_evaluate_does_not_touch_its_inputs() -> None:
    values = dict(FACTS)
    given_scores = {"b": GivenScore(D(30), "理由", "依据")}
    facts = Facts(values, given=given_scores, not_applicable={"a2": "无"})
    evaluate(tiny(), facts)
    assert values == FACTS
    assert facts.given == given_scores
    assert facts.not_applicable == {"a2": "无"}


# --- not applicable ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "total", "a_score"),
    [
        # a2 (40 of a's 60) counts as full marks: 10+40 = 50, total 50+40 = 90.
        ("full_marks", "90.00", "50"),
        # a2 is dropped: 10+40 = 50 of the 60 applicable points → 83.33 of 100.
        ("rescale", "83.33", "10"),
        # a2's 40 points go to a1: 10/20 × 60 = 30, total 30+40 = 70.
        ("redistribute", "70.00", "30"),
    ],
)
def test_not_applicable_policies(policy: str, total: str, a_score: str) -> None:
    result = evaluate(tiny(policy), Facts(FACTS, not_applicable={"a2": "本年度无质量考核任务"}))
    assert result.total == D(total)
    assert result.indicator("a").score == D(a_score)
    a2 = result.indicator("a2")
    assert a2.status is Status.NOT_APPLICABLE
    assert "不适用：本年度无质量考核任务" in a2.explanation
    assert result.max == D(100)
    rescaled = [f for f in result.findings if f.code == "total.rescaled"]
    if policy == "rescale":
        assert rescaled[0].message == "不适用指标不计分，按适用指标折算：50/60×100=83.33分"
    else:
        assert not rescaled


def test_not_applicable_by_name_and_policy_per_indicator() -> None:
    text = TINY.format(na_policy="full_marks", weight_mismatch="rescale", a2_weight=40).replace(
        "    weight: 60\n", "    weight: 60\n    na_policy: redistribute\n"
    )
    result = evaluate(
        parse_framework(text, "tiny.yaml"), Facts(FACTS, not_applicable={"质量": "无"})
    )
    assert result.indicator("a").score == D(30)
    assert result.total == D(70)


def test_not_applicable_branch_skips_its_children() -> None:
    result = evaluate(tiny("rescale"), Facts(FACTS, not_applicable={"a": "无产出考核"}))
    assert result.indicator("a1").status is Status.NOT_APPLICABLE
    assert result.indicator("a1").explanation == "上级指标不适用"
    assert result.total == D("100.00")  # b 40/40 rescaled to 100


def test_redistribute_at_the_top_level() -> None:
    result = evaluate(tiny("redistribute"), Facts(FACTS, not_applicable={"b": "无"}))
    assert result.total == D("83.33")  # a 50/60 → ×100/60


@pytest.mark.parametrize("policy", ["redistribute", "rescale"])
def test_a_branch_whose_children_are_all_not_applicable(policy: str) -> None:
    """Regression: under redistribute the branch's 60 points were lost (total 20 instead of 50)."""
    facts = Facts({**FACTS, "z": D("0.5")}, not_applicable={"a1": "无", "a2": "无"})
    result = evaluate(tiny(policy), facts)
    assert result.total == D("50.00")  # b's 20 of the 40 applicable points
    a = result.indicator("a")
    assert a.status is Status.NOT_APPLICABLE
    assert a.explanation == "下级指标均不适用"
    rescaled = [f for f in result.findings if f.code == "total.rescaled"]
    assert bool(rescaled) == (policy == "rescale")


def test_unknown_not_applicable_key_is_a_finding() -> None:
    result = evaluate(tiny(), Facts(FACTS, not_applicable={"c9": "无"}))
    (finding,) = result.findings
    assert finding.code == "not_applicable.unknown_indicator"
    assert "「c9」" in finding.message


# --- weights that do not add up ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "x", "a_score", "phrase"),
    [
        ("rescale", "0.5", "51.43", "按60/70折算"),  # (10+50)×60/70
        ("rescale", "1", "60.00", "按60/70折算"),  # (20+50)×60/70
        ("cap", "0.5", "60.00", "以本项分值为上限"),  # 10+50, within 60
        ("cap", "1", "60.00", "以本项分值为上限"),  # 20+50 capped at 60
        ("sum", "0.5", "60.00", "按下级合计计"),
        ("sum", "1", "70.00", "按下级合计计"),
    ],
)
def test_weight_mismatch_policies(policy: str, x: str, a_score: str, phrase: str) -> None:
    loaded = tiny(weight_mismatch=policy, a2_weight=50)
    assert [f.code for f in loaded.findings] == ["framework.weights_do_not_sum"]
    result = evaluate(loaded, Facts({**FACTS, "x": D(x)}))
    a = result.indicator("a")
    assert a.score == D(a_score)
    assert "下级分值合计70分与本项分值60分不一致" in a.explanation
    assert phrase in a.explanation
    assert result.findings[0].code == "framework.weights_do_not_sum"


# --- missing data --------------------------------------------------------------------------------


def test_missing_fact_is_missing_data_naming_it() -> None:
    result = evaluate(tiny(), Facts({"x": D("0.5"), "z": D(1)}))
    a2 = result.indicator("a2")
    assert a2.status is Status.MISSING_DATA
    assert a2.missing == ("y",)
    assert a2.score == 0
    assert "缺少数据：y" in a2.explanation
    assert result.indicator("a").status is Status.MISSING_DATA
    assert not result.complete
    (finding,) = result.findings
    assert (finding.severity, finding.code, finding.where) == (
        Severity.WARNING,
        "data.missing",
        "产出/质量",
    )
    assert "「质量」无法评分" in finding.message
    assert result.total == D("50.00")


def test_no_facts_at_all_never_raises() -> None:
    result = evaluate(tiny(), Facts({}))
    assert result.total == 0
    assert all(i.status is Status.MISSING_DATA for i in result.indicators)
    assert {m for i in result.leaves() for m in i.missing} == {"x", "y", "z"}


# --- given scores --------------------------------------------------------------------------------


def test_given_score_overrides_the_rule() -> None:
    result = evaluate(
        tiny(),
        Facts(FACTS, given={"数量": GivenScore(D("12.345"), "现场核查", "评价报告七（一）")}),
    )
    a1 = result.indicator("a1")
    assert a1.status is Status.GIVEN
    assert a1.score == D("12.35")  # rounded half up to the framework's 2 places
    assert a1.source == "评价报告七（一）"
    assert a1.explanation.startswith("评价人给分12.35分：现场核查（依据：评价报告七（一））")
    assert "；按评分标准计算：数量=" in a1.explanation
    assert a1.explanation.endswith("得分=50%×20=10分")
    (finding,) = result.findings
    assert (finding.severity, finding.code) == (Severity.INFO, "given.differs_from_rule")


def test_given_score_for_an_indicator_with_missing_data() -> None:
    result = evaluate(
        tiny(), Facts({"x": D(1), "z": D(1)}, given={"a2": GivenScore(D(30), "r", "s")})
    )
    assert result.indicator("a2").score == D(30)
    assert result.indicator("a2").status is Status.GIVEN
    assert result.complete
    assert result.findings == []


@pytest.mark.parametrize(("given_score", "kept"), [("50", "40.00"), ("-3", "0.00")])
def test_given_score_out_of_range_is_a_finding_and_clamped(given_score: str, kept: str) -> None:
    result = evaluate(tiny(), Facts(FACTS, given={"b": GivenScore(D(given_score), "理由", "依据")}))
    assert result.indicator("b").score == D(kept)
    codes = {f.code: f for f in result.findings}
    finding = codes["given.out_of_range"]
    assert finding.severity is Severity.ERROR
    assert finding.message == f"「效益」给分{given_score}超出0-40分"
    assert finding.where == "效益"


def test_given_for_an_unknown_indicator_is_a_finding() -> None:
    result = evaluate(tiny(), Facts(FACTS, given={"不存在": GivenScore(D(1), "r", "s")}))
    assert [f.code for f in result.findings] == ["given.unknown_indicator"]


def test_given_for_a_branch_is_a_finding() -> None:
    result = evaluate(tiny(), Facts(FACTS, given={"产出": GivenScore(D(60), "r", "s")}))
    assert [f.code for f in result.findings] == ["given.not_leaf"]
    assert result.indicator("a").score == D(50)


def test_given_rule_kind_needs_an_evaluator() -> None:
    text = TINY.format(na_policy="full_marks", weight_mismatch="rescale", a2_weight=40).replace(
        "rule: {kind: proportional, value: z}",
        "rule: {kind: given, value: z / x, label: 满意度}",
    )
    loaded = parse_framework(text, "tiny.yaml")
    without = evaluate(loaded, Facts(FACTS))
    b = without.indicator("b")
    assert b.status is Status.MISSING_DATA
    assert "满意度=1/0.5=200%" in b.explanation
    assert "需由评价人给分" in b.explanation
    given_ = evaluate(loaded, Facts(FACTS, given={"b": GivenScore(D(36), "问卷", "附件3")}))
    b = given_.indicator("b")
    assert b.status is Status.GIVEN
    assert b.score == D(36)
    assert b.explanation.startswith("满意度=1/0.5=200%；评价人给分36分")


# --- grades --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("100", "优"),
        ("90", "优"),
        ("89.99", "良"),
        ("85.5", "良"),
        ("80", "良"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
        ("-1", "差"),
    ],
)
def test_grade_for(total: str, grade: str) -> None:
    assert grade_for(D(total), DEFAULT_GRADES) == grade


# --- invariants on a real framework ----------------------------------------------------------------

LIUCHENG = compile_framework(load_framework("liucheng-2021-reeval").framework)


def _fact_names() -> list[str]:
    names: set[str] = set()
    for node in LIUCHENG.walk():
        if node.indicator is not None and node.indicator.rule is not None:
            names |= parse_rule(node.indicator.rule).fact_names()
    return sorted(n for n in names if not n.startswith(("judgments.", "checklists.", "issues.")))


NUMERIC = _fact_names()
OTHER: dict[str, Any] = {
    "judgments.indicator_clarity": "较明确",
    "judgments.budget_rules": "健全",
    "checklists.fund_compliance": [True, True, False, True, True],
    "issues.quantity_targets": ["指标设置不准确"],
}


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_facts_give_a_total_within_bounds(data: st.DataObject) -> None:
    env: dict[str, Any] = {}
    for name in NUMERIC:
        value = data.draw(st.none() | finite, label=name)
        if value is not None:
            env[name] = value
    for name in data.draw(st.sets(st.sampled_from(sorted(OTHER))), label="others"):
        env[name] = OTHER[name]
    result = evaluate(LIUCHENG, Facts(env))
    assert 0 <= result.total <= result.max == D(100)
    assert result.total.as_tuple().exponent == -2
    for item in result.indicators:
        assert 0 <= item.score <= item.max, (item.code, item.score, item.explanation)
        assert isinstance(item.score, Decimal)
        if item.status is Status.MISSING_DATA and item.is_leaf:
            assert item.missing


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_remembered_roll_ups_never_change_a_result(data: st.DataObject) -> None:
    """Branches remember their roll-up by what the children passed up (``_Run._branch``):
    a framework that has seen other unit-years gives what a freshly compiled one gives."""
    env: dict[str, Any] = {}
    for name in NUMERIC:
        value = data.draw(st.none() | finite, label=name)
        if value is not None:
            env[name] = value
    not_applicable = data.draw(
        st.dictionaries(
            st.sampled_from([n.code for n in LIUCHENG.order]), st.just("无"), max_size=2
        )
    )
    facts = Facts(env, not_applicable=not_applicable)
    fresh = compile_framework(load_framework("liucheng-2021-reeval").framework)
    assert evaluate(LIUCHENG, facts).to_dict() == evaluate(fresh, facts).to_dict()


def test_every_indicator_score_is_quantized() -> None:
    """Regression: N/A, missing-data and no-issue scores kept Decimal('40')/('0')/('5')."""
    result = evaluate(tiny(), Facts({"x": D(1)}, not_applicable={"b": "无"}))
    assert [str(i.score) for i in result.indicators] == ["20.00", "20.00", "0.00", "40.00"]
