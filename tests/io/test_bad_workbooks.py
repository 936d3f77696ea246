"""A corpus of bad workbooks, built here: each is refused with the expected codes and cells.

Every case goes through the real command (``jixiao import FILE --out DIR``): the exit code is
2, every expected problem is listed with its sheet and cell, and nothing is written.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.io.excel import WorkbookError, read_workbook, write_workbook
from tests.io._support import edit_cells, example, patch_xml, sheet_member, with_book

Builder = Callable[[Path, Path], Path]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A valid facts workbook (龙岗 2020) and a valid 10号 form (柳城 2021 自评)."""
    root = tmp_path_factory.mktemp("base")
    longgang = example("longgang-2020")
    liucheng = example("liucheng-2021-self")
    facts = write_workbook(root / "facts.xlsx", longgang.case, "facts", longgang.sources)
    form = write_workbook(root / "form.xlsx", liucheng.case, "mof10-project")
    return {"facts": facts, "form": form}


def _cells(edits: dict[tuple[str, str], object], kind: str = "facts") -> Builder:
    def build(base: Path, out: Path) -> Path:
        return edit_cells(base, edits, out)

    build.kind = kind  # type: ignore[attr-defined]
    return build


def _book(change: Callable[[openpyxl.Workbook], None], kind: str = "facts") -> Builder:
    def build(base: Path, out: Path) -> Path:
        return with_book(base, change, out)

    build.kind = kind  # type: ignore[attr-defined]
    return build


def _raw(data: bytes) -> Builder:
    def build(base: Path, out: Path) -> Path:
        out.write_bytes(data)
        return out

    build.kind = "facts"  # type: ignore[attr-defined]
    return build


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _error_cell(base: Path, out: Path) -> Path:
    member = sheet_member(base, "项目")

    def change(text: str) -> str:
        start = text.index('<c r="G7"')
        end = text.index("</c>", start) + 4
        return text[:start] + '<c r="G7" t="e"><f>F7/0</f><v>#DIV/0!</v></c>' + text[end:]

    return patch_xml(base, member, change, out)


_error_cell.kind = "facts"  # type: ignore[attr-defined]


def _far_cell(base: Path, out: Path) -> Path:
    """One stray cell in the sheet's last row and column: calamine would lay out a grid of
    17 billion cells for it (and abort the process), so it is refused before reading."""
    member = sheet_member(base, "项目")
    return patch_xml(
        base,
        member,
        lambda text: text.replace(
            "</sheetData>", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
        ),
        out,
    )


_far_cell.kind = "facts"  # type: ignore[attr-defined]


def _merge_names(book: openpyxl.Workbook) -> None:
    book["项目"].merge_cells("D4:D5")


def _duplicate_staff(book: openpyxl.Workbook) -> None:
    sheet = book["人员编制"]
    for col in "ABC":
        sheet[f"{col}12"] = sheet[f"{col}4"].value


def _drop_unit_sheet(book: openpyxl.Workbook) -> None:
    del book["单位"]


def _total_row_in_yuan(book: openpyxl.Workbook) -> None:
    sheet = book["项目"]
    sheet["D18"] = "合计"
    sheet["F18"] = 48935079.24  # the 万元 projects' sum, typed in 元


def _merge_actuals(book: openpyxl.Workbook) -> None:
    book["项目支出绩效自评表"].merge_cells("F13:F14")


def _random_book(base: Path, out: Path) -> Path:
    book = openpyxl.Workbook()
    book.active["A1"] = "姓名"
    book.active["B1"] = "电话"
    book.active["A2"] = "张三"
    book.save(out)
    return out


_random_book.kind = "facts"  # type: ignore[attr-defined]


def _too_large(base: Path, out: Path) -> Path:
    with out.open("wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(51 * 1024 * 1024)  # sparse: quick to make
    return out


_too_large.kind = "facts"  # type: ignore[attr-defined]


def _truncated(base: Path, out: Path) -> Path:
    data = base.read_bytes()
    out.write_bytes(data[: len(data) // 2])
    return out


_truncated.kind = "facts"  # type: ignore[attr-defined]


def _future_zip_version(base: Path, out: Path) -> Path:
    """A central directory asking for zip version 6.4 (fuzz finding: zipfile raised
    NotImplementedError, which escaped the importer)."""
    data = bytearray(base.read_bytes())
    entry = data.index(b"PK\x01\x02")
    data[entry + 6] = 64  # "version needed to extract" of the first entry
    out.write_bytes(bytes(data))
    return out


_future_zip_version.kind = "facts"  # type: ignore[attr-defined]


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BOMB = _zip(
    {
        "[Content_Types].xml": b"<Types/>",
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": b"0" * (6 * 1024 * 1024),
    }
)

# name: (builder, [(code, sheet, cell), ...])
CORPUS: dict[str, tuple[Builder, list[tuple[str, str, str]]]] = {
    "text_in_amount": (_cells({("项目", "G4"): "九十"}), [("excel.not_number", "项目", "G4")]),
    "negative_amount": (_cells({("项目", "F5"): -5}), [("excel.negative", "项目", "F5")]),
    "percent_as_integer": (
        _cells({("支出进度", "A4"): "6月", ("支出进度", "C4"): 64}),
        [("excel.percent", "支出进度", "C4")],
    ),
    "percent_as_integer_kv": (
        _cells({("满意度与信访", "B6"): 95}),
        [("excel.percent", "满意度与信访", "B6")],
    ),
    "date_as_text": (
        _cells({("信息公开", "B4"): "2020年2月12日"}),
        [("excel.date_text", "信息公开", "B4")],
    ),
    "date_in_amount": (
        _cells({("项目", "F4"): datetime(2020, 1, 1)}),
        [("excel.date_not_number", "项目", "F4")],
    ),
    "formula_without_value": (
        _cells({("项目", "G6"): "=F6*2"}),
        [("excel.formula_no_value", "项目", "G6")],
    ),
    "formula_error_value": (_error_cell, [("excel.formula_error", "项目", "G7")]),
    "merged_spill": (_book(_merge_names), [("excel.merged", "项目", "D4")]),
    "not_yes_no": (_cells({("项目", "H4"): "可能"}), [("excel.not_bool", "项目", "H4")]),
    "choice_table": (_cells({("人员编制", "A4"): "临时工"}), [("excel.choice", "人员编制", "A4")]),
    "choice_kv": (_cells({("单位", "B6"): "乡"}), [("excel.choice", "单位", "B6")]),
    "missing_name": (_cells({("项目", "D8"): None}), [("excel.required", "项目", "D8")]),
    "total_row_yuan": (_book(_total_row_in_yuan), [("excel.unit_mix", "项目", "F18")]),
    "parts_in_yuan": (
        _cells({("预算", "D5"): 44729300, ("预算", "D6"): 46759900}),
        [("excel.unit_mix", "预算", "D4")],
    ),
    "duplicate_row": (_book(_duplicate_staff), [("excel.duplicate", "人员编制", "A12")]),
    "unknown_field": (
        _cells({("其他财务", "E4"): "budget.foo"}),
        [("excel.unknown_field", "其他财务", "E4")],
    ),
    "unknown_unit": (_cells({("其他财务", "C10"): "美元"}), [("excel.unit", "其他财务", "C10")]),
    "renamed_header": (_cells({("项目", "D3"): "名字"}), [("excel.header_missing", "项目", "A3")]),
    "sheet_missing": (_book(_drop_unit_sheet), [("excel.sheet_missing", "单位", "")]),
    "year_in_words": (_cells({("单位", "B8"): "二〇二〇"}), [("excel.not_number", "单位", "B8")]),
    "bad_yaml": (
        _cells({("等级判定", "A4"): "x", ("等级判定", "C4"): "{level: ["}),
        [("excel.yaml", "等级判定", "C4")],
    ),
    "given_without_reason": (
        _cells({("评价人给分", "C4"): None}),
        [("excel.required", "评价人给分", "C4")],
    ),
    "no_framework": (_cells({("说明", "B6"): None}), [("excel.framework_missing", "说明", "")]),
    "three_at_once": (
        _cells({("项目", "G4"): "九十", ("项目", "F5"): -5, ("单位", "B8"): "二〇二〇"}),
        [
            ("excel.not_number", "项目", "G4"),
            ("excel.negative", "项目", "F5"),
            ("excel.not_number", "单位", "B8"),
        ],
    ),
    "form_text_in_amount": (
        _cells({("项目支出绩效自评表", "F6"): "一千"}, kind="form"),
        [("excel.not_number", "项目支出绩效自评表", "F6")],
    ),
    "form_rate_ambiguous": (
        _cells({("项目支出绩效自评表", "H6"): 95.88}, kind="form"),
        [("excel.percent", "项目支出绩效自评表", "H6")],
    ),
    "form_merged_actuals": (
        _book(_merge_actuals, kind="form"),
        [("excel.merged", "项目支出绩效自评表", "F13")],
    ),
    "form_formula_without_value": (
        _cells({("项目支出绩效自评表", "E6"): "=D6*2"}, kind="form"),
        [("excel.formula_no_value", "项目支出绩效自评表", "E6")],
    ),
    "unknown_layout": (_random_book, [("excel.layout_unknown", "", "")]),
    "not_a_workbook": (_raw("单位,年度\n柳城,2021\n".encode()), [("excel.not_xlsx", "", "")]),
    "web_page_as_xls": (
        _raw(b"<html><table><tr><td>1</td></tr></table></html>"),
        [("excel.not_xlsx", "", "")],
    ),
    "old_xls": (
        _raw(OLE + b"\x00" * 600 + "Workbook".encode("utf-16-le")),
        [("excel.xls", "", "")],
    ),
    "encrypted": (
        _raw(OLE + b"\x00" * 600 + "EncryptedPackage".encode("utf-16-le")),
        [("excel.encrypted", "", "")],
    ),
    "word_renamed": (
        _raw(_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})),
        [("excel.not_xlsx", "", "")],
    ),
    "zip_bomb": (_raw(BOMB), [("excel.zip_bomb", "", "")]),
    "too_large": (_too_large, [("excel.too_large", "", "")]),
    "far_away_cell": (_far_cell, [("excel.too_large", "", "")]),
    "truncated": (_truncated, [("excel.corrupt", "", "")]),
    "future_zip_version": (_future_zip_version, [("excel.corrupt", "", "")]),
    "empty_file": (_raw(b""), [("excel.empty", "", "")]),
}


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 25


def _build(name: str, base: dict[str, Path], tmp_path: Path) -> Path:
    builder, _ = CORPUS[name]
    kind = getattr(builder, "kind", "facts")
    return builder(base[kind], tmp_path / f"{name}.xlsx")


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_refused_with_codes_and_cells(name: str, base: dict[str, Path], tmp_path: Path) -> None:
    path = _build(name, base, tmp_path)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    found = {(p.code, p.sheet, p.cell) for p in caught.value.problems}
    for expected in CORPUS[name][1]:
        assert expected in found, (expected, [str(p) for p in caught.value.problems])
    for problem in caught.value.problems:
        assert problem.message  # every problem says why, in Chinese
        assert any("\u4e00" <= ch <= "\u9fff" for ch in problem.message)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_cli_exits_nonzero_and_writes_nothing(
    name: str, base: dict[str, Path], tmp_path: Path
) -> None:
    path = _build(name, base, tmp_path)
    out = tmp_path / "case"
    result = CliRunner().invoke(
        app, ["import", str(path), "--out", str(out)], env={"COLUMNS": "250"}
    )
    assert result.exit_code == 2, result.output
    assert not out.exists()
    text = result.output
    for code, sheet, cell in CORPUS[name][1]:
        place = f"{sheet}!{cell}" if sheet and cell else sheet
        assert any(code in line and place in line for line in text.splitlines()), (
            code,
            place,
            text,
        )


def test_existing_case_is_kept_when_import_fails(base: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "case"
    out.mkdir()
    (out / "case.yaml").write_text("# 用户原有的案例\n", encoding="utf-8")
    bad = edit_cells(base["facts"], {("项目", "G4"): "九十"}, tmp_path / "bad.xlsx")
    result = CliRunner().invoke(app, ["import", str(bad), "--out", str(out), "--force"])
    assert result.exit_code == 2
    assert (out / "case.yaml").read_text(encoding="utf-8") == "# 用户原有的案例\n"
    assert os.listdir(out) == ["case.yaml"]  # no temporary file left behind
