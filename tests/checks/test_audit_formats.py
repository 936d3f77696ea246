"""The audit reads .docx, .xlsx and text-layer .pdf files and locates findings in them; unusable
input gets a Chinese message and exit code 2."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from jixiao.checks.audit import ExtractError, audit_file
from jixiao.checks.audit.extract import read_document
from jixiao.cli import app
from tests.checks.pdfmaker import write_pdf

runner = CliRunner()

NARRATIVE = [
    "四、评价结论",
    "（一）部门决策 标准分30分，自评分28分。",
    "1. 目标设定 分值10分，得分10分。",
    "2. 预算配置 分值20分，得分17分。",
    "（二）部门管理 标准分70分，自评分70分。",
    "经评价，部门整体支出绩效自评分为98分。",
    "在职人员控制率=38/34=110.76%，扣1分。",
]


def _codes(path: Path) -> dict[str, str]:
    return {f.code: f.where for f in audit_file(path).findings}


# ---------------------------------------------------------------------------------------------
# Word


def _scoring_docx(path: Path) -> Path:
    document = docx.Document()
    for text in NARRATIVE:
        document.add_paragraph(text)
    rows = [
        ["一级指标", "分值", "二级指标", "分值", "三级指标", "分值", "评分标准", "得分"],
        ["投入", "20", "目标设定", "8", "绩效目标合理性", "4", "合理得4分", "4"],
        ["", "", "", "", "绩效指标明确性", "4", "明确得4分", "4"],
        ["", "", "预算配置", "10", "在职人员控制率", "5", "≤100%得5分", "6"],
        ["", "", "", "", "三公经费变动率", "5", "≤0得5分", "5"],
        ["合计", "", "", "", "", "18", "", "19"],
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value:
                table.cell(r, c).text = value
    table.cell(1, 0).merge(table.cell(4, 0))  # 投入 spans its rows, as in real 评分表
    table.cell(1, 1).merge(table.cell(4, 1))
    table.cell(1, 2).merge(table.cell(2, 2))
    table.cell(1, 3).merge(table.cell(2, 3))
    table.cell(3, 2).merge(table.cell(4, 2))
    table.cell(3, 3).merge(table.cell(4, 3))
    document.save(str(path))
    return path


def test_docx_paragraphs_and_cells_are_located(tmp_path: Path) -> None:
    path = _scoring_docx(tmp_path / "报告.docx")
    report = audit_file(path)
    found = {(f.code, f.where): f for f in report.findings}
    # narrative: 10 + 17 = 27, not 28
    assert ("audit.narrative.sum", "段2") in found
    # 38/34 = 111.76%, printed 110.76%
    assert found[("audit.equation.mismatch", "段7")].recomputed == "111.76%"
    # a score above its 分值, in the cell that holds it
    assert ("audit.table.over_max", "表1!H4") in found
    # 一级 投入 20 ≠ 8 + 10; 二级 目标设定 8 = 4 + 4; 预算配置 10 = 5 + 5
    level = found[("audit.table.level_max", "表1!B2")]
    assert "投入" in level.message and "18" in level.message
    assert not any(k[0] == "audit.table.level_max" and k[1] != "表1!B2" for k in found)
    # 合计 19 = 4+4+6+5 and 18 = 4+4+5+5: consistent with the rows
    assert not any(k[0] in ("audit.table.score_total", "audit.table.max_total") for k in found)


def test_docx_horizontally_merged_cells_are_read_once(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "合并标题"
    table.cell(1, 0).text = "甲"
    path = tmp_path / "merged.docx"
    document.save(str(path))
    rows = read_document(path).tables[0].rows
    assert [c.text for c in rows[0].cells or []] == ["合并标题", "", ""]


# ---------------------------------------------------------------------------------------------
# Excel


def _scoring_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "评分表"
    sheet.append(["部门整体支出绩效自评表"])
    sheet.append(["一级指标", "二级指标", "三级指标", "指标分值", "自评得分", "说明"])
    sheet.append(["投入", "预算执行指标 (10分)", "预算执行率", 10, 10, "预算执行率=95/100=96%"])
    sheet.append([None, "产出指标 (50分)", "数量指标", 20, 20, None])
    sheet.append([None, None, "质量指标", 20, 18, None])
    sheet.append([None, None, "时效指标", 5, 5, None])
    sheet.append([None, "满意度指标 (40分)", "服务对象满意度", 40, 38, None])
    sheet.append(["合计", None, None, 95, 92, None])
    book.save(str(path))
    return path


def test_xlsx_cells_are_located(tmp_path: Path) -> None:
    report = audit_file(_scoring_xlsx(tmp_path / "自评表.xlsx"))
    found = {(f.code, f.where): f for f in report.findings}
    # 95/100 = 95%, printed 96%, in the cell that says so
    assert found[("audit.equation.mismatch", "评分表!F3")].recomputed == "95.00%"
    # 产出指标 (50分): 20 + 20 + 5 = 45
    assert "45" in found[("audit.table.group_max", "评分表!4行")].message
    # scores 10+20+18+5+38 = 91, 合计 says 92; 分值 10+20+20+5+40 = 95 agrees
    total = found[("audit.table.score_total", "评分表!E8")]
    assert total.recomputed == "91"
    assert not any(k[0] == "audit.table.max_total" for k in found)


def test_xlsx_amount_table_column_sums_and_rates(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目"
    sheet.append(["序号", "项目名称", "年度预算(万元)", "实际支出(万元)", "预算执行率"])
    sheet.append([1, "培训", 100, 95, "95.00%"])
    sheet.append([2, "宣传", 50, 40, "125.00%"])
    sheet.append([3, "演练", 80, 80, "100.00%"])
    sheet.append([None, "合计", 240, 215, "89.58%"])
    path = tmp_path / "项目.xlsx"
    book.save(str(path))
    found = {(f.code, f.where): f for f in audit_file(path).findings}
    assert ("audit.table.rate_inverted", "项目!E3") in found  # 50/40 instead of 40/50
    assert found[("audit.table.column_total", "项目!C5")].recomputed == "230"  # not 240
    assert ("audit.table.column_total", "项目!D5") not in found  # 95+40+80 = 215
    assert ("audit.table.rate_mismatch", "项目!E5") not in found  # 215/240 = 89.58% as printed


# ---------------------------------------------------------------------------------------------
# PDF


def test_pdf_text_layer_is_read_page_by_line(tmp_path: Path) -> None:
    pages = [NARRATIVE[:4], NARRATIVE[4:]]
    path = write_pdf(tmp_path / "报告.pdf", pages)
    found = {(f.code, f.where) for f in audit_file(path).findings}
    assert ("audit.narrative.sum", "第1页第2行") in found
    assert ("audit.equation.mismatch", "第2页第3行") in found


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice（soffice）未安装")
def test_pdf_made_by_libreoffice(tmp_path: Path) -> None:  # pragma: no cover - needs soffice
    source = _scoring_docx(tmp_path / "lo.docx")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    codes = _codes(tmp_path / "lo.pdf")
    assert "audit.narrative.sum" in codes
    assert "audit.equation.mismatch" in codes


# ---------------------------------------------------------------------------------------------
# unusable input


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("报告.doc", b"\xd0\xcf\x11\xe0", "不支持的文件类型"),
        ("报告.docx", b"not a zip", "不是有效的 Word"),
        ("报告.xlsx", b"not a zip", "不是有效的 Excel"),
        ("报告.pdf", b"%PDF-1.4 garbage", "PDF"),
        ("报告.txt", b"   \n\n", "没有可读的文字"),
    ],
)
def test_unusable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractError, match=message):
        audit_file(path)
    result = runner.invoke(app, ["audit", str(path)])
    assert result.exit_code == 2
    assert message in result.output


def test_scanned_pdf_without_text_is_unusable(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "scan.pdf", [[]])
    with pytest.raises(ExtractError, match="没有文字层"):
        audit_file(path)


def test_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(tmp_path / "无此文件.txt")])
    assert result.exit_code == 2
    assert "找不到文件" in result.output


def test_gbk_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("在职人员控制率=38/34=110.76%\n".encode("gb18030"))
    assert _codes(path) == {"audit.equation.mismatch": "行1"}


# ---------------------------------------------------------------------------------------------
# the command


def test_cli_json_and_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("预算完成率=1440.56/1410.56=100%\n", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text("预算完成率=1440.56/1440.56=100%≥90%\n", encoding="utf-8")
    result = runner.invoke(app, ["audit", str(bad), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["summary"]["error"] == 1
    (finding,) = data["findings"]
    assert finding["where"] == "行1"
    assert finding["statement"] == "预算完成率=1440.56/1410.56=100%"
    assert finding["recomputed"] == "102.13%"
    result = runner.invoke(app, ["audit", str(good)])
    assert result.exit_code == 0
    assert "错误 0" in result.output


def test_xlsx_tree_rows_and_subtotals_are_not_double_counted(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "评分"
    sheet.append(["一级指标", "二级指标", "分值", "得分"])
    sheet.append(["决策", None, 30, 27])  # a parent row with its own totals
    sheet.append([None, "目标", 10, 10])
    sheet.append([None, "配置", 20, 17])
    sheet.append(["管理", None, 70, 66])
    sheet.append([None, "预算", 40, 38])
    sheet.append([None, "资产", 30, 29])  # 38 + 29 = 67, not 66
    sheet.append(["小计", None, 70, 67])
    sheet.append(["合计", None, 100, 94])
    path = tmp_path / "树.xlsx"
    book.save(str(path))
    found = {(f.code, f.where): f for f in audit_file(path).findings}
    assert set(found) == {("audit.table.parent_sum", "评分!D5")}
    assert found[("audit.table.parent_sum", "评分!D5")].recomputed == "67"
