"""claims: what a report prints, checked against what the facts and rules give."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.engine import Claim, Facts, Severity, evaluate, parse_framework
from jixiao.engine.claims import compare
from jixiao.engine.numbers import format_number, format_percent, round_to
from tests.engine.rules._support import PROPERTY

D = Decimal

FRAMEWORK = parse_framework(
    textwrap.dedent(
        """\
        id: claims
        title: 核对用指标体系
        kind: unit_overall
        indicators:
          - code: process
            name: 过程
            weight: 4
            children:
              - code: procurement
                name: 政府采购执行率
                weight: 2
                rule:
                  kind: step_deduction
                  value: procurement.actual / procurement.budget
                  full_when: "[95%,105%]"
                  step: 5%
                  deduct: 1
              - code: rules
                name: 管理制度健全性
                weight: 2
                rule:
                  kind: judgment
                  fact: judgments.rules
                  levels: [{level: 健全, score: 2}, {level: 比较健全, score: 1}]
        """
    ),
    "claims.yaml",
)
VALUES = {
    "procurement.actual": D("123.85"),
    "procurement.budget": D("124.17"),
    "judgments.rules": "比较健全",
}


def findings(*claims: Claim, values: dict[str, object] | None = None) -> list:  # type: ignore[type-arg]
    result = evaluate(FRAMEWORK, Facts(VALUES if values is None else values, claims=claims))
    return result.findings


# --- compare ---------------------------------------------------------------------------------


def test_rounding_99_75_vs_99_74() -> None:
    """柳城县：报告印“政府采购执行率99.75%”，123.85/124.17=99.74%：仅末位不同."""
    assert compare("99.75%", D("123.85") / D("124.17")) == ("rounding", D("0.9975"))


def test_inverted_90_81() -> None:
    """Seed 003: 实际采购1973.09、预算1791.71，印“执行率90.81%”=1791.71/1973.09：分子分母颠倒."""
    assert compare("90.81%", D("1973.09") / D("1791.71")) == ("inverted", D("0.9081"))


def test_mismatch_4_36() -> None:
    """评分表印“预算调整率4.36%”（615.25/1410.56），按正文645.25/1440.56=44.79%."""
    assert compare("4.36%", D("645.25") / D("1440.56")) == ("mismatch", D("0.0436"))


@pytest.mark.parametrize(
    ("printed", "computed", "outcome"),
    [
        ("99.74%", D("123.85") / D("124.17"), None),
        ("111.76%", D(38) / D(34), None),
        ("111.7%", D(38) / D(34), "rounding"),  # 111.8% at one decimal
        ("111.8%", D(38) / D(34), None),
        ("45%", D("645.25") / D("1440.56"), None),  # agrees at the printed precision
        ("85.5", D("85.50"), None),
        ("85.5", D("85.6"), "rounding"),
        ("86", D("85.5"), None),
        ("80", D("85.5"), "mismatch"),
        ("-13.92%", (D("6.74") - D("7.83")) / D("7.83"), None),
    ],
)
def test_compare(printed: str, computed: Decimal, outcome: str | None) -> None:
    found = compare(printed, computed)
    assert (found[0] if found else None) == outcome


def test_full_width_printed_claim_is_read_at_its_precision() -> None:
    """Regression: 「１１１．７６％」 was compared at 0 decimals and reported as a discrepancy."""
    assert compare("１１１．７６％", D(38) / D(34)) is None


@PROPERTY
@given(
    computed=st.decimals(min_value=D("-50"), max_value=D(50), places=6).filter(lambda d: d != 0),
    places=st.integers(min_value=0, max_value=3),
)
def test_printing_the_computed_value_always_agrees(computed: Decimal, places: int) -> None:
    assert compare(format_percent(computed, places), computed) is None
    assert compare(format_number(round_to(computed, places)), computed) is None


@PROPERTY
@given(
    computed=st.decimals(min_value=D("0.01"), max_value=D(50), places=6),
    places=st.integers(min_value=1, max_value=3),
    sign=st.sampled_from([1, -1]),
)
def test_one_unit_off_in_the_last_digit_is_rounding(
    computed: Decimal, places: int, sign: int
) -> None:
    unit = D(1).scaleb(-places)
    printed = format((round_to(computed, places) + sign * unit).quantize(unit), "f")
    assert compare(printed, computed) == ("rounding", D(printed))


# --- through evaluate ----------------------------------------------------------------------------


def test_value_claim_rounding_is_a_warning() -> None:
    (finding,) = findings(Claim("政府采购执行率", "value", "99.75%", where="报告七（三）7"))
    assert finding.severity is Severity.WARNING
    assert finding.code == "claim.rounding"
    assert finding.where == "报告七（三）7"
    assert "报告称「政府采购执行率」为99.75%，按事实计算为99.74%" in finding.message
    assert "123.85/124.17=99.74%" in finding.message
    assert "仅末位不同" in finding.message


def test_value_claim_inverted_is_an_error() -> None:
    values = {**VALUES, "procurement.actual": D("1973.09"), "procurement.budget": D("1791.71")}
    (finding,) = findings(Claim("procurement", "value", "90.81%"), values=values)
    assert finding.severity is Severity.ERROR
    assert finding.code == "claim.value_inverted"
    assert "按事实计算为110.12%" in finding.message
    assert "分子分母颠倒" in finding.message


def test_value_claim_mismatch_is_an_error() -> None:
    (finding,) = findings(Claim("政府采购执行率", "value", "80%"))
    assert (finding.severity, finding.code) == (Severity.ERROR, "claim.value_mismatch")


def test_score_max_and_total_claims() -> None:
    assert findings(Claim("政府采购执行率", "score", "2"), Claim("过程", "max", "4")) == []
    assert findings(Claim("total", "score", "3")) == []
    (score,) = findings(Claim("管理制度健全性", "score", "2"))
    assert score.code == "claim.score_mismatch"
    assert "报告称「管理制度健全性」得分为2，按事实与评分标准计算为1分" in score.message
    (total,) = findings(Claim("总分", "score", "4"))
    assert total.code == "claim.score_mismatch"
    assert "报告称总分为4" in total.message
    # A score is never a rounding slip: 3.1 printed for 3 is a mismatch.
    (off,) = findings(Claim("total", "score", "3.1"))
    assert off.code == "claim.score_mismatch"


def test_expression_claims() -> None:
    ok = Claim("政府采购执行率", "expression", "99.74%", "procurement.actual / procurement.budget")
    assert findings(ok) == []
    inverted = Claim(
        "采购执行率", "expression", "100.26%", "procurement.actual / procurement.budget"
    )
    (finding,) = findings(inverted)
    assert finding.code == "claim.value_inverted"
    assert "按123.85/124.17计算为99.74%" in finding.message
    missing = Claim(
        "三公经费控制率", "expression", "55.43%", "three_public.actual / three_public.budget"
    )
    (finding,) = findings(missing)
    assert (finding.severity, finding.code) == (Severity.WARNING, "claim.not_computed")


def test_claims_that_cannot_be_checked() -> None:
    (unknown,) = findings(Claim("不存在的指标", "score", "1"))
    assert (unknown.severity, unknown.code) == (Severity.ERROR, "claim.unknown_indicator")
    (unreadable,) = findings(Claim("政府采购执行率", "value", "约百分之九十九"))
    assert unreadable.code == "claim.unreadable"
    (no_value,) = findings(Claim("管理制度健全性", "value", "90%"))
    assert no_value.code == "claim.not_computed"
