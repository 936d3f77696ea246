"""PDF through LibreOffice: every example converts, renders to PNG pages, shows unit and total."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.engine.numbers import format_number
from jixiao.reports import pdf
from tests.reports.conftest import CASES, EXAMPLES, Rendered, need

runner = CliRunner()


def pdfinfo(file: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(file)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def page_text(file: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(file), "-"], capture_output=True, text=True, check=True
    )
    return re.sub(r"\s+", "", out.stdout)


@pytest.mark.slow
def test_pdf_of_every_example(rendered: dict[str, Rendered], tmp_path: Path) -> None:
    """One LibreOffice run converts the five reports and a 评分表 (a cold start costs seconds)."""
    need("soffice", "pdftoppm", "pdftotext", "pdfinfo")
    documents = [rendered[name].outputs.docx for name in CASES]
    sheet = rendered["longgang-2020"].outputs.xlsx
    assert sheet is not None and all(d is not None for d in documents)
    produced = pdf.convert([*documents, sheet])  # type: ignore[list-item]
    assert [p.suffix for p in produced] == [".pdf"] * (len(CASES) + 1)
    for name, file in zip(CASES, produced, strict=False):
        result = rendered[name].evaluated.result
        info = pdfinfo(file)
        pages = int(info["Pages"])
        assert pages >= 5 and "595" in info["Page size"]  # A4 (portrait report, landscape annex)
        prefix = tmp_path / name
        subprocess.run(["pdftoppm", "-r", "20", "-png", str(file), str(prefix)], check=True)
        images = sorted(tmp_path.glob(f"{name}-*.png"))
        assert len(images) == pages
        with Image.open(images[0]) as first:
            assert first.width > 100 and first.convert("L").getextrema()[0] < 128
        text = page_text(file)
        assert result.unit in text
        assert f"综合得分{format_number(result.total)}分" in text
        assert f"评价等级为“{result.grade}”" in text
    scoresheet = pdfinfo(produced[-1])
    width, _, height = scoresheet["Page size"].split()[:3]
    assert float(width) > float(height)  # the 评分表 prints A4 landscape
    assert "深圳市龙岗区应急管理局2020年度部门整体支出绩效自评指标评分表" in page_text(produced[-1])


def test_without_libreoffice_docx_and_xlsx_are_still_written(
    tmp_path: Path, no_soffice: None
) -> None:
    assert not pdf.available()
    result = runner.invoke(
        app,
        ["report", str(EXAMPLES / "kunming-2020"), "--out", str(tmp_path), "--no-charts"],
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    assert "未找到 LibreOffice" in result.output
    assert (tmp_path / "自评报告.docx").exists() and (tmp_path / "评分表.xlsx").exists()
    assert not (tmp_path / "自评报告.pdf").exists()
    asked = runner.invoke(
        app,
        ["report", str(EXAMPLES / "kunming-2020"), "--out", str(tmp_path), "--pdf", "--no-charts"],
    )
    assert asked.exit_code == 0 and "未找到 LibreOffice" in asked.output


def test_convert_without_libreoffice_raises(no_soffice: None, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="LibreOffice"):
        pdf.convert([tmp_path / "x.docx"])
