"""Exported workbooks open in LibreOffice (converted to PDF headless) and in openpyxl again.

Skipped with a clear reason when ``soffice`` is not installed (CI installs libreoffice-calc-nogui).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from jixiao.cli.evaluate import evaluate_case
from jixiao.io.excel import LAYOUT_NAMES, write_workbook
from jixiao.io.excel.factsbook import write_facts_workbook
from tests.io._support import EXAMPLES, example

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        SOFFICE is None,
        reason="LibreOffice（soffice）未安装：apt-get install -y libreoffice-calc-nogui fonts-noto-cjk",
    ),
]

TITLES = {
    "facts": "单位年度事实工作簿",
    "mof10-project": "项目支出绩效自评表",
    "mof10-unit": "部门整体支出绩效自评表",
    "sichuan-project": "部门预算项目支出绩效自评表",
}


def test_every_layout_converts_to_pdf_and_reopens(tmp_path: Path) -> None:
    files: list[Path] = []
    for name in ("liucheng-2021-self", "longgang-2020"):
        loaded = example(name)
        result = evaluate_case(EXAMPLES / name)
        for layout in LAYOUT_NAMES:
            path = tmp_path / f"{name}-{layout}.xlsx"
            write_workbook(path, loaded.case, layout, loaded.sources, result)
            files.append(path)
    template = write_facts_workbook(tmp_path / "template.xlsx")
    files.append(template)
    profile = tmp_path / "profile"
    completed = subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    for path in files:
        pdf = tmp_path / "pdf" / (path.stem + ".pdf")
        assert pdf.exists() and pdf.stat().st_size > 1000, (
            path.name,
            completed.stdout,
            completed.stderr,
        )
        reader = PdfReader(pdf)
        assert len(reader.pages) >= 1
        layout = next((k for k in TITLES if path.stem.endswith(k)), "facts")
        text = "".join(page.extract_text() or "" for page in reader.pages[:2])
        assert TITLES[layout].replace(" ", "") in text.replace(" ", ""), (path.name, text[:200])
        assert openpyxl.load_workbook(path).sheetnames  # and openpyxl reads it again


def test_form_page_setup_is_a4_landscape(tmp_path: Path) -> None:
    loaded = example("liucheng-2021-self")
    path = write_workbook(tmp_path / "f.xlsx", loaded.case, "mof10-project")
    sheet = openpyxl.load_workbook(path)["项目支出绩效自评表"]
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == "9"
    assert sheet.print_area is not None
    assert sheet.merged_cells.ranges
