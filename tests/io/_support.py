"""Helpers for the Excel tests: example cases, strict comparison, workbook surgery."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from jixiao.engine.numbers import Percent
from jixiao.io.cases import LoadedCase, load_case

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CASES = sorted(p.parent.name for p in EXAMPLES.glob("*/case.yaml"))


def example(name: str) -> LoadedCase:
    return load_case(EXAMPLES / name)


def canon(value: Any) -> Any:
    """Plain data where a Decimal keeps its type (percent or not) and its digits as written."""
    if isinstance(value, dict):
        return {k: canon(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canon(v) for v in value]
    if isinstance(value, Decimal):
        return ("%" if isinstance(value, Percent) else "d", str(value))
    return value


def edit_cells(path: Path, edits: dict[tuple[str, str], Any], out: Path | None = None) -> Path:
    """Set cells with openpyxl (``{("项目", "C4"): "九十"}``) and save to ``out`` (or in place)."""
    book = openpyxl.load_workbook(path)
    for (sheet, ref), value in edits.items():
        book[sheet][ref] = value
    target = out or path
    book.save(target)
    return target


def with_book(path: Path, change: Callable[[openpyxl.Workbook], None], out: Path) -> Path:
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(out)
    return out


def sheet_member(path: Path, sheet: str) -> str:
    """The zip member of a worksheet (``xl/worksheets/sheet5.xml``)."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    rid = re.search(rf'<sheet name="{re.escape(sheet)}" sheetId="\d+" r:id="(rId\d+)"', workbook)
    assert rid, sheet
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels
    )
    assert target
    name = target.group(1).lstrip("/")
    return name if name.startswith("xl/") else "xl/" + name


def patch_xml(path: Path, member: str, change: Callable[[str], str], out: Path) -> Path:
    """Rewrite one zip member's text (to make cells no spreadsheet program writes on purpose)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)
    return out
