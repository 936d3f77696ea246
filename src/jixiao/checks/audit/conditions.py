"""A scoring rule's condition violated by the report's own figures.

``如实际采购金额大于采购预算，本项得0分`` in the 政府采购执行率 row, while the text says 实际采购金额
1973.09 万元 and 预算金额 1791.71 万元 and the row scores 1.82: the rule says 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from jixiao.checks.audit.extract import Document, Line
from jixiao.checks.audit.figures import Figure, all_sentences, figures, is_difference
from jixiao.checks.audit.narrative import build_tree
from jixiao.checks.audit.tables import read_sections
from jixiao.checks.audit.vocab import Vocabulary, vocabulary
from jixiao.checks.findings import AuditFinding
from jixiao.engine.numbers import format_number
from jixiao.engine.result import Severity

_OPERATORS: dict[str, tuple[str, Callable[[Decimal, Decimal], bool]]] = {
    "大于": (">", lambda a, b: a > b),
    "高于": (">", lambda a, b: a > b),
    "超过": (">", lambda a, b: a > b),
    "多于": (">", lambda a, b: a > b),
    "小于": ("<", lambda a, b: a < b),
    "低于": ("<", lambda a, b: a < b),
    "少于": ("<", lambda a, b: a < b),
}
_CONDITION = re.compile(
    r"(?:如果|如|若|凡)(?P<a>[\u4e00-\u9fff“”]{2,15}?)(?P<op>"
    + "|".join(_OPERATORS)
    + r")(?P<b>[\u4e00-\u9fff“”]{2,15}?)(?:的)?[，,]?\s*(?:本项|该项|此项|本指标|该指标|则)?"
    r"(?:得\s*0\s*分|不得分|得零分|计\s*0\s*分)"
)
_RATE_SUFFIX = re.compile(r"(?:执行率|完成率|控制率|利用率|支付率|到位率|率)$")


@dataclass(frozen=True, slots=True)
class Rule:
    text: str
    a: str
    b: str
    operator: str
    indicator: str
    score: Decimal
    score_where: str


def _rules_in_tables(document: Document, vocab: Vocabulary) -> list[Rule]:
    rules: list[Rule] = []
    sections, _ = read_sections(document, vocab)
    for section in sections:
        for row in section.rows:
            if row.score is None:
                continue
            cells = row.line.cells or []
            for k, cell in enumerate(cells):
                m = _CONDITION.search(cell.text)
                if m is None:
                    continue
                names = [
                    c.text.strip()
                    for c in cells[:k]
                    if c.text.strip()
                    and not re.fullmatch(r"[\d.]+", c.text.strip())
                    and len(c.text.strip()) <= 20
                ]
                indicator = names[-1] if names else ""
                rules.append(
                    Rule(
                        m.group(0),
                        m.group("a"),
                        m.group("b"),
                        m.group("op"),
                        indicator,
                        row.score,
                        row.score_where,
                    )
                )
    return rules


def _rules_in_narrative(document: Document) -> list[Rule]:
    rules: list[Rule] = []
    stack = list(build_tree(document))
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.score is None:
            continue
        for line in [node.line, *node.body]:
            m = _CONDITION.search(line.norm)
            if m is not None:
                rules.append(
                    Rule(
                        m.group(0),
                        m.group("a"),
                        m.group("b"),
                        m.group("op"),
                        node.title,
                        node.score,
                        node.line.where,
                    )
                )
    return rules


def _topic(rule: Rule) -> str:
    topic = _RATE_SUFFIX.sub("", re.sub(r"[“”\"]", "", rule.indicator))
    if len(topic) >= 2:
        return topic
    common = [ch for ch in rule.a if ch in rule.b]
    return "".join(common)


def _evidence(
    document: Document, rule: Rule, vocab: Vocabulary
) -> tuple[Figure, Figure, Line] | None:
    """A sentence about the rule's topic giving the two figures the condition compares."""
    a_actual, b_actual = vocab.is_actual(rule.a), vocab.is_actual(rule.b)
    a_plan, b_plan = vocab.is_plan(rule.a), vocab.is_plan(rule.b)
    if not ((a_actual and b_plan) or (a_plan and b_actual)):
        return None
    topic = _topic(rule)
    if len(topic) < 2:
        return None
    for sentence in all_sentences(document):
        if topic not in sentence.text:
            continue
        found = [
            f
            for f in figures(sentence.text, sentence.line)
            if f.unit in ("万元", "亿元", "元") and not is_difference(f.label)
        ]
        actual = [f for f in found if vocab.is_actual(f.label)]
        plan = [f for f in found if vocab.is_plan(f.label)]
        if len(actual) == 1 and len(plan) == 1 and actual[0].unit == plan[0].unit:
            first, second = (actual[0], plan[0]) if a_actual else (plan[0], actual[0])
            return first, second, sentence.line
    return None


def check_conditions(document: Document, vocab: Vocabulary | None = None) -> list[AuditFinding]:
    vocab = vocab or vocabulary()
    findings: list[AuditFinding] = []
    for rule in [*_rules_in_tables(document, vocab), *_rules_in_narrative(document)]:
        evidence = _evidence(document, rule, vocab)
        if evidence is None:
            continue
        first, second, line = evidence
        symbol, holds = _OPERATORS[rule.operator]
        if not holds(first.value, second.value) or rule.score == 0:
            continue
        findings.append(
            AuditFinding(
                Severity.ERROR,
                "audit.rule.violated",
                f"评分规则「{rule.text}」：报告所列{first.label}{format_number(first.value)}{first.unit}"
                f"{symbol}{second.label}{format_number(second.value)}{second.unit}（{line.where}），"
                f"条件成立应得0分，但「{rule.indicator}」得分为{format_number(rule.score)}",
                rule.score_where,
                statement=f"{rule.indicator} 得分{format_number(rule.score)}",
                recomputed="0",
            )
        )
    return findings
