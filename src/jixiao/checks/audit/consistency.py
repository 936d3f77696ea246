"""The same quantity stated twice with different values.

1. The same rate computed in two places from different figures (text ``预算调整率=645.25/1,440.56``,
   table ``预算调整率=615.25/1410.56``).
2. The same labelled amount in the text and in a table with different values (text
   ``“三公经费”本年度实际支出6.74万元``, table ``…实际支出6.71万元``).

Either way one of the two is wrong, but the document alone cannot say which: these are warnings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from jixiao.checks.audit.equations import Equation, equation_key
from jixiao.checks.audit.extract import Document
from jixiao.checks.audit.figures import Figure, figures
from jixiao.checks.findings import AuditFinding
from jixiao.checks.textnum import normalize
from jixiao.engine.numbers import format_number
from jixiao.engine.result import Severity

_MIN_LABEL = 5
_MAX_REPEATS = 4


def _operands(equation: Equation) -> tuple[Decimal, ...]:
    values: list[Decimal] = []
    for number in equation.operands:
        raw = number.replace(",", "").rstrip("%‰")
        try:
            values.append(Decimal(raw).normalize())
        except ArithmeticError:
            return ()
    return tuple(values)


def check_equation_consistency(equations: list[Equation]) -> list[AuditFinding]:
    groups: dict[str, list[Equation]] = defaultdict(list)
    for equation in equations:
        key = equation_key(equation)
        if len(key) >= 3 and _operands(equation):
            groups[key].append(equation)
    findings: list[AuditFinding] = []
    for key, items in groups.items():
        if len(items) < 2 or len(items) > _MAX_REPEATS:
            continue
        first = items[0]
        for other in items[1:]:
            if _operands(other) == _operands(first):
                continue
            findings.append(
                AuditFinding(
                    Severity.WARNING,
                    "audit.consistency.equation",
                    f"「{key}」两处算式所用数字不同：{first.where}为「{first.text.lstrip('=')}」，"
                    f"{other.where}为「{other.text.lstrip('=')}」",
                    other.where,
                    statement=other.text.lstrip("="),
                    recomputed=first.text.lstrip("="),
                )
            )
    return findings


def _key(label: str) -> str:
    return re.sub(r"^(?:\d{4}年度?|本年度|本年)", "", label)


def check_figure_consistency(document: Document) -> list[AuditFinding]:
    """Text vs table: a labelled amount stated with two different values."""
    text_figures: list[Figure] = []
    table_figures: list[Figure] = []
    for line in document.lines:
        if line.cells is None:
            text_figures.extend(figures(line.norm, line))
        else:
            for cell in line.cells:
                table_figures.extend(figures(normalize(cell.text), line, cell.where))
    findings: list[AuditFinding] = []
    seen: set[tuple[str, str]] = set()
    for tf in table_figures:
        key = tf.label
        if len(key) < _MIN_LABEL:
            continue
        matches = [
            f
            for f in text_figures
            if f.unit == tf.unit and len(f.label) >= _MIN_LABEL and _same_label(f.label, key)
        ]
        if not matches or len(matches) > _MAX_REPEATS:
            continue
        values = {f.value for f in matches}
        if tf.value in values or len(values) != 1:
            continue
        text = matches[0]
        pair = (tf.where, text.where)
        if pair in seen:
            continue
        seen.add(pair)
        findings.append(
            AuditFinding(
                Severity.WARNING,
                "audit.consistency.value",
                f"「{tf.label}」表中为{format_number(tf.value)}{tf.unit}（{tf.where}），"
                f"正文为{format_number(text.value)}{text.unit}（{text.where}「{text.printed}」）",
                tf.where,
                statement=tf.printed,
                recomputed=f"{format_number(text.value)}{text.unit}",
            )
        )
    return findings


def _same_label(a: str, b: str) -> bool:
    a, b = _key(a), _key(b)
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= _MIN_LABEL + 1 and long.endswith(short)
