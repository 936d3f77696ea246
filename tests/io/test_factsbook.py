"""The jixiao facts workbook: it carries a whole case, round-trips exactly, and reads loosely."""

from __future__ import annotations

import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jixiao.engine.numbers import Percent
from jixiao.facts.case import Case
from jixiao.io.excel import read_workbook, write_workbook
from jixiao.io.excel.factsbook import SHEET_ORDER, write_facts_workbook
from tests.io._support import CASES, canon, edit_cells, example, sheet_member


@pytest.mark.parametrize("name", CASES)
def test_every_example_round_trips_exactly(name: str, tmp_path: Path) -> None:
    """export → import gives the same case: every fact, given score, claim, note and source."""
    loaded = example(name)
    path = write_workbook(tmp_path / "facts.xlsx", loaded.case, "facts", loaded.sources)
    imported = read_workbook(path)
    assert canon(imported.case.model_dump()) == canon(loaded.case.model_dump())
    assert imported.sources == loaded.sources
    assert imported.layout == "facts"


def test_template_is_documented_and_protected(tmp_path: Path) -> None:
    path = write_facts_workbook(tmp_path / "facts.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == list(SHEET_ORDER)
    assert book.properties.creator == "jixiao"  # file properties say who made it
    targets = book["绩效指标"]
    headers = [c.value for c in targets[3]]
    assert "*三级指标" in headers and "指标性质" in headers
    assert all(targets.cell(3, i + 1).comment is not None for i in range(len(headers)))
    assert targets.protection.sheet  # header rows locked
    assert targets["E3"].protection.locked
    column_style = targets.column_dimensions["E"]._style  # empty data cells take the column's
    assert not book._protections[column_style.protectionId].locked  # data rows editable
    lists = [dv.formula1 for dv in targets.data_validations.dataValidation]
    assert any("≥" in f and "定性" in f for f in lists)  # comparator drop-down
    assert any("产出指标" in f for f in lists)
    budget = book["预算"]
    assert budget["B3"].value == "年初预算（万元）"
    assert [budget.cell(r, 1).value for r in range(4, 9)] == [
        "支出合计",
        "基本支出",
        "人员经费",
        "公用经费",
        "项目支出",
    ]
    assert "jixiao" in book["说明"]["A1"].value


def _fill(template: Path, out: Path) -> Path:
    """What a finance officer does: fill the template in Excel."""
    book = openpyxl.load_workbook(template)
    cover = book["说明"]
    cover["B4"], cover["B5"], cover["B6"] = (
        "t-2022",
        "某县应急管理局2022年度部门整体支出绩效自评",
        "national-2013-53-unit-overall",
    )
    unit = book["单位"]
    unit["B4"], unit["B6"], unit["B7"], unit["B8"] = "某县应急管理局", "县", "某县人民政府", 2022
    staff = book["人员编制"]
    for r, row in enumerate(
        [
            ("核定编制", None, 30),
            ("核定编制", "行政编制", 20),
            ("核定编制", "事业编制", 10),
            ("在编", None, 28),
            ("实际在职", None, 31),
            ("编外", "劳务派遣", 3),
        ],
        start=4,
    ):
        for c, value in zip("ABC", row, strict=True):
            staff[f"{c}{r}"] = value
    budget = book["预算"]
    budget["B4"], budget["C4"], budget["D4"] = 1000, 1200.5, 1180.25
    budget["D5"], budget["D8"] = 700.25, 480
    budget["E4"] = 1100
    sources = book["收入来源"]
    for r, (name, planned, arrived) in enumerate(
        [("中央财政", 100, 100), ("县财政", 1100.5, 1080.25)], start=4
    ):
        sources[f"A{r}"], sources[f"C{r}"], sources[f"D{r}"] = name, planned, arrived
    progress = book["支出进度"]
    progress["B4"], progress["C4"], progress["D4"] = 300, "25%", 0.25
    progress["B5"], progress["C5"], progress["D5"] = 650.5, 0.54, "50%"
    tp = book["三公经费"]
    tp["B4"], tp["D4"], tp["E4"] = 12, 10.5, 11
    tp["B6"], tp["D6"] = 8, 7.5
    tp["B5"], tp["D5"] = 4, 3
    finance = book["其他财务"]
    finance["B4"], finance["B10"], finance["B11"] = -20.5, 120, 118.8
    projects = book["项目"]
    rows = [
        ("1", None, "P01", "安全生产专项", 300, 320, 318.5, "是"),
        ("1.1", "1", None, "执法检查", None, 120, 119, "是"),
        ("1.2", "1", None, "宣传培训", None, 200, 199.5, "否"),
        ("2", None, "P02", "应急物资储备", 150, 150, 149, "是"),
    ]
    for r, row in enumerate(rows, start=4):
        for c, value in zip("ABCDEFGH", row, strict=True):
            projects[f"{c}{r}"] = value
    targets = book["绩效指标"]
    rows_t = [
        (
            1,
            None,
            "产出指标",
            "数量指标",
            "开展执法检查",
            None,
            "≥",
            400,
            "次",
            None,
            420,
            None,
            10,
        ),
        (
            2,
            None,
            "产出指标",
            "成本指标",
            "人均培训成本",
            None,
            "≤",
            300,
            "元",
            None,
            280,
            "反向",
            10,
        ),
        (
            3,
            None,
            "满意度指标",
            "服务对象满意度指标",
            "群众满意度",
            None,
            "≥",
            "90%",
            None,
            None,
            0.95,
            None,
            10,
        ),
        (
            4,
            None,
            "效益指标",
            "社会效益指标",
            "事故起数下降",
            None,
            "定性",
            None,
            None,
            None,
            None,
            None,
            10,
        ),
    ]
    for r, row in enumerate(rows_t, start=4):
        for c, value in zip("ABCDEFGHIJKLM", row, strict=True):
            targets[f"{c}{r}"] = value
    targets["N7"], targets["O7"] = "部分达成", "70%"
    tasks = book["重点工作"]
    tasks["B4"], tasks["E4"], tasks["F4"] = "安全生产专项整治", "是", "是"
    satisfaction = book["满意度与信访"]
    satisfaction["B4"], satisfaction["B5"], satisfaction["B6"] = 200, 190, "95%"
    satisfaction["B7"], satisfaction["B9"] = 12, 11
    disclosure = book["信息公开"]
    disclosure["B4"] = datetime(2022, 2, 10)
    checklists = book["评价要点"]
    for r, (key, seq, ok) in enumerate(
        [("fund_compliance", 1, "是"), ("fund_compliance", 2, "否")], start=4
    ):
        checklists[f"A{r}"], checklists[f"B{r}"], checklists[f"D{r}"] = key, seq, ok
    judgments = book["等级判定"]
    judgments["A4"], judgments["B4"] = "indicator_clarity", "较明确"
    judgments["A5"], judgments["C5"] = "goal_attainment", "{level: 部分达成, score: 7.5}"
    issues = book["问题清单"]
    issues["A4"], issues["C4"], issues["D4"] = "self_evaluation", "自评内容不完整", 0.5
    issues["A5"] = "economic_benefit"
    given = book["评价人给分"]
    given["A4"], given["B4"], given["C4"], given["D4"] = (
        "预算编制科学性",
        4,
        "编制依据不充分",
        "预算批复文件",
    )
    book["出处"]["A4"], book["出处"]["B4"] = "budget.initial", "预算批复表"
    book.save(out)
    return out


def test_template_filled_imported_exported_imported_is_identical(tmp_path: Path) -> None:
    template = write_facts_workbook(tmp_path / "template.xlsx")
    filled = _fill(template, tmp_path / "filled.xlsx")
    first = read_workbook(filled)
    facts = first.case.facts
    assert facts.unit.name == "某县应急管理局" and facts.year == 2022
    assert facts.budget.adjusted == Decimal("1200.5") and facts.budget.project is not None
    assert facts.budget.adjustment == Decimal("-20.5")
    assert facts.staffing.authorized_by_type == {"行政编制": 20, "事业编制": 10}
    assert facts.staffing.outside_by_type == {"劳务派遣": 3}
    assert isinstance(facts.execution.progress["m3"], Percent)
    assert facts.execution.progress["m6"] == Decimal("0.54")
    assert [p.name for p in facts.projects] == ["安全生产专项", "应急物资储备"]
    assert [s.name for s in facts.projects[0].sub_projects] == ["执法检查", "宣传培训"]
    assert facts.projects[0].sub_projects[1].on_time is False
    assert facts.targets[2].target == Decimal("0.9") and isinstance(
        facts.targets[2].target, Percent
    )
    assert facts.targets[3].tier == "部分达成" and facts.targets[3].share == Decimal("0.7")
    assert (
        facts.disclosure.budget is not None and facts.disclosure.budget.isoformat() == "2022-02-10"
    )
    assert facts.checklists == {"fund_compliance": [True, False]}
    assert facts.judgments["goal_attainment"] == {"level": "部分达成", "score": Decimal("7.5")}
    assert facts.issues == {
        "self_evaluation": [{"text": "自评内容不完整", "deduct": Decimal("0.5")}],
        "economic_benefit": [],
    }
    assert first.case.given["预算编制科学性"].score == 4
    assert first.sources == {"budget.initial": "预算批复表"}
    exported = write_workbook(tmp_path / "again.xlsx", first.case, "facts", first.sources)
    second = read_workbook(exported)
    assert canon(second.case.model_dump()) == canon(first.case.model_dump())
    assert second.sources == first.sources


def test_amount_unit_in_header_converts_exactly(tmp_path: Path) -> None:
    loaded = example("longgang-2020")
    path = write_workbook(tmp_path / "f.xlsx", loaded.case, "facts", loaded.sources)
    edit_cells(
        path,
        {
            ("预算", "D3"): "实际支出（元）",
            ("预算", "D4"): 91489200,
            ("预算", "D5"): 44729300,
            ("预算", "D6"): 46759900,
            ("其他财务", "C10"): "元",
            ("其他财务", "B10"): 17917100,
        },
    )
    facts = read_workbook(path).case.facts
    assert facts.amount_unit == "万元"
    assert facts.budget.actual == Decimal("9148.92")
    assert facts.budget.basic is not None and facts.budget.basic.actual == Decimal("4472.93")
    assert facts.procurement.budget == Decimal("1791.71")


def test_formula_cells_are_read_as_their_cached_values(tmp_path: Path) -> None:
    loaded = example("kunming-2020")
    path = write_workbook(tmp_path / "f.xlsx", loaded.case, "facts", loaded.sources)
    member = sheet_member(path, "预算")
    with zipfile.ZipFile(path) as archive:
        text = archive.read(member).decode()
    start = text.index('<c r="D4"')
    end = text.index("</c>", start) + 4
    cell = text[start:end]
    formula = cell.replace("><v>", "><f>D5+D8</f><v>", 1)
    patched = tmp_path / "formula.xlsx"
    from tests.io._support import patch_xml

    patch_xml(path, member, lambda t: t.replace(cell, formula), patched)
    assert "<f>" in formula
    assert read_workbook(patched).case.facts.budget.actual == Decimal("4920.88")


def test_text_that_looks_like_a_formula_is_neutralised(tmp_path: Path) -> None:
    loaded = example("liucheng-2021-self")
    names = ['=HYPERLINK("http://x","点击")', "+1+1", "-2", "@SUM(A1)"]
    targets = list(loaded.case.facts.targets)
    for index, name in enumerate(names):
        targets[index] = targets[index].model_copy(update={"name": name})
    facts = loaded.case.facts.model_copy(update={"targets": targets})
    case = loaded.case.model_copy(update={"facts": facts})
    path = write_workbook(tmp_path / "f.xlsx", case, "facts", loaded.sources)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read(sheet_member(path, "绩效指标")).decode()
        styles = archive.read("xl/styles.xml").decode()
    assert "<f>" not in sheet  # never a formula
    assert 'quotePrefix="1"' in styles
    book = openpyxl.load_workbook(path)
    cells = {book["绩效指标"][f"E{r}"].value for r in range(4, 8)}
    assert cells == set(names)
    assert all(book["绩效指标"][f"E{r}"].quotePrefix for r in range(4, 8))
    back = read_workbook(path).case.facts.targets
    assert [t.name for t in back[:4]] == names


def test_headers_read_loosely(tmp_path: Path) -> None:
    """Full-width header text, spacer rows, reordered and extra columns."""
    loaded = example("longgang-2020")
    path = write_workbook(tmp_path / "f.xlsx", loaded.case, "facts", loaded.sources)
    book = openpyxl.load_workbook(path)
    sheet = book["项目"]
    sheet.protection.sheet = False
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3, max_row=sheet.max_row)]
    for area in list(sheet.merged_cells.ranges):
        sheet.unmerge_cells(str(area))
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
        for cell in row:
            cell.value = None
    header = [
        "备注",
        "项目名称 ",
        "＊序号",
        "执 行 数（万元）",
        "全年预算（万元）",
        "项目编码",
        "年初预算",
        "完成及时",
        "上级序号",
    ]
    order = [None, 3, 0, 6, 5, 2, 4, 7, 1]
    sheet.append([])
    for index, value in enumerate(header, start=1):
        sheet.cell(5, index, value)
    r = 7
    for data in rows[1:]:
        if r % 4 == 0:
            r += 1  # a blank spacer row now and then
        for index, source in enumerate(order, start=1):
            sheet.cell(r, index, "随手记" if source is None else data[source])
        r += 1
    book.save(path)
    imported = read_workbook(path).case
    assert canon(imported.facts.projects) == canon(loaded.case.facts.projects)


def test_blank_template_needs_unit_year_and_framework(tmp_path: Path) -> None:
    from jixiao.io.excel import WorkbookError

    path = write_facts_workbook(tmp_path / "t.xlsx")
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    codes = {(p.code, p.sheet) for p in caught.value.problems}
    assert ("excel.required", "单位") in codes
    assert ("excel.framework_missing", "说明") in codes
    assert len(caught.value.problems) >= 3  # all at once: name, year and framework


def test_framework_given_on_the_command_line(tmp_path: Path) -> None:
    loaded = example("kunming-2020")
    path = write_workbook(tmp_path / "f.xlsx", loaded.case, "facts", loaded.sources)
    edit_cells(path, {("说明", "B6"): None})
    case: Case = read_workbook(path, framework="kunming-2020").case
    assert case.framework == "kunming-2020"
