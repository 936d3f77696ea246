"""Cross-table consistency checks: the seeds' own inconsistencies, and every rule kind."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jixiao.engine import Severity
from jixiao.facts.checks import (
    RULES_FILE,
    CheckFinding,
    RuleError,
    check_facts,
    default_rules,
    load_rules,
    parse_rules,
    run_checks,
)
from jixiao.facts.model import UnitYear
from jixiao.io.cases import case_locations, load_case

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _facts(**data: Any) -> UnitYear:
    return UnitYear.model_validate({"unit": {"name": "测试单位"}, "year": 2021, **data})


def _codes(findings: list[CheckFinding]) -> dict[str, CheckFinding]:
    return {f.code: f for f in findings}


def _seed(name: str) -> tuple[list[CheckFinding], Any]:
    loaded = load_case(EXAMPLES / name)
    return run_checks(loaded.case.facts).findings, run_checks(loaded.case.facts)


# --------------------------------------------------------------------------- the seeds


@pytest.mark.parametrize("name", ["liucheng-2021-reeval"])
def test_liucheng_staff_types_do_not_add_up(name: str) -> None:
    """柳城: “在编在职人员34人，其中行政编16人、事业编28人” — 16+28=44≠34."""
    report = run_checks(load_case(EXAMPLES / name).case.facts)
    found = _codes(report.findings)["sum.on_payroll_by_type"]
    assert found.severity is Severity.ERROR
    assert "行政编16+事业编28=44" in found.message and "34" in found.message
    assert set(found.fields) == {
        "staffing.on_payroll",
        "staffing.on_payroll_by_type.行政编",
        "staffing.on_payroll_by_type.事业编",
    }
    cells = found.cells(case_locations(EXAMPLES / name))
    assert all(c.startswith("case.yaml 第") for c in cells) and len(cells) == 3
    assert not report.errors[1:]  # the only error in the case


def test_longgang_totals_hold_and_procurement_is_flagged() -> None:
    """龙岗: 基本4472.93+项目4675.99=9148.92, 编制52+8=60, 60+24=84 hold; 采购1973.09>1791.71."""
    report = run_checks(load_case(EXAMPLES / "longgang-2020").case.facts)
    passed = {p.code: p.detail for p in report.passed}
    assert "基本支出4472.93+项目支出4675.99=9148.92" in passed["sum.budget_class"]
    assert "行政编制52+事业编制8=60" in passed["sum.authorized_by_type"]
    assert "在编人数60+编外人员24=84" in passed["sum.in_post"]
    assert "4675.99" in passed["sum.projects_spent"]  # the 元 project table matches once converted
    assert "9397.62-8666.95=730.67" in passed["compare.adjustment"]
    assert not report.errors
    procurement = _codes(report.findings)["compare.procurement_over_plan"]
    assert procurement.severity is Severity.WARNING
    assert "1973.09" in procurement.message and "110.12%" in procurement.message


def test_kunming_basic_spending_holds_and_overspend_is_flagged() -> None:
    """昆明: 人员1602.00+公用1276.28=2878.28 holds; 决算4920.88 exceeds 调整预算4913.17."""
    report = run_checks(load_case(EXAMPLES / "kunming-2020").case.facts)
    passed = {p.code: p.detail for p in report.passed}
    assert "人员经费1602.00+公用经费1276.28=2878.28" in passed["sum.basic_parts"]
    assert "2878.28+项目支出2042.60=4920.88" in passed["sum.budget_class"]
    over = _codes(report.findings)["compare.over_budget"]
    assert "4920.88" in over.message and "4913.17" in over.message and "7.71" in over.message


def test_every_example_is_checked_without_errors_beyond_the_seeds() -> None:
    expected_errors = {"liucheng-2021-reeval": {"sum.on_payroll_by_type"}}
    for case_dir in sorted(p.parent for p in EXAMPLES.glob("*/case.yaml")):
        errors = {
            f.code
            for f in check_facts(load_case(case_dir).case.facts)
            if f.severity is Severity.ERROR
        }
        assert errors == expected_errors.get(case_dir.name, set()), case_dir.name


# --------------------------------------------------------------------------- rule kinds


def test_parts_in_yuan_against_a_total_in_wan_yuan() -> None:
    facts = _facts(
        budget={
            "actual": "9148.92",
            "basic": {"actual": "44729300"},
            "project": {"actual": "46759900"},
        }
    )
    found = _codes(check_facts(facts))
    assert "unit.mix_10000" in found
    assert "元与万元" in found["unit.mix_10000"].message
    assert "sum.budget_class" not in found


def test_three_public_parts_and_sources_and_functions() -> None:
    facts = _facts(
        three_public={
            "budget": 12,
            "actual": "10.5",
            "parts": {
                "因公出国（境）费": {"initial": 0, "actual": 0},
                "公务用车购置及运行费": {"initial": 8, "actual": "7.5"},
                "公务接待费": {"initial": 4, "actual": 2},
            },
        },
        budget={
            "adjusted": "1440.56",
            "actual": "1440.56",
            "revenue": "1440.56",
            "revenue_sources": {
                "中央财政": {"adjusted": "53.6", "actual": "53.6"},
                "自治区财政": {"adjusted": "565.82", "actual": "565.82"},
                "县财政": {"adjusted": "821.14", "actual": "821.14"},
            },
            "functions": {
                "社会保障和就业支出": {"actual": "118.77"},
                "卫生健康支出": {"actual": "37.68"},
                "住房保障支出": {"actual": "41.66"},
                "灾害防治及应急管理支出": {"actual": "1242.45"},
            },
        },
    )
    report = run_checks(facts)
    found = _codes(report.findings)
    assert "sum.three_public" in found and "9.5" in found["sum.three_public"].message
    passed = {p.code for p in report.passed}
    assert {"sum.revenue_sources", "sum.functions"} <= passed


def test_rates_must_equal_their_amounts() -> None:
    facts = _facts(
        satisfaction={"respondents": 200, "satisfied": 180, "rate": "95%"},
        budget={"adjusted": 1000},
        execution={"cumulative_spend": {"m6": 640}, "progress": {"m6": "60%"}},
    )
    found = _codes(check_facts(facts))
    assert "rate.satisfaction" in found and "90%" in found["rate.satisfaction"].message
    assert "rate.progress" in found and "6月末" in found["rate.progress"].message


def test_rounded_rates_are_accepted() -> None:
    facts = _facts(satisfaction={"respondents": 3, "satisfied": 2, "rate": "66.67%"})
    assert "rate.satisfaction" not in _codes(check_facts(facts))


def test_percent_typed_as_integer_and_series_that_fall() -> None:
    facts = _facts(
        execution={"progress": {"m6": 64, "m9": "78%"}, "cumulative_spend": {"m3": 300, "m6": 250}}
    )
    found = _codes(check_facts(facts))
    assert "range.rate_as_percent" in found and "6400%" in found["range.rate_as_percent"].message
    assert "monotonic.cumulative_spend" in found
    assert "3月末为300" in found["monotonic.cumulative_spend"].message


def test_staff_over_establishment_and_assets() -> None:
    facts = _facts(
        staffing={"authorized": 34, "on_payroll": 36}, fixed_assets={"total": 100, "in_use": 120}
    )
    found = _codes(check_facts(facts))
    assert found["compare.on_payroll_over_authorized"].severity is Severity.WARNING
    assert found["compare.assets_in_use"].severity is Severity.ERROR


def test_target_types_that_cannot_hold() -> None:
    facts = _facts(
        targets=[
            {"name": "人均培训成本", "category": "成本指标", "comparator": "≥", "target": 300},
            {"name": "满意度", "level1": "满意度指标", "comparator": "≤", "target": "90%"},
            {"name": "响应时间", "comparator": "≥", "polarity": "反向", "target": 30},
            {"name": "宣传覆盖", "comparator": "≥", "target": "全面覆盖"},
            {"name": "合格率", "comparator": "≥", "target": "95%", "actual": 96},
            {"name": "检查次数", "comparator": "≥", "target": 10, "points": 5, "score": 6},
        ],
        key_tasks=[{"name": "专项整治", "done": False, "on_time": True}],
    )
    found = _codes(check_facts(facts))
    for code in (
        "target.cost_not_min",
        "target.satisfaction_not_max",
        "target.polarity_conflict",
        "target.not_measurable",
        "target.percent_mismatch",
        "target.score_over_points",
        "task.on_time_not_done",
    ):
        assert code in found, code
    assert "「人均培训成本」" in found["target.cost_not_min"].message
    assert found["target.cost_not_min"].fields == ("targets[0].category", "targets[0].comparator")


def test_project_and_sub_project_checks() -> None:
    facts = _facts(
        projects=[
            {"name": "A", "budget": 100, "spent": 120},
            {
                "name": "B",
                "budget": 50,
                "spent": 40,
                "sub_projects": [{"name": "B1", "spent": 30}, {"name": "B2", "spent": 20}],
            },
        ]
    )
    found = _codes(check_facts(facts))
    assert "「A」" in found["compare.project_over_budget"].message
    assert found["compare.project_over_budget"].fields == (
        "projects[0].budget",
        "projects[0].spent",
    )
    assert (
        "「B」" in found["sum.sub_projects"].message and "50" in found["sum.sub_projects"].message
    )


def test_plausibility_needs_a_comment() -> None:
    flagged = _facts(budget={"actual": 1500, "prior_year_actual": 100})
    found = _codes(check_facts(flagged))["plausibility.spend_change"]
    assert (
        found.severity is Severity.WARNING
        and "15倍" in found.message
        and "comments" in found.message
    )
    explained = _facts(
        budget={"actual": 1500, "prior_year_actual": 100},
        comments={"plausibility.spend_change": "本年承接全县灾后重建资金"},
    )
    found = _codes(check_facts(explained))["plausibility.spend_change"]
    assert found.severity is Severity.INFO and "灾后重建" in found.message


def test_negative_amounts() -> None:
    facts = _facts(budget={"initial": -5, "adjustment": -20}, projects=[{"name": "A", "spent": -1}])
    found = [f for f in check_facts(facts) if f.code == "amounts.negative"]
    assert {f.fields[0] for f in found} == {
        "budget.initial",
        "projects[0].spent",
    }  # a cut is not flagged


def test_rules_are_data() -> None:
    book = default_rules()
    assert len(book.rules) >= 30
    assert RULES_FILE.suffix == ".yaml"
    source = (Path(__file__).resolve().parents[2] / "src/jixiao/facts/checks.py").read_text(
        encoding="utf-8"
    )
    for seed_figure in ("4472.93", "1602", "柳城", "龙岗", "昆明"):
        assert seed_figure not in source


def test_custom_rule_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "rules:\n"
        "  - code: local.revenue\n"
        "    severity: warning\n"
        "    title: 收入不低于支出\n"
        "    kind: compare\n"
        "    left: budget.revenue\n"
        "    op: '≥'\n"
        "    right: budget.actual\n",
        encoding="utf-8",
    )
    facts = _facts(budget={"revenue": 90, "actual": 100})
    found = check_facts(facts, load_rules(path))
    assert [f.code for f in found] == ["local.revenue"]
    assert found[0].message == "收入不低于支出不成立：预算收入90，实际支出100"


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("rules:\n  - {code: a, severity: error, title: t, kind: sum, total: x}\n", "parts"),
        (
            "rules:\n  - {code: a, severity: error, title: t, kind: compare, left: 'a +', op: '=', right: b}\n",
            "公式",
        ),
        (
            "rules:\n  - {code: a, severity: error, title: t, kind: range, facts: [x], colour: red}\n",
            "colour",
        ),
        ("rules:\n  - {code: a, severity: fatal, title: t, kind: range, facts: [x]}\n", "severity"),
    ],
)
def test_bad_rule_files_are_refused(text: str, phrase: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rules(text, "rules.yaml")
    assert phrase in str(caught.value)


def test_finding_to_dict_with_cells() -> None:
    facts = _facts(staffing={"on_payroll": 34, "on_payroll_by_type": {"行政编": 16, "事业编": 28}})
    found = _codes(check_facts(facts))["sum.on_payroll_by_type"]
    data = found.to_dict(
        {"staffing.on_payroll": "人员编制!C7", "staffing.on_payroll_by_type": "人员编制!C8"}
    )
    assert data["cells"] == ["人员编制!C7", "人员编制!C8"]
    assert found.to_finding().severity is Severity.ERROR
    assert Decimal(16) + Decimal(28) != Decimal(34)
