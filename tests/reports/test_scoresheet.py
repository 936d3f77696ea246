"""The Excel 评分表: official layout, every score the engine's, printable A4 landscape."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.engine.numbers import format_number
from jixiao.reports.scoresheet import COMPARISON_SHEET, SHEET
from tests.reports.conftest import CASES, SELF, Rendered


def number(value: object) -> Decimal:
    return Decimal(str(value))


@pytest.fixture(params=CASES)
def sheet(
    request: pytest.FixtureRequest, rendered: dict[str, Rendered]
) -> tuple[Rendered, Worksheet]:
    item = rendered[request.param]
    assert item.outputs.xlsx is not None and item.outputs.xlsx.name == "评分表.xlsx"
    book = load_workbook(item.outputs.xlsx)
    return item, book[SHEET]


def header(ws: Worksheet) -> dict[str, int]:
    return {str(c.value): c.column for c in ws[3] if c.value}


def rows_by_code(ws: Worksheet) -> dict[str, tuple[object, object]]:
    cols = header(ws)
    found = {}
    for row in ws.iter_rows(min_row=4):
        code = row[cols["指标编码"] - 1].value
        if code:
            found[str(code)] = (row[cols["分值"] - 1].value, row[cols["得分"] - 1].value)
    return found


def test_layout_columns(sheet: tuple[Rendered, Worksheet]) -> None:
    item, ws = sheet
    depth = max(len(i.path) for i in item.evaluated.result.indicators)
    levels = ["一级指标", "二级指标", "三级指标", "四级指标"][:depth]
    names = [c.value for c in ws[3] if c.value]
    assert names == [*levels, "分值", "指标解释", "评分标准", "得分", "扣分说明", "指标编码"]
    assert ws.column_dimensions[ws.cell(3, len(names)).column_letter].hidden
    assert str(ws["A1"].value).endswith("指标评分表")


def test_every_indicator_total_and_grade(sheet: tuple[Rendered, Worksheet]) -> None:
    item, ws = sheet
    result = item.evaluated.result
    found = rows_by_code(ws)
    for indicator in result.indicators:
        maximum, score = found[indicator.code]
        assert number(maximum) == indicator.max, indicator.code
        assert number(score) == indicator.score, indicator.code
    maximum, total = found["total"]
    assert number(total) == result.total and number(maximum) == result.max
    cols = header(ws)
    grade_row = next(r for r in ws.iter_rows(min_row=4) if r[cols["指标编码"] - 1].value == "grade")
    assert str(grade_row[cols["分值"] - 1].value).startswith(f"{result.grade}（")
    assert len(found) == len(result.indicators) + 2


def test_levels_are_merged_and_subtotals_follow_leaves(sheet: tuple[Rendered, Worksheet]) -> None:
    item, ws = sheet
    result = item.evaluated.result
    vertical = {
        ws.cell(m.min_row, 1).value
        for m in ws.merged_cells.ranges
        if m.min_col == m.max_col == 1 and m.max_row > m.min_row
    }
    labels = [str(r[0].value) for r in ws.iter_rows(min_row=4) if r[0].value]
    for top in (i for i in result.indicators if len(i.path) == 1 and not i.is_leaf):
        below = [i for i in result.indicators if i.path[:1] == top.path and i is not top]
        if len(below) > 1:  # one row per descendant (leaves and subtotals)
            assert top.name in vertical
        assert labels.index(f"{top.name}小计") > labels.index(top.name)


def test_print_setup_is_a4_landscape_one_page_wide(sheet: tuple[Rendered, Worksheet]) -> None:
    _, ws = sheet
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth or 1) == 1  # OOXML default: 1 page wide
    assert ws.page_setup.fitToHeight == 0  # as many pages tall as needed
    assert ws.print_title_rows == "$3:$3"


def test_explanations_are_the_engines(rendered: dict[str, Rendered]) -> None:
    item = rendered["liucheng-2021-reeval"]
    ws = load_workbook(item.outputs.xlsx)[SHEET]
    cols = header(ws)
    by_code = {
        str(r[cols["指标编码"] - 1].value): str(r[cols["扣分说明"] - 1].value or "")
        for r in ws.iter_rows(min_row=4)
    }
    for leaf in item.evaluated.result.leaves():
        assert by_code[leaf.code] == leaf.explanation
    assert "在职人员控制率=38/34=111.76%" in by_code["input.allocation.in_post_control_rate"]


def test_comparison_sheet(rendered: dict[str, Rendered]) -> None:
    item = rendered[SELF.name]
    book = load_workbook(item.outputs.xlsx)
    assert book.sheetnames == [SHEET, COMPARISON_SHEET]
    ws = book[COMPARISON_SHEET]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    total = next(v for v in values if v[1] == "总分")
    assert (number(total[3]), number(total[7]), number(total[9])) == (
        Decimal(98),
        Decimal("85.5"),
        Decimal("-12.5"),
    )
    first = values[0]
    assert first[1] == "预算执行率" and first[5] == "预算完成率"
    assert "未能对应" in str(values[-1][0])
    assert format_number(Decimal("85.5")) == "85.5"
