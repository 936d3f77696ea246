"""The Word report: every number in it is the engine's, its structure follows the seeds."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.table import Table

from jixiao.engine import IndicatorResult, Result
from jixiao.engine.numbers import format_number
from jixiao.reports import narrative
from jixiao.reports.render import render_case
from tests.reports.conftest import CASES, SELF, Rendered

SECTIONS = [
    "一、部门（单位）基本情况",
    "二、绩效目标及完成情况",
    "三、评价工作开展情况",
    "四、评价结论及绩效分析",
    "五、存在的问题及原因分析",
    "六、改进措施及建议",
    "七、评价结果应用及公开",
    "附件",
]


def text_of(doc: DocxDocument) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def expected_sheet(result: Result) -> list[tuple[str, str, str]]:
    """The 评分表 rows the official layout asks for: leaves, then each branch's subtotal."""
    kids: dict[tuple[str, ...], list[IndicatorResult]] = {}
    for item in result.indicators:
        kids.setdefault(tuple(item.path[:-1]), []).append(item)
    rows: list[tuple[str, str, str]] = []

    def visit(items: list[IndicatorResult]) -> None:
        for item in items:
            below = kids.get(tuple(item.path), [])
            if below:
                visit(below)
            label = item.name + ("小计" if below else "")
            rows.append((label, format_number(item.max), format_number(item.score)))

    visit(kids[()])
    return rows


def table_with_header(doc: DocxDocument, first: str) -> Table:
    for table in doc.tables:
        if table.rows[0].cells[0].text == first:
            return table
    raise AssertionError(f"no table starting with {first}")


@pytest.fixture(params=CASES)
def case(
    request: pytest.FixtureRequest, rendered: dict[str, Rendered]
) -> tuple[Rendered, DocxDocument]:
    item = rendered[request.param]
    assert item.outputs.docx is not None and item.outputs.docx.name == "自评报告.docx"
    return item, Document(str(item.outputs.docx))


def test_sections_follow_the_seeds(case: tuple[Rendered, DocxDocument]) -> None:
    _, doc = case
    headings = [
        p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    assert headings == SECTIONS


def test_no_template_tag_is_left(case: tuple[Rendered, DocxDocument]) -> None:
    _, doc = case
    text = text_of(doc)
    assert "{{" not in text and "{%" not in text and "}}" not in text


def test_total_and_grade_are_the_engines(case: tuple[Rendered, DocxDocument]) -> None:
    item, doc = case
    result = item.evaluated.result
    total = format_number(result.total)
    text = text_of(doc)
    assert f"综合得分{total}分" in text
    assert f"评价等级为“{result.grade}”" in text
    annex = doc.tables[-1]
    last = [c.text for c in annex.rows[-1].cells]
    assert last[0] == "合计" and total in last and f"评价等级：{result.grade}" in last


def test_every_indicator_score_in_the_annex(case: tuple[Rendered, DocxDocument]) -> None:
    item, doc = case
    result = item.evaluated.result
    depth = max(len(i.path) for i in result.indicators)
    annex = doc.tables[-1]
    assert [c.text for c in annex.rows[0].cells][: depth + 1][-1] == "分值"
    found = [
        (row.cells[depth - 1].text, row.cells[depth].text, row.cells[depth + 3].text)
        for row in annex.rows[1:-1]
    ]
    assert found == expected_sheet(result)


def test_every_leaf_is_explained_with_its_score(case: tuple[Rendered, DocxDocument]) -> None:
    item, doc = case
    paragraphs = [p.text for p in doc.paragraphs]
    at = 0
    for leaf in item.evaluated.result.leaves():  # in tree order, so search onwards
        heading = (
            f"{leaf.name}（分值{format_number(leaf.max)}分，得分{format_number(leaf.score)}分）"
        )
        at = next(i for i in range(at, len(paragraphs)) if paragraphs[i].endswith(heading))
        assert leaf.explanation in paragraphs[at + 1]


def test_level_table_shows_first_and_second_level_scores(
    case: tuple[Rendered, DocxDocument],
) -> None:
    item, doc = case
    result = item.evaluated.result
    table = table_with_header(doc, "一级指标")
    seen: dict[str, tuple[str, str]] = {}
    for row in table.rows[1:-1]:
        cells = [c.text for c in row.cells]
        seen[cells[0]] = (cells[1], cells[2])  # merged 一级 cells repeat in python-docx
        if cells[3] != "—":
            seen["/".join((cells[0], cells[3]))] = (cells[4], cells[5])
    for indicator in result.indicators:
        if len(indicator.path) <= 2:
            key = "/".join(indicator.path)
            assert seen[key] == (format_number(indicator.max), format_number(indicator.score)), key
    assert [c.text for c in table.rows[-1].cells][:3] == [
        "合计",
        format_number(result.max),
        format_number(result.total),
    ]


def test_tables_carry_grid_and_table_widths(case: tuple[Rendered, DocxDocument]) -> None:
    """WPS reads gridCol, Word reads tblW: every table must have both, fixed layout."""
    _, doc = case
    for table in doc.tables:
        tbl = table._tbl
        width = tbl.xpath("./w:tblPr/w:tblW/@w:w")
        grid = [int(w) for w in tbl.xpath("./w:tblGrid/w:gridCol/@w:w")]
        assert width and int(width[0]) == sum(grid) and all(g > 0 for g in grid)
        assert tbl.xpath("./w:tblPr/w:tblLayout/@w:type") == ["fixed"]


def test_charts_are_embedded(case: tuple[Rendered, DocxDocument]) -> None:
    item, doc = case
    pictures = doc.inline_shapes
    assert len(pictures) == len(item.outputs.charts) >= 1


def test_fonts_are_named_simplified_chinese(rendered: dict[str, Rendered]) -> None:
    """LibreOffice picks the Japanese Noto face unless the SC family is named."""
    doc = Document(str(rendered["liucheng-2021-reeval"].outputs.docx))
    styles = doc.styles.element.xml
    assert 'w:eastAsia="Noto Serif CJK SC"' in styles and 'w:eastAsia="Noto Sans CJK SC"' in styles
    assert "eastAsiaTheme" not in styles and "CJK JP" not in styles
    body = doc.element.body.xml
    assert "CJK JP" not in body and 'w:eastAsia="zh-CN"' in styles


def test_empty_narrative_is_a_marked_placeholder(rendered: dict[str, Rendered]) -> None:
    doc = Document(str(rendered["kunming-2020"].outputs.docx))
    text = text_of(doc)
    for key in ("functions", "eval_methods", "causes", "measures", "application"):
        field = narrative.BY_KEY[key]
        assert f"{narrative.PLACEHOLDER_MARK}{field.label}" in text
    assert "本报告以下部分尚待填写" in text


def test_narrative_is_used_as_written(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = (SELF / "case.yaml").read_text(encoding="utf-8")
    prose = {
        "functions": "负责全县应急管理工作。\n指导各级各部门应对安全生产类突发事件。",
        "causes": "绩效目标编制粗糙 & 未量化 <见附件>。",
        "measures": "细化量化绩效目标。",
    }
    block = "narrative:\n" + "".join(f"  {k}: {v!r}\n".replace("'", '"') for k, v in prose.items())
    (tmp_path / "case.yaml").write_text(source + "\n" + block, encoding="utf-8")
    out = render_case(tmp_path, tmp_path / "out", with_charts=False)
    doc = Document(str(out.docx))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "负责全县应急管理工作。" in paragraphs  # one Word paragraph per line of prose
    assert "指导各级各部门应对安全生产类突发事件。" in paragraphs
    assert "绩效目标编制粗糙 & 未量化 <见附件>。" in paragraphs  # escaped, not broken XML
    text = text_of(doc)
    assert f"{narrative.PLACEHOLDER_MARK}部门（单位）职能" not in text
    assert f"{narrative.PLACEHOLDER_MARK}评价方法" in text


def test_problems_come_from_deductions_checks_and_targets(rendered: dict[str, Rendered]) -> None:
    doc = Document(str(rendered["liucheng-2021-reeval"].outputs.docx))
    paragraphs = [p.text for p in doc.paragraphs]
    start = paragraphs.index("五、存在的问题及原因分析")
    end = paragraphs.index("六、改进措施及建议")
    section = "\n".join(paragraphs[start:end])
    assert (
        "（一）扣分事项" in section
        and "（二）数据核对发现" in section
        and "（三）绩效目标设置" in section
    )
    assert "「过程/预算执行/预算调整率」扣2分" in section
    assert "行政编16+事业编28=44，在编人数为34" in section  # seed 004's own arithmetic
    assert "报告称「预算调整率」为4.36%" in section
    assert "「应急救援宣传资料费、业务费等」作为成本指标没有金额" in section
    numbers = re.findall(r"发现以下(\d+)项问题", section)
    items = sum(1 for p in paragraphs[start:end] if re.match(r"\d+\. ", p))
    assert numbers and int(numbers[0]) == items


def test_money_tables_are_exact(rendered: dict[str, Rendered]) -> None:
    """Longgang's project table was keyed in 元: printed in 元, rows add up to the total."""
    doc = Document(str(rendered["longgang-2020"].outputs.docx))
    table = table_with_header(doc, "序号")
    text = text_of(doc)
    assert "项目支出预算执行情况（单位：元）" in text
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    budgets = [Decimal(r[2].replace(",", "")) for r in rows[:-1]]
    assert rows[-1][1] == "合计" and sum(budgets) == Decimal(rows[-1][2].replace(",", ""))
    assert rows[0][2] == "2,570,000.00" and rows[-1][2] == "48,935,079.24"
    assert rows[-1][4] == "95.55%"  # 46759889.35/48935079.24, as printed in seed 003
