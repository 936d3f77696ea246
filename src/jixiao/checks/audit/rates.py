"""Rates stated next to their figures: ``实际采购金额 1973.09 万元，年初预算金额 1791.71 万元，
政府采购执行率 90.81%`` — an 执行率/完成率/控制率 is actual/plan; a printed rate equal to plan/actual
has its numerator and denominator swapped."""

from __future__ import annotations

from jixiao.checks.audit.extract import Document
from jixiao.checks.audit.figures import (
    Figure,
    RateStatement,
    all_sentences,
    figures,
    is_difference,
    pct,
    rate_statements,
)
from jixiao.checks.audit.vocab import Vocabulary, vocabulary
from jixiao.checks.findings import AuditFinding
from jixiao.engine.claims import compare
from jixiao.engine.numbers import format_number
from jixiao.engine.result import Severity


def actual_and_plan(found: list[Figure], vocab: Vocabulary) -> tuple[Figure, Figure] | None:
    """The one actual-like and the one plan-like amount of a sentence, if exactly so."""
    amounts = [f for f in found if f.unit in ("万元", "亿元", "元") and not is_difference(f.label)]
    actual = [f for f in amounts if vocab.is_actual(f.label)]
    plan = [f for f in amounts if vocab.is_plan(f.label)]
    if len(actual) != 1 or len(plan) != 1 or actual[0].unit != plan[0].unit:
        return None
    return actual[0], plan[0]


def check_rates(document: Document, vocab: Vocabulary | None = None) -> list[AuditFinding]:
    vocab = vocab or vocabulary()
    findings: list[AuditFinding] = []
    for sentence in all_sentences(document):
        statements = [
            s
            for s in rate_statements(sentence)
            if any(w in s.label for w in vocab.actual_over_plan_rates)
        ]
        if not statements:
            continue
        pair = actual_and_plan(figures(sentence.text, sentence.line), vocab)
        if pair is None:
            continue
        for statement in statements:
            finding = _check(statement, *pair)
            if finding is not None:
                findings.append(finding)
    return findings


def _check(statement: RateStatement, actual: Figure, plan: Figure) -> AuditFinding | None:
    if plan.value == 0:
        return None
    computed = actual.value / plan.value
    try:
        outcome = compare(statement.printed, computed)
    except ValueError:
        return None
    if outcome is None or outcome[0] == "mismatch":
        return None  # a mismatch may rest on figures the sentence does not show: not ours to judge
    kind = outcome[0]
    places = _places(statement.printed)
    shown = pct(computed, places)
    a, p = format_number(actual.value), format_number(plan.value)
    text = f"{statement.label}{statement.printed}"
    if kind == "inverted":
        return AuditFinding(
            Severity.ERROR,
            "audit.rate.inverted",
            f"「{text}」={p}/{a}，是{plan.label}除以{actual.label}，分子分母颠倒；"
            f"按{actual.label}/{plan.label}应为{a}/{p}={shown}"
            + ("，实际超过预算" if actual.value > plan.value else ""),
            statement.sentence.line.where,
            statement=text,
            recomputed=shown,
        )
    return AuditFinding(
        Severity.WARNING,
        "audit.rate.rounding",
        f"「{text}」：{a}/{p}={shown}，仅末位不同（舍入误差）",
        statement.sentence.line.where,
        statement=text,
        recomputed=shown,
    )


def _places(printed: str) -> int:
    digits = printed.rstrip("%").strip()
    return len(digits.split(".")[1]) if "." in digits else 0
