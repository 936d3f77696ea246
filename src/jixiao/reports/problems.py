"""Section 五 (存在的问题): generated from deductions, failed checks and target-quality findings.

Every sentence here restates something the engine computed or a fact the case holds: a leaf that
lost points (with the engine's explanation), a finding of the engine (a printed figure that does
not match the facts, a missing fact, a framework whose weights do not add up), the cross-table
checks of the facts (``jixiao.facts.checks``: parts that do not add up to their total, …), and the review of the 绩效目标 the unit declared
(``jixiao.checks.targets``: not measurable, no time limit, value equal to the name, duplicates…). Causes and remedies are prose for people (narrative ``causes``/``measures``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from jixiao.checks.targets import TargetRules, load_target_rules, review_targets
from jixiao.engine import Finding, IndicatorResult, Result, Severity, Status
from jixiao.engine.numbers import format_number
from jixiao.facts.checks import check_facts
from jixiao.facts.model import Target, UnitYear

REPORTED_FINDINGS = {Severity.ERROR, Severity.WARNING}
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class ProblemGroup:
    title: str
    items: list[str] = field(default_factory=list)
    no: str = ""


def deductions(result: Result) -> list[str]:
    """Every leaf that lost points, with the engine's own explanation."""
    out: list[str] = []
    for item in result.leaves():
        if item.status is Status.NOT_APPLICABLE or item.score >= item.max:
            continue
        lost = format_number(item.max - item.score)
        path = "/".join(item.path)
        out.append(
            f"「{path}」扣{lost}分（分值{format_number(item.max)}分，得{format_number(item.score)}分）：{item.explanation}"
        )
    return out


def failed_checks(result: Result) -> list[str]:
    """Errors and warnings the engine found (claims that do not hold, missing facts, weights)."""
    out: list[str] = []
    for finding in result.findings:
        if finding.severity in REPORTED_FINDINGS and finding.code != "rule.note":
            where = f"（{finding.where}）" if finding.where else ""
            out.append(f"{finding.message}{where}")
    return out


def consistency(facts: UnitYear) -> list[str]:
    """Cross-table checks of the facts (``jixiao.facts.checks``): parts that do not add up, …"""
    return [f.message for f in check_facts(facts) if f.severity in REPORTED_FINDINGS]


@cache
def _target_rules() -> TargetRules:
    return load_target_rules()


def target_quality(targets: Sequence[Target], result: Result | None = None) -> list[str]:
    """The 绩效目标 review of ``jixiao.checks`` (errors and warnings) and the engine's rule notes."""
    out = [
        f"{f.where}：{f.message}"
        for f in review_targets(targets, _target_rules())
        if f.severity in REPORTED_FINDINGS
    ]
    if result is not None:
        out += [
            f"{f.message}（{f.where}）" if f.where else f.message
            for f in result.findings
            if f.code == "rule.note"
        ]
    return _unique(out)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def problem_groups(
    result: Result, facts: UnitYear, extra: Sequence[Finding] = ()
) -> list[ProblemGroup]:
    """The groups of section 五, empty groups left out. ``extra`` adds findings from other checks."""
    checks = failed_checks(result) + consistency(facts)
    checks += [f"{f.message}（{f.where}）" if f.where else f.message for f in extra]
    groups = [
        ProblemGroup("扣分事项", deductions(result)),
        ProblemGroup("数据核对发现", _unique(checks)),
        ProblemGroup("绩效目标设置", target_quality(facts.targets, result)),
    ]
    kept = [g for g in groups if g.items]
    return [ProblemGroup(g.title, g.items, f"（{NUMERALS[k]}）") for k, g in enumerate(kept)]


def lost_points(item: IndicatorResult) -> Decimal:
    return item.max - item.score
