"""Evaluation results: every indicator with its value, score and explanation, plus findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from jixiao.engine.numbers import format_number


class Status(StrEnum):
    SCORED = "scored"
    GIVEN = "given"
    NOT_APPLICABLE = "not_applicable"
    MISSING_DATA = "missing_data"


STATUS_LABELS = {
    Status.SCORED: "计算得分",
    Status.GIVEN: "评价人给分",
    Status.NOT_APPLICABLE: "不适用",
    Status.MISSING_DATA: "缺少数据",
}


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem found in a framework, a case's facts or a report's published figures."""

    severity: Severity
    code: str
    message: str
    where: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "severity": str(self.severity),
            "code": self.code,
            "message": self.message,
            "where": self.where,
        }


@dataclass(slots=True)
class IndicatorResult:
    """One node of the indicator tree after evaluation."""

    code: str
    name: str
    path: tuple[str, ...]
    level: int
    max: Decimal
    score: Decimal
    status: Status
    explanation: str
    value: Decimal | None = None
    value_text: str | None = None
    is_leaf: bool = True
    missing: tuple[str, ...] = ()
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "path": list(self.path),
            "level": self.level,
            "max": format_number(self.max),
            "score": format_number(self.score),
            "value": self.value_text,
            "status": str(self.status),
            "explanation": self.explanation,
            "is_leaf": self.is_leaf,
            "missing": list(self.missing),
            "source": self.source,
        }


@dataclass(slots=True)
class Result:
    """The outcome of ``evaluate(framework, facts)``."""

    framework_id: str
    framework_title: str
    unit: str
    year: int | None
    total: Decimal
    max: Decimal
    grade: str
    indicators: list[IndicatorResult]
    findings: list[Finding] = field(default_factory=list)
    _index: dict[str, IndicatorResult] | None = field(default=None, repr=False, compare=False)

    @property
    def complete(self) -> bool:
        return all(i.status is not Status.MISSING_DATA for i in self.indicators)

    def indicator(self, key: str) -> IndicatorResult:
        """Find an indicator by code, by name path (``投入/目标设定/…``) or by unique name."""
        if self._index is None:
            self._index = _index(self.indicators)
        found = self._index.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def leaves(self) -> list[IndicatorResult]:
        return [i for i in self.indicators if i.is_leaf]

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "year": self.year,
            "framework": self.framework_id,
            "framework_title": self.framework_title,
            "total": format_number(self.total),
            "max": format_number(self.max),
            "grade": self.grade,
            "complete": self.complete,
            "indicators": [i.to_dict() for i in self.indicators],
            "findings": [f.to_dict() for f in self.findings],
        }


def _index(indicators: list[IndicatorResult]) -> dict[str, IndicatorResult]:
    index: dict[str, IndicatorResult] = {}
    names: dict[str, list[IndicatorResult]] = {}
    for item in indicators:
        index[item.code] = item
        index["/".join(item.path)] = item
        names.setdefault(item.name, []).append(item)
    for name, items in names.items():
        if len(items) == 1:
            index.setdefault(name, items[0])
    return index
