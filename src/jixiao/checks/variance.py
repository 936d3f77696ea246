"""Self-evaluation vs review (复核/再评价): where the unit gave itself full marks and the reviewer
deducted, the total gap, and units whose self-evaluation is full marks throughout.

The two results may come from different frameworks (a 自评表 on 财预〔2020〕10号 and a 再评价 on the
部门整体 common framework): indicators are matched by code, then by name with the usual suffixes
dropped (经济效益指标 ~ 经济效益实现情况), then by one name containing the other; a caller can
pass an explicit ``mapping`` (self code → review code). Scores are compared as shares of each
side's 分值, since the same indicator may weigh differently in the two frameworks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from jixiao.engine.numbers import format_number
from jixiao.engine.result import Finding, IndicatorResult, Result, Severity

GAP_THRESHOLD = Decimal(5)
_SUFFIX = re.compile(r"(?:指标|实现情况|完成情况|情况评价|情况)+$")


def _name(item: IndicatorResult) -> str:
    return _SUFFIX.sub("", re.sub(r"[“”\"「」\s]", "", item.name))


def _full(item: IndicatorResult) -> bool:
    return item.max > 0 and item.score >= item.max


@dataclass(frozen=True, slots=True)
class Pair:
    own: IndicatorResult
    review: IndicatorResult
    matched_by: str  # "mapping" | "code" | "name" | "contains"

    @property
    def deducted_after_full_marks(self) -> bool:
        return _full(self.own) and self.review.score < self.review.max

    def to_dict(self) -> dict[str, Any]:
        return {
            "self": {
                "code": self.own.code,
                "name": self.own.name,
                "max": str(self.own.max),
                "score": str(self.own.score),
            },
            "review": {
                "code": self.review.code,
                "name": self.review.name,
                "max": str(self.review.max),
                "score": str(self.review.score),
            },
            "matched_by": self.matched_by,
        }


@dataclass(slots=True)
class Variance:
    unit: str
    year: int | None
    self_total: Decimal
    review_total: Decimal
    self_grade: str
    review_grade: str
    pairs: list[Pair] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def gap(self) -> Decimal:
        return self.self_total - self.review_total

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "year": self.year,
            "self_total": str(self.self_total),
            "review_total": str(self.review_total),
            "gap": str(self.gap),
            "self_grade": self.self_grade,
            "review_grade": self.review_grade,
            "pairs": [p.to_dict() for p in self.pairs],
            "findings": [f.to_dict() for f in self.findings],
        }


class _Matcher:
    def __init__(self, own: Result, review: Result) -> None:
        self.own = own
        self.review = review
        self.pairs: list[Pair] = []
        self.used: set[str] = set()  # review codes already paired
        self.mine: set[str] = set()  # self codes already paired

    def take(self, a: IndicatorResult, b: IndicatorResult, how: str) -> None:
        self.pairs.append(Pair(a, b, how))
        self.used.add(b.code)
        self.mine.add(a.code)

    def free(self, a: IndicatorResult, b: IndicatorResult) -> bool:
        return a.code not in self.mine and b.code not in self.used

    def by_mapping(self, mapping: Mapping[str, str]) -> None:
        for code, target in mapping.items():
            try:
                a, b = self.own.indicator(code), self.review.indicator(target)
            except KeyError:
                continue
            self.take(a, b, "mapping")

    def by_code(self) -> None:
        codes = {i.code: i for i in self.review.indicators}
        for a in self.own.indicators:
            b = codes.get(a.code)
            if b is not None and self.free(a, b) and _name(a) == _name(b):
                self.take(a, b, "code")

    def by_name(self, contains: bool) -> None:
        for a in sorted(self.own.indicators, key=lambda i: -len(_name(i))):
            key = _name(a)
            if a.code in self.mine or len(key) < 2:
                continue
            candidates = [
                b
                for b in self.review.indicators
                if self.free(a, b)
                and len(_name(b)) >= 2
                and (key in _name(b) or _name(b) in key if contains else key == _name(b))
            ]
            if len(candidates) == 1:
                self.take(a, candidates[0], "contains" if contains else "name")


def match_indicators(
    own: Result, review: Result, mapping: Mapping[str, str] | None = None
) -> list[Pair]:
    """Pair each self-evaluation indicator with at most one review indicator."""
    matcher = _Matcher(own, review)
    matcher.by_mapping(mapping or {})
    matcher.by_code()
    matcher.by_name(contains=False)
    matcher.by_name(contains=True)
    order = {i.code: n for n, i in enumerate(own.indicators)}
    return sorted(matcher.pairs, key=lambda p: order[p.own.code])


def compare_results(
    own: Result,
    review: Result,
    mapping: Mapping[str, str] | None = None,
    gap_threshold: Decimal = GAP_THRESHOLD,
) -> Variance:
    """Compare a unit's self-evaluation result with the review of the same unit-year."""
    pairs = match_indicators(own, review, mapping)
    variance = Variance(own.unit, own.year, own.total, review.total, own.grade, review.grade, pairs)
    for pair in pairs:
        if pair.deducted_after_full_marks:
            lost = pair.review.max - pair.review.score
            variance.findings.append(
                Finding(
                    Severity.WARNING,
                    "variance.full_marks_deducted",
                    f"「{pair.own.name}」自评满分（{format_number(pair.own.score)}/"
                    f"{format_number(pair.own.max)}），复核「{pair.review.name}」得"
                    f"{format_number(pair.review.score)}/{format_number(pair.review.max)}"
                    f"（扣{format_number(lost)}分）",
                    "/".join(pair.review.path),
                )
            )
    gap = variance.gap
    if abs(gap) >= gap_threshold or own.grade != review.grade:
        higher = "高于" if gap > 0 else "低于"
        variance.findings.append(
            Finding(
                Severity.WARNING,
                "variance.total_gap",
                f"自评{format_number(own.total)}分（{own.grade}）{higher}复核"
                f"{format_number(review.total)}分（{review.grade}）{format_number(abs(gap))}分",
                "总分",
            )
        )
    elif gap:
        variance.findings.append(
            Finding(
                Severity.INFO,
                "variance.total_gap",
                f"自评{format_number(own.total)}分，复核{format_number(review.total)}分，"
                f"相差{format_number(abs(gap))}分",
                "总分",
            )
        )
    variance.findings.extend(all_full_marks([own]))
    return variance


def all_full_marks(results: Iterable[Result]) -> list[Finding]:
    """Units whose self-evaluation gives every indicator full marks."""
    findings: list[Finding] = []
    for result in results:
        leaves = [i for i in result.leaves() if i.max > 0]
        if leaves and all(_full(i) for i in leaves):
            findings.append(
                Finding(
                    Severity.WARNING,
                    "variance.all_full_marks",
                    f"{result.unit}{result.year or ''}自评全部{len(leaves)}个指标均为满分"
                    f"（{format_number(result.total)}分），须有佐证支撑，建议列为复核重点",
                    result.unit,
                )
            )
    return findings
