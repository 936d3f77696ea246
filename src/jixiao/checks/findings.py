"""Findings of the checks: the engine's ``Finding`` plus what a reader needs to act on it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jixiao.engine.result import Finding, Severity

SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


@dataclass(frozen=True, slots=True)
class TargetFinding(Finding):
    """A 绩效目标 review finding: which indicator, its category, and a suggested fix."""

    target: str = ""
    category: str = ""
    fix: str = ""

    def to_dict(self) -> dict[str, str]:
        data = Finding.to_dict(self)
        data.update({"target": self.target, "category": self.category, "fix": self.fix})
        return data


@dataclass(frozen=True, slots=True)
class AuditFinding(Finding):
    """An arithmetic-audit finding: the statement as printed and the value jixiao recomputed."""

    statement: str = ""
    recomputed: str = ""

    def to_dict(self) -> dict[str, str]:
        data = Finding.to_dict(self)
        data.update({"statement": self.statement, "recomputed": self.recomputed})
        return data


def summary(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {str(s): 0 for s in Severity}
    for finding in findings:
        counts[str(finding.severity)] += 1
    return counts


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)
