"""``jixiao report-batch``: many cases, in parallel, a bad case reported without stopping the rest."""

from __future__ import annotations

import shutil
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.reports.batch import find_cases, render_batch
from tests.reports.conftest import CASES, EXAMPLES

runner = CliRunner()


def test_batch_renders_every_case_in_parallel(tmp_path: Path) -> None:
    src = tmp_path / "cases"
    shutil.copytree(EXAMPLES, src)
    (src / "broken").mkdir()
    (src / "broken" / "case.yaml").write_text("case: broken\nfacts: [\n", encoding="utf-8")
    assert len(find_cases(src)) == len(CASES) + 1
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        ["report-batch", str(src), "--out", str(out), "--jobs", "2"],
        terminal_width=200,
    )
    assert result.exit_code == 1  # one case failed, and says why
    assert "失败" in result.output and "broken" in result.output and "YAML" in result.output
    assert f"完成：{len(CASES)}个案例" in result.output
    for name in CASES:
        assert (out / name / "自评报告.docx").exists()
        assert not (out / name / "charts").exists()  # batches draw no charts unless asked
        book = load_workbook(out / name / "评分表.xlsx", read_only=True)
        assert book.sheetnames == ["评分表"]
        book.close()


def test_batch_api_reports_totals(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    result = render_batch(
        EXAMPLES,
        tmp_path,
        jobs=1,
        charts=False,
        progress=lambda phase, done, total: calls.append((phase, done, total)),
    )
    assert not result.errors and len(result.outputs) == len(CASES)
    totals = {o.case: (o.total, o.grade) for o in result.outputs}
    assert totals["liucheng-2021-self"] == ("98", "优")
    assert totals["liucheng-2021-reeval"] == ("85.5", "良")
    assert calls[-1] == ("报告", len(CASES), len(CASES))
