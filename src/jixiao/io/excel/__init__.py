"""Excel in and out: the official self-evaluation forms and jixiao's own facts workbook.

``read_workbook(path)`` screens the file, recognises its layout by its headers and returns the
case it holds — or raises ``WorkbookError`` listing every problem (sheet, cell, reason). It
never returns a half-read case. ``write_workbook(path, case, layout)`` writes a layout.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from jixiao.engine import Result
from jixiao.facts.case import Case
from jixiao.facts.checks import UNIT_MIX_CODE, CheckFinding, run_checks
from jixiao.io.excel.factsbook import (
    is_facts_workbook,
    read_facts_workbook,
    write_facts_workbook,
)
from jixiao.io.excel.forms import LAYOUTS, carried_facts, detect_form, read_form, write_form
from jixiao.io.excel.problems import CODES, Problem, Problems, WorkbookError
from jixiao.io.excel.reader import open_book

FACTS_LAYOUT: Final = "facts"
# At import only the table-level rules run (sums, comparisons, ratios): they are the ones that
# reveal 元/万元 mix-ups. Per-item, range and trend rules are left to ``jixiao check``; negative
# amounts were refused cell by cell already.
IMPORT_SKIPS: Final = frozenset({"each", "range", "monotonic", "amounts_non_negative"})
LAYOUT_NAMES: Final = (FACTS_LAYOUT, *LAYOUTS)
LAYOUT_TITLES: Final = {
    FACTS_LAYOUT: "jixiao 单位年度事实工作簿（全部事实，可往返）",
    **{name: layout.description for name, layout in LAYOUTS.items()},
}


@dataclass(slots=True)
class ImportedWorkbook:
    """A case read from a workbook, with where each fact came from."""

    case: Case
    sources: dict[str, str]
    locations: Mapping[str, str]
    layout: str
    warnings: list[str] = field(default_factory=list)
    findings: list[CheckFinding] = field(default_factory=list)
    data: dict[str, Any] | None = None


def read_workbook(
    path: str | Path, framework: str | None = None, case_id: str | None = None
) -> ImportedWorkbook:
    """Import ``path``; raises ``WorkbookError`` (all problems at once) unless all of it is valid."""
    with _gc_paused(), open_book(path) as book:
        if is_facts_workbook(book):
            facts = read_facts_workbook(book, framework, case_id)
            imported = ImportedWorkbook(
                facts.case, facts.sources, facts.locations, FACTS_LAYOUT, data=facts.data
            )
        else:
            detected = detect_form(book)
            if detected is None:
                raise WorkbookError(
                    [
                        Problem(
                            "excel.layout_unknown",
                            "认不出表格格式：既不是 jixiao 事实工作簿（应有「说明」「单位」「预算」等表），"
                            "也找不到自评表的“一级指标/二级指标/三级指标”表头或“年初预算数”资金表；"
                            "可用 jixiao template 生成事实工作簿模板",
                        )
                    ],
                    Path(path).name,
                )
            form = read_form(book, framework, case_id, detected)
            imported = ImportedWorkbook(
                form.case, form.sources, form.locations, form.layout, form.warnings
            )
    with _gc_paused():
        _refuse_unit_mix(imported, Path(path).name)
    return imported


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cycle collector while a workbook is read: a long table creates hundreds of
    thousands of small objects (no cycles among them) and repeated collections would cost a
    quarter of the import. Reference counting frees memory as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _refuse_unit_mix(imported: ImportedWorkbook, file: str) -> None:
    """元/万元 mix-ups are input errors, not findings: the import is refused."""
    report = run_checks(imported.case.facts, skip=IMPORT_SKIPS, data=imported.data)
    imported.data = None
    problems = Problems(file)
    for finding in report.findings:
        if finding.code == UNIT_MIX_CODE:
            cells = finding.cells(imported.locations) or ("",)
            sheet, _, cell = cells[0].partition("!")
            where = "；涉及 " + "、".join(cells) if len(cells) > 1 else ""
            problems.add("excel.unit_mix", finding.message + where, sheet, cell)
    problems.raise_if_any()
    imported.findings = report.findings


def write_workbook(
    path: str | Path,
    case: Case,
    layout: str = FACTS_LAYOUT,
    sources: Mapping[str, str] | None = None,
    result: Result | None = None,
) -> Path:
    """Write ``case`` in ``layout`` (``facts`` or one of the official forms)."""
    if layout == FACTS_LAYOUT:
        return write_facts_workbook(path, case, sources)
    if layout not in LAYOUTS:
        raise KeyError(f"没有名为「{layout}」的表格格式；可选：{'、'.join(LAYOUT_NAMES)}")
    return write_form(path, case, layout, result)


__all__ = [
    "CODES",
    "FACTS_LAYOUT",
    "LAYOUT_NAMES",
    "ImportedWorkbook",
    "Problem",
    "WorkbookError",
    "carried_facts",
    "read_workbook",
    "write_facts_workbook",
    "write_workbook",
]
