"""The official forms: every example round-trips through every layout; real-world forms read."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles import Alignment

from jixiao.cli.evaluate import evaluate_case
from jixiao.engine import evaluate
from jixiao.engine.numbers import Percent
from jixiao.facts.case import Case
from jixiao.frameworks import load_framework
from jixiao.io.excel import read_workbook, write_workbook
from jixiao.io.excel.forms import LAYOUTS, carried_facts, combined_text, split_combined
from tests.io._support import CASES, EXAMPLES, canon, example


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("name", CASES)
def test_every_example_round_trips_through_every_layout(
    name: str, layout: str, tmp_path: Path
) -> None:
    """Export then import gives identical facts — those the layout carries (``carried_facts``)."""
    loaded = example(name)
    path = write_workbook(tmp_path / "form.xlsx", loaded.case, layout)
    imported = read_workbook(path)
    assert imported.layout == layout
    assert canon(carried_facts(imported.case, layout)) == canon(carried_facts(loaded.case, layout))
    assert imported.case.framework == loaded.case.framework  # from the form's 说明 sheet


def test_forms_carry_targets_funds_and_goals() -> None:
    carried = carried_facts(example("liucheng-2021-self").case, "mof10-project")
    assert len(carried["targets"]) == 19
    assert carried["budget.total"] == {
        "initial": Decimal("795.31"),
        "adjusted": Decimal("1440.56"),
        "actual": Decimal("1440.56"),
    }


def test_printed_rate_and_total_become_claims(tmp_path: Path) -> None:
    loaded = example("longgang-2020")
    result = evaluate_case(EXAMPLES / "longgang-2020")
    path = write_workbook(tmp_path / "f.xlsx", loaded.case, "mof10-unit", result=result)
    case = read_workbook(path).case
    claims = {c.label or "total": c for c in case.claims}
    assert claims["预算执行率"].printed == "97.35%"
    assert claims["预算执行率"].where == "部门整体支出绩效自评表!H6"
    assert claims["total"].total == "93.86"
    evaluated = evaluate(load_framework(case.framework), case.to_engine())
    assert not [
        f for f in evaluated.findings if f.code.startswith("claim.") and "预算执行率" in f.message
    ]


def test_export_fills_scores_from_results(tmp_path: Path) -> None:
    case = Case.model_validate(
        {
            "case": "p",
            "title": "某项目2022年度自评",
            "framework": "national-2020-10-project-self",
            "facts": {
                "unit": {"name": "某县应急管理局", "department": "某县应急管理局"},
                "subject": "应急物资储备项目",
                "year": 2022,
                "budget": {"initial": 100, "adjusted": 120, "actual": 114},
                "targets": [
                    {
                        "level1": "产出指标",
                        "category": "数量指标",
                        "name": "储备物资批次",
                        "comparator": "≥",
                        "target": 10,
                        "unit": "批",
                        "actual": 8,
                    },
                    {
                        "level1": "满意度指标",
                        "category": "服务对象满意度指标",
                        "name": "满意度",
                        "comparator": "≥",
                        "target": "90%",
                        "actual": "95%",
                    },
                ],
            },
        }
    )
    result = evaluate(load_framework(case.framework), case.to_engine())
    path = write_workbook(tmp_path / "f.xlsx", case, "mof10-project", result=result)
    sheet = openpyxl.load_workbook(path)["项目支出绩效自评表"]
    assert sheet["B3"].value == "应急物资储备项目"
    assert sheet["H6"].value == pytest.approx(0.95)  # 114/120
    assert sheet["I6"].value == pytest.approx(9.5)
    values = {
        sheet.cell(r, 4).value: (sheet.cell(r, 5).value, sheet.cell(r, 8).value)
        for r in range(13, 15)
    }
    assert values["储备物资批次"] == ("≥10批", pytest.approx(10.0))  # 12.5 × 8/10
    assert values["满意度"][0] == "≥90%"
    back = read_workbook(path).case
    assert back.facts.subject == "应急物资储备项目"
    assert back.facts.targets[0].unit == "批" and back.facts.targets[0].comparator == "≥"


def _official_style_form(path: Path, full_width: bool = False) -> Path:
    """A 10号 form laid out by hand as units publish them: merged cells, spacer rows, “其中：”."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet1"
    ws.merge_cells("A1:I1")
    ws["A1"] = "项目支出绩效自评表"
    ws.merge_cells("A2:I2")
    ws["A2"] = "（ 2022 年度）"
    ws["A3"], ws["B3"] = "项目名称", "应急物资储备项目"
    ws.merge_cells("B3:I3")
    ws["A4"], ws["B4"], ws["F4"], ws["G4"] = (
        "主管部门",
        "某县应急管理局",
        "实施单位",
        "某县应急管理局",
    )
    # a blank spacer row 5
    ws.merge_cells("A6:A10")
    ws["A6"] = "项目资金\n（万元）"
    headers = ["年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"]
    if full_width:
        headers = [
            "年初预算数",
            "全年预算数（Ａ）",
            "全年执行数（Ｂ）",
            "分　值",
            "执行率（Ｂ／Ａ）",
            "得分",
        ]
    for col, text in zip("DEFGHI", headers, strict=True):
        ws[f"{col}6"] = text
    rows = [
        ("年度资金总额", 100, 120, 114, 10, "95.00%", 9.5),
        ("其中：当年财政拨款", 100, 110, 104.5, "—", "—", "—"),
        ("上年结转资金", None, 10, 9.5, "—", "—", "—"),
        ("其他资金", None, None, None, "—", "—", "—"),
    ]
    for r, row in enumerate(rows, start=7):
        ws.merge_cells(f"B{r}:C{r}")
        for col, value in zip("BDEFGHI", row, strict=True):
            ws[f"{col}{r}"] = value
    ws.merge_cells("A11:A12")
    ws["A11"], ws["B11"], ws["F11"] = "年度总体目标", "预期目标", "实际完成情况"
    ws.merge_cells("B11:E11")
    ws.merge_cells("F11:I11")
    ws.merge_cells("B12:E12")
    ws.merge_cells("F12:I12")
    ws["B12"], ws["F12"] = "储备应急物资10批", "完成8批"
    ws.merge_cells("A13:A18")
    ws["A13"] = "绩效指标"
    for col, text in zip(
        "BCDEFGHI",
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ],
        strict=True,
    ):
        ws[f"{col}13"] = text
    ws.merge_cells("B14:B16")
    ws["B14"] = "产出指标（50分）"
    ws.merge_cells("C14:C15")
    ws["C14"] = "数量指标"
    ws["D14"], ws["E14"], ws["F14"], ws["G14"], ws["H14"] = "储备物资批次", "≥10批", "8批", 25, 20
    ws["D15"], ws["E15"], ws["F15"], ws["G15"], ws["H15"] = "储备库房数", "＝２个", 2, 15, 15
    ws["C16"], ws["D16"], ws["E16"], ws["F16"], ws["G16"], ws["H16"] = (
        "成本指标",
        "单批采购成本",
        "≤30万元",
        "28万元",
        10,
        10,
    )
    ws["I14"] = "受供货延迟影响"
    # row 17: spacer
    ws["B18"], ws["C18"], ws["D18"], ws["E18"], ws["F18"], ws["G18"], ws["H18"] = (
        "满意度指标",
        "服务对象满意度指标",
        "受益群众满意度",
        "≥90%",
        0.95,
        10,
        10,
    )
    ws["A19"], ws["G19"], ws["H19"] = "总分", 100, 64.5
    ws.merge_cells("A19:F19")
    ws["A19"].alignment = Alignment(horizontal="center")
    book.save(path)
    return path


@pytest.mark.parametrize("full_width", [False, True])
def test_hand_made_official_form_is_read(tmp_path: Path, full_width: bool) -> None:
    path = _official_style_form(tmp_path / "form.xlsx", full_width)
    imported = read_workbook(path, framework="national-2020-10-project-self")
    facts = imported.case.facts
    assert imported.layout == "mof10-project"
    assert facts.year == 2022 and facts.subject == "应急物资储备项目"
    assert facts.unit.name == "某县应急管理局" and facts.amount_unit == "万元"
    assert (facts.budget.initial, facts.budget.adjusted, facts.budget.actual) == (100, 120, 114)
    assert set(facts.budget.funds) == {"当年财政拨款", "上年结转资金"}
    assert facts.budget.funds["上年结转资金"].actual == Decimal("9.5")
    assert facts.overall_goal.planned == "储备应急物资10批"
    targets = {t.name: t for t in facts.targets}
    assert len(targets) == 4
    assert (
        targets["储备物资批次"].level1 == "产出指标"
    )  # “（50分）” dropped, merged cells inherited
    assert targets["储备库房数"].category == "数量指标"
    assert (
        targets["储备物资批次"].comparator,
        targets["储备物资批次"].target,
        targets["储备物资批次"].unit,
    ) == ("≥", 10, "批")
    assert targets["储备物资批次"].actual == 8  # “8批” is 8 of the target's unit
    assert (targets["储备库房数"].comparator, targets["储备库房数"].target) == ("=", 2)
    assert targets["单批采购成本"].comparator == "≤" and targets["单批采购成本"].unit == "万元"
    assert targets["受益群众满意度"].target == Percent("0.9")
    assert targets["受益群众满意度"].actual == Decimal("0.95")
    assert targets["储备物资批次"].deviation_reason == "受供货延迟影响"
    claims = {c.label or "total": c for c in imported.case.claims}
    assert claims["预算执行率"].printed == "95.00%"
    assert claims["total"].total == "64.5"
    assert imported.locations["budget.actual"] == "Sheet1!F7"
    assert imported.locations["targets[0].actual"] == "Sheet1!F14"


def test_sichuan_form_is_detected_by_its_columns(tmp_path: Path) -> None:
    loaded = example("liucheng-2021-self")
    narrative = {
        "conclusion": "目标基本完成",
        "problems": "指标设置不够细",
        "measures": "细化指标",
        "project_leader": "张三",
    }
    case = loaded.case.model_copy(update={"narrative": narrative})
    path = write_workbook(tmp_path / "sc.xlsx", case, "sichuan-project")
    book = openpyxl.load_workbook(path)
    del book["说明"]  # a unit's own file has no jixiao cover
    book.save(path)
    imported = read_workbook(path, framework="national-2020-10-project-self")
    assert imported.layout == "sichuan-project"
    assert imported.case.narrative == narrative
    assert imported.case.facts.targets[0].comparator == "定性"


def test_form_without_framework_names_the_option(tmp_path: Path) -> None:
    from jixiao.io.excel import WorkbookError

    path = _official_style_form(tmp_path / "form.xlsx")
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    assert caught.value.codes == ["excel.framework_missing"]
    assert "--framework" in caught.value.problems[0].message


COMPARATORS = st.sampled_from([None, "≥", "≤", "=", ">", "<"])
NUMBERS = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False).map(
    lambda d: Decimal(format(d.normalize(), "f"))
)
UNITS = st.sampled_from([None, "次", "个", "万元", "人", "天"])


@settings(max_examples=200, deadline=None)
@given(comparator=COMPARATORS, number=NUMBERS, percent=st.booleans(), unit=UNITS)
def test_combined_value_cell_round_trips(
    comparator: str | None, number: Decimal, percent: bool, unit: str | None
) -> None:
    value: Decimal = Percent(number / 100) if percent else number
    unit = None if percent else unit
    text = combined_text(comparator, value, unit)
    assert split_combined(text) == (comparator, value, unit)
