"""The audit's result: findings in document order, counts, JSON."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from jixiao.checks.audit.extract import Document
from jixiao.checks.findings import SEVERITY_ORDER, AuditFinding, has_errors, summary


@dataclass(slots=True)
class AuditReport:
    file: str
    findings: list[AuditFinding] = field(default_factory=list)
    lines: int = 0
    tables: int = 0

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)

    @property
    def exit_code(self) -> int:
        """0: no error-severity finding; 1: at least one."""
        return 1 if self.has_errors else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "lines": self.lines,
            "tables": self.tables,
            "summary": summary(self.findings),
            "findings": [f.to_dict() for f in self.findings],
        }


def ordered(document: Document, findings: list[AuditFinding]) -> list[AuditFinding]:
    """Findings in the order their locations appear in the document; duplicates dropped."""
    position: dict[str, int] = {}
    for index, line in enumerate(document.lines):
        position.setdefault(line.where, index)
        for cell in line.cells or []:
            position.setdefault(cell.where, index)

    def key(finding: AuditFinding) -> tuple[int, int, str]:
        where = finding.where
        index = position.get(where)
        if index is None:
            m = re.match(r"(行\d+)", where)
            index = position.get(m.group(1), len(position)) if m else len(position)
        return index, SEVERITY_ORDER[finding.severity], finding.code

    unique: dict[tuple[str, str, str], AuditFinding] = {}
    for finding in findings:
        unique.setdefault((finding.code, finding.where, finding.message), finding)
    return sorted(unique.values(), key=key)
