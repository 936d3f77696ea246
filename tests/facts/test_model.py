"""The unit-year fact model: new tables, compatible with the cases already written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from jixiao.engine.numbers import Percent
from jixiao.facts import UnitYear, fact_values


def test_new_facts_load_and_flatten() -> None:
    facts = UnitYear.model_validate(
        {
            "unit": {
                "name": "某局",
                "level": "县",
                "code": "101001",
                "internal_bodies": ["办公室"],
            },
            "year": 2021,
            "subject": "应急物资储备项目",
            "overall_goal": {"planned": "储备10批", "achieved": "完成8批"},
            "budget": {
                "initial": "1,000.50",
                "prior_year_actual": 900,
                "funds": {"本年财政拨款": {"adjusted": 800}},
                "revenue_sources": {"中央": {"actual": "53.6"}},
                "functions": {"卫生健康支出": {"actual": "37.68"}},
                "basic": {"actual": 10, "note": "人员调入"},
            },
            "staffing": {"outside_by_type": {"劳务派遣": 3}},
            "three_public": {
                "parts": {"公务接待费": {"initial": 4, "actual": 3, "prior_year_actual": 5}}
            },
            "projects": [{"name": "A", "sub_projects": [{"name": "A1", "spent": 1}]}],
            "targets": [
                {
                    "name": "t",
                    "score": 4.5,
                    "core": True,
                    "adjusted_target": "95%",
                    "project": "A",
                    "code": "T1",
                }
            ],
            "key_tasks": [{"name": "k", "planned": "全年", "result": "完成"}],
            "petitions": {"received": 12, "answered_on_time": 11},
            "disclosure": {"budget": "2021-02-10"},
            "evidence": {"E1": "预算批复.pdf"},
            "comments": {"compare.over_budget": "年底追加"},
        }
    )
    assert facts.budget.initial == Decimal("1000.50")
    assert isinstance(facts.targets[0].adjusted_target, Percent)
    assert facts.disclosure.budget == date(2021, 2, 10)
    values = fact_values(facts)
    assert values["petitions.received"] == 12
    assert values["budget.funds.本年财政拨款.adjusted"] == 800
    assert values["projects.sub_projects"] == [
        [{"name": "A1", "spent": Decimal(1), "sub_projects": []}]
    ]
    assert values["subject"] == "应急物资储备项目"


def test_amounts_are_validated_like_numbers() -> None:
    with pytest.raises(ValidationError) as caught:
        UnitYear.model_validate(
            {"unit": {"name": "x"}, "year": 2021, "budget": {"initial": "九十"}}
        )
    assert caught.value.errors()[0]["loc"] == ("budget", "initial")
    facts = UnitYear.model_validate(
        {"unit": {"name": "x"}, "year": 2021, "budget": {"initial": "64%"}}
    )
    assert isinstance(facts.budget.initial, Percent)
    exact = Decimal("3762.60")
    assert (
        UnitYear.model_validate(
            {"unit": {"name": "x"}, "year": 2021, "budget": {"actual": exact}}
        ).budget.actual
        is exact
    )


def test_unknown_keys_are_still_refused() -> None:
    with pytest.raises(ValidationError):
        UnitYear.model_validate({"unit": {"name": "x"}, "year": 2021, "budget": {"inital": 1}})


def test_json_schema_is_available() -> None:
    schema = UnitYear.model_json_schema()
    assert "petitions" in schema["properties"]


@pytest.mark.parametrize(
    ("item", "says"),
    [
        ({"text": "问题", "deduct": "多"}, "issues.x 第2项的扣分「多」不是数字"),
        ({"text": "问题", "dedcut": 1}, "issues.x 第2项只能写 text"),
        ({"deduct": 1}, "issues.x 第2项只能写 text"),
    ],
)
def test_an_issue_is_text_and_a_numeric_deduction(item: dict[str, object], says: str) -> None:
    issues = {"x": ["指标设置重复", item]}
    with pytest.raises(ValidationError) as caught:
        UnitYear.model_validate({"unit": {"name": "x"}, "year": 2021, "issues": issues})
    assert says in str(caught.value)
    fine = {"x": ["指标设置重复", {"text": "问题", "deduct": "0.5"}]}
    assert UnitYear.model_validate({"unit": {"name": "x"}, "year": 2021, "issues": fine})
