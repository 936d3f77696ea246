"""Amounts carry their unit and convert exactly between 元 and 万元."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.facts.model import Budget, Project, Staffing, UnitYear
from jixiao.facts.units import amount_fields, convert, convert_model, names_other_unit, parse_unit

AMOUNTS = st.decimals(
    min_value=-(10**12), max_value=10**12, places=6, allow_nan=False, allow_infinity=False
)


@given(AMOUNTS)
def test_conversion_is_exact_both_ways(value: Decimal) -> None:
    yuan = convert(value, "万元", "元")
    assert yuan == value * 10000
    assert convert(yuan, "元", "万元") == value


def test_conversion_keeps_the_digits() -> None:
    assert str(convert(Decimal("2570000.00"), "元", "万元")) == "257.000000"
    assert convert(Decimal("12736464.70"), "元", "万元") == Decimal("1273.64647")
    assert convert(Decimal("1"), "元", "元") == Decimal("1")
    with pytest.raises(ValueError):
        convert(Decimal(1), "千元", "元")


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("（万元）", "万元"),
        ("年初预算（元）", "元"),
        ("单位：元", "元"),
        ("万元", "万元"),
        ("美元", None),
        ("千元", None),
        ("(B/A)", None),
    ],
)
def test_units_named_in_headers(text: str, unit: str | None) -> None:
    assert parse_unit(text) == unit
    assert names_other_unit(text) == (unit is None and "元" in text)


def test_amount_fields_are_marked() -> None:
    assert set(amount_fields(Budget)) >= {"initial", "adjusted", "actual", "adjustment", "revenue"}
    assert (
        amount_fields(Budget)["adjustment"].signed and not amount_fields(Budget)["initial"].signed
    )
    assert set(amount_fields(Project)) == {"initial_budget", "budget", "spent"}
    assert amount_fields(Staffing) == {}


def test_whole_unit_year_converts() -> None:
    facts = UnitYear.model_validate(
        {
            "unit": {"name": "x"},
            "year": 2020,
            "budget": {
                "actual": "4675.99",
                "functions": {"灾害防治及应急管理支出": {"actual": "1242.45"}},
            },
            "execution": {"cumulative_spend": {"m6": "100.5"}, "progress": {"m6": "64%"}},
            "projects": [
                {"name": "A", "spent": "256.625", "sub_projects": [{"name": "A1", "spent": "1.5"}]}
            ],
            "staffing": {"in_post": 38},
        }
    )
    yuan = convert_model(facts, "万元", "元")
    assert yuan.budget.actual == Decimal("46759900")
    assert yuan.budget.functions["灾害防治及应急管理支出"].actual == Decimal("12424500")
    assert yuan.execution.cumulative_spend["m6"] == Decimal("1005000")
    assert yuan.execution.progress["m6"] == Decimal("0.64")  # a rate is not money
    assert yuan.projects[0].spent == Decimal("2566250")
    assert yuan.projects[0].sub_projects[0].spent == Decimal("15000")
    assert yuan.staffing.in_post == 38
    back = convert_model(yuan, "元", "万元")
    assert back == facts
