"""The commands: import, check, export, template, evaluate FILE.xlsx, evaluate-batch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.io.cases import load_case
from jixiao.io.excel import LAYOUT_NAMES
from tests.io._support import EXAMPLES, canon, edit_cells

ENV = {"COLUMNS": "250"}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args], env=ENV)
    return result.exit_code, result.output


def test_export_import_evaluate(tmp_path: Path) -> None:
    book = tmp_path / "lg.xlsx"
    code, out = run("export", EXAMPLES / "longgang-2020", "--layout", "facts", "--out", book)
    assert code == 0, out
    code, out = run("import", book, "--out", tmp_path / "case")
    assert code == 0, out
    assert "compare.procurement_over_plan" in out  # the import reports what the checks found
    assert canon(load_case(tmp_path / "case").case.model_dump()) == canon(
        load_case(EXAMPLES / "longgang-2020").case.model_dump()
    )
    code, out = run("evaluate", book, "--format", "json")
    assert code == 0, out
    assert json.loads(out)["total"] == "93.86"
    code, out = run("import", book, "--out", tmp_path / "case")
    assert code == 2 and "--force" in out  # an existing case is kept
    code, out = run("import", book, "--out", tmp_path / "case", "--force")
    assert code == 0


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
def test_export_every_layout(layout: str, tmp_path: Path) -> None:
    out = tmp_path / f"{layout}.xlsx"
    code, text = run("export", EXAMPLES / "liucheng-2021-self", "--layout", layout, "--out", out)
    assert code == 0, text
    assert openpyxl.load_workbook(out).sheetnames


def test_check_on_seed_cases() -> None:
    code, out = run("check", EXAMPLES / "liucheng-2021-reeval", "--format", "json")
    assert code == 1
    found = {f["code"]: f for f in json.loads(out)["findings"]}
    assert "行政编16+事业编28=44" in found["sum.on_payroll_by_type"]["message"]
    assert all(c.startswith("case.yaml 第") for c in found["sum.on_payroll_by_type"]["cells"])
    code, out = run("check", EXAMPLES / "longgang-2020", "--all")
    assert code == 0
    assert "4472.93+项目支出4675.99=9148.92" in out.replace("\n", "")
    code, out = run("check", EXAMPLES / "kunming-2020", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {f["code"] for f in data["findings"]} == {"compare.over_budget"}
    assert any("1602.00" in p["detail"] for p in data["passed"])


def test_check_a_workbook_points_at_cells(tmp_path: Path) -> None:
    book = tmp_path / "lc.xlsx"
    run("export", EXAMPLES / "liucheng-2021-reeval", "--out", book)
    code, out = run("check", book, "--format", "json")
    assert code == 1
    cells = [c for f in json.loads(out)["findings"] for c in f["cells"]]
    assert any(c.startswith("人员编制!C") for c in cells)


def test_template_and_evaluate_needs_framework(tmp_path: Path) -> None:
    out = tmp_path / "facts.xlsx"
    code, text = run("template", out)
    assert code == 0 and out.exists()
    code, text = run("template", out)
    assert code == 2  # not overwritten
    edit_cells(out, {("单位", "B4"): "某局", ("单位", "B8"): 2022, ("预算", "D4"): 100})
    code, text = run("evaluate", out)
    assert code == 2 and "--framework" in text and "指标体系" in text
    code, text = run("evaluate", out, "--framework", "national-2020-10-project-self")
    assert code == 0, text


def test_evaluate_batch(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("kunming-2020", "xishuangbanna-2019"):
        shutil.copytree(EXAMPLES / name, folder / name)
    run("export", EXAMPLES / "longgang-2020", "--out", folder / "longgang.xlsx")
    (folder / "broken.xlsx").write_text("not a workbook", encoding="utf-8")
    results = tmp_path / "results.xlsx"
    code, out = run("evaluate-batch", folder, "--out", results, "--jobs", "2")
    assert code == 1  # one input could not be imported
    assert "broken.xlsx" in out
    book = openpyxl.load_workbook(results)
    summary = list(book["汇总"].iter_rows(values_only=True))
    rows = {r[0]: r for r in summary[1:]}
    assert rows["longgang.xlsx"][5] == pytest.approx(93.86)
    assert rows["kunming-2020"][5] == pytest.approx(98.8) or rows["kunming-2020"][1] == "成功"
    assert rows["broken.xlsx"][1] == "未导入"
    assert book["指标得分"].max_row > 10
    assert any(
        "excel.not_xlsx" in str(r) or "不是" in str(r)
        for r in book["问题"].iter_rows(values_only=True)
    )
