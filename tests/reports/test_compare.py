"""``jixiao compare``: self-evaluation 98 vs re-evaluation 85.5, indicator by indicator."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.reports.compare import (
    DECLARED,
    SAME_CODE,
    MappingError,
    compare,
    find_mapping,
    load_mapping,
)
from jixiao.reports.render import comparison_for, evaluate_path
from tests.reports.conftest import REEVAL, SELF, Rendered

runner = CliRunner()


@pytest.fixture(scope="module")
def comparison():  # type: ignore[no-untyped-def]
    return comparison_for(evaluate_path(SELF), evaluate_path(REEVAL))


def test_totals_and_labels(comparison) -> None:  # type: ignore[no-untyped-def]
    assert (comparison.label_a, comparison.label_b) == ("自评", "再评价")
    assert (comparison.a.total, comparison.b.total) == (Decimal(98), Decimal("85.5"))
    assert comparison.total_diff == Decimal("-12.5")


def test_declared_mapping_pairs_every_self_leaf(comparison) -> None:  # type: ignore[no-untyped-def]
    assert comparison.unmapped_a == []
    by_a = {p.a.items[0].code: p for p in comparison.pairs if len(p.a.items) == 1}
    quantity = by_a["output.quantity.inspections"]
    assert quantity.basis == DECLARED and quantity.b.items[0].name == "数量指标"
    assert (quantity.a.score, quantity.b.score, quantity.diff) == (
        Decimal(15),
        Decimal(4),
        Decimal(-11),
    )
    assert quantity.rate_diff == Decimal("-0.2")
    assert "不属于数量指标" in quantity.b.reason and "单位自评得分" in quantity.a.reason
    assert by_a["output"].basis == SAME_CODE  # 产出指标 ~ 产出: the one shared code
    grouped = next(p for p in comparison.pairs if len(p.a.items) == 2)
    assert grouped.a.max == Decimal(40) and grouped.b.max == Decimal(24)


def test_what_could_not_be_mapped_is_listed(comparison) -> None:  # type: ignore[no-untyped-def]
    names = [i.name for i in comparison.unmapped_b]
    assert "支付进度率" in names and "政府采购执行率" in names and "预算完成率" not in names
    assert sum(i.max for i in comparison.unmapped_b) == Decimal(53)


def test_cli_table(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["compare", str(SELF), str(REEVAL)], env={"COLUMNS": "220"}, terminal_width=220
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "自评 98 分（优） vs 再评价 85.5 分（良）" in out
    assert "再评价较自评-12.5分" in out
    for name in ("预算执行率", "预算完成率", "数量指标", "社会公众或服务对象满意度"):
        assert name in out
    assert "未能对应的指标" in out and "再评价有19个末级指标（合计53分）未能对应" in out
    assert "评分说明" in out and "不属于数量指标" in out


def test_cli_writes_sheet_and_document(tmp_path: Path) -> None:
    result = runner.invoke(app, ["compare", str(SELF), str(REEVAL), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "比较.xlsx")
    assert book.sheetnames == ["比较"]
    doc = Document(str(tmp_path / "比较.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "柳城县应急管理局2021年度自评与再评价结果比较" in text and "{{" not in text
    assert len(doc.inline_shapes) == 1
    assert doc.tables[0].rows[1].cells[1].text == "预算执行率"


def test_report_has_a_comparison_section(rendered: dict[str, Rendered]) -> None:
    doc = Document(str(rendered[SELF.name].outputs.docx))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "（三）评价结果比较" in paragraphs
    text = "\n".join(paragraphs)
    assert "自评（" in text and "总分98分" in text and "总分85.5分" in text


def test_same_framework_pairs_by_code(tmp_path: Path) -> None:
    """This year vs last year on one framework: every indicator pairs by its code."""
    a = evaluate_path(REEVAL)
    c = compare(a.result, a.result, None, "2021年", "2020年")
    assert len(c.pairs) == len(a.result.indicators)
    assert all(p.basis == SAME_CODE and p.diff == 0 for p in c.pairs)
    assert c.unmapped_a == c.unmapped_b == []


def test_mapping_errors_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "m.yaml"
    bad.write_text("a: x\nb: y\npairs:\n  - {a: output, b: no.such.code}\n", encoding="utf-8")
    a, b = evaluate_path(SELF), evaluate_path(REEVAL)
    with pytest.raises(MappingError, match=re.escape("没有编码或名称为「no.such.code」")):
        comparison_for(a, b, bad)
    bad.write_text("a: x\nb: y\npairs:\n  - {a: output, c: output}\n", encoding="utf-8")
    with pytest.raises(MappingError, match="第4行"):
        load_mapping(bad)
    result = runner.invoke(app, ["compare", str(SELF), str(REEVAL), "--mapping", str(bad)])
    assert result.exit_code == 2 and "第4行" in result.output


def test_mapping_is_found_in_either_direction() -> None:
    forward = find_mapping("liucheng-2021-self", "liucheng-2021-reeval", [])
    backward = find_mapping("liucheng-2021-reeval", "liucheng-2021-self", [])
    assert forward is not None and backward is not None
    assert forward.pairs[0].a == backward.pairs[0].b
