"""One way in for every kind of case: a case directory, a ``case.yaml``, or an Excel workbook."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.facts.case import Case
from jixiao.facts.checks import CheckFinding
from jixiao.io.cases import case_locations, load_case

EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass(slots=True)
class OpenedCase:
    case: Case
    sources: dict[str, str]
    locations: Mapping[str, str]
    path: Path
    layout: str = "yaml"
    warnings: list[str] = field(default_factory=list)
    findings: list[CheckFinding] | None = None


def is_workbook(path: str | Path) -> bool:
    return Path(path).suffix.lower() in (*EXCEL_SUFFIXES, ".xls", ".xlsb", ".et", ".csv")


def open_case(path: str | Path, framework: str | None = None) -> OpenedCase:
    """Load a case from a directory, a YAML file or a workbook (imported in memory).

    Raises ``CaseError`` for YAML cases and ``WorkbookError`` for workbooks, each listing every
    problem. ``framework`` names the framework when a workbook does not.
    """
    target = Path(path)
    if is_workbook(target):
        from jixiao.io.excel import read_workbook

        imported = read_workbook(target, framework)
        return OpenedCase(
            imported.case,
            imported.sources,
            imported.locations,
            target,
            imported.layout,
            imported.warnings,
            imported.findings,
        )
    loaded = load_case(target)
    return OpenedCase(loaded.case, loaded.sources, case_locations(target), loaded.path)
