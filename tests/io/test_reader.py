"""Screening files before reading them, and what the sheet XML tells beyond the values."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter

from jixiao.engine.numbers import Percent
from jixiao.io.excel import cells, reader
from jixiao.io.excel.cells import CellError
from jixiao.io.excel.problems import WorkbookError
from jixiao.io.excel.reader import describe_format, open_book


def _workbook(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("表")
    sheet.write_number("A1", 0.95, book.add_format({"num_format": "0.00%"}))
    sheet.write_number("A2", 3762.6, book.add_format({"num_format": "#,##0.00"}))
    sheet.write_formula("A3", "=A2*2", None, 7525.2)
    sheet.write_datetime("A4", datetime(2020, 2, 12), book.add_format({"num_format": "yyyy-mm-dd"}))
    sheet.merge_range("B1:C2", "合并")
    book.close()
    return path


def test_values_formats_and_merges(tmp_path: Path) -> None:
    with open_book(_workbook(tmp_path / "a.xlsx")) as book:
        sheet = book.sheet("表")
        assert sheet.value(0, 0) == pytest.approx(0.95)
        assert cells.read_number(sheet.value(0, 0), sheet.format_of(0, 0)) == Percent("0.95")
        assert isinstance(cells.read_number(sheet.value(0, 0), sheet.format_of(0, 0)), Percent)
        assert str(cells.read_number(sheet.value(1, 0), sheet.format_of(1, 0))) == "3762.60"
        assert cells.read_number(sheet.value(2, 0)) == Decimal("7525.2")  # the cached value
        assert sheet.merged == [(0, 1, 1, 2)]
        assert sheet.merged_value(1, 2) == "合并"
        with pytest.raises(CellError) as caught:
            cells.read_number(sheet.value(3, 0))
        assert caught.value.code == "excel.date_not_number"


def test_formula_without_cached_value_and_error_values_are_found(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "表"
    book.active["A1"] = 5
    book.active["A2"] = "=A1*2"  # openpyxl saves no cached value
    book.save(path)
    with open_book(path) as opened:
        sheet = opened.sheet("表")
        assert sheet.cell_problem(1, 0) is not None
        assert sheet.cell_problem(1, 0)[0] == "excel.formula_no_value"  # type: ignore[index]
        assert sheet.cell_problem(0, 0) is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("0.00%", (True, 2)),
        ("0%", (True, 0)),
        ("#,##0.000", (False, 3)),
        ("General", (False, -1)),
        ('0.0"万元"', (False, 1)),
        ("yyyy-mm-dd", (False, -1)),
    ],
)
def test_number_formats(code: str, expected: tuple[bool, int]) -> None:
    found = describe_format(code)
    assert (found.percent, found.decimals) == expected


def test_zip_bomb_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))
    start = time.perf_counter()
    with pytest.raises(WorkbookError) as caught:
        open_book(path)
    assert time.perf_counter() - start < 2
    assert caught.value.codes == ["excel.zip_bomb"]


def test_lying_zip_header_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A member that inflates beyond its declared size is refused while inflating."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.xml", b"<a>" + b"x" * 5000 + b"</a>")
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        info = archive.getinfo("data.xml")
        info.file_size = 100  # the header lies
        with pytest.raises(WorkbookError) as caught:
            reader._inflate(archive, "data.xml", "x.xlsx")
    assert caught.value.codes[0] in ("excel.zip_bomb", "excel.corrupt")


def test_too_large_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _workbook(tmp_path / "a.xlsx")
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 100)
    with pytest.raises(WorkbookError) as caught:
        open_book(path)
    assert caught.value.codes == ["excel.too_large"]
    assert "MB" in str(caught.value)


def test_text_values_are_not_coerced() -> None:
    assert cells.read_rate("95%") == Decimal("0.95")
    assert cells.read_rate(0.95) == Decimal("0.95")
    for bad in (95, "95", 150.5):
        with pytest.raises(CellError) as caught:
            cells.read_rate(bad)
        assert caught.value.code == "excel.percent"
        assert "95%" in caught.value.reason or "150.5%" in caught.value.reason
    assert cells.read_number("１，４４０．５６") == Decimal("1440.56")  # full-width digits
    with pytest.raises(CellError) as caught:
        cells.read_date("2020年2月12日")
    assert caught.value.code == "excel.date_text"
    with pytest.raises(CellError):
        cells.read_bool("也许")
    assert cells.read_bool("是") is True and cells.read_bool(False) is False
