"""Arithmetic audit of any report: recompute what it prints and say where it does not hold.

``audit_file(path)`` reads a .txt, .docx, .xlsx or text-layer .pdf and returns an ``AuditReport``
whose findings name the location (``行N``, ``表1!C12``, ``Sheet!C12``, ``第N页第M行``), the
statement as printed and the recomputed value. Nothing here knows any particular report: the
checks look for patterns (stated equations, scoring tables, stated scores, X其中a、b, rates next to
their figures, rule conditions) and recompute them.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.checks.audit.conditions import check_conditions
from jixiao.checks.audit.consistency import check_equation_consistency, check_figure_consistency
from jixiao.checks.audit.equations import all_equations, check_equations
from jixiao.checks.audit.extract import Document, ExtractError, document_from_text, read_document
from jixiao.checks.audit.narrative import check_breakdowns, check_narrative
from jixiao.checks.audit.rates import check_rates
from jixiao.checks.audit.report import AuditReport, ordered
from jixiao.checks.audit.tables import check_tables
from jixiao.checks.audit.vocab import Vocabulary, vocabulary
from jixiao.checks.findings import AuditFinding

__all__ = [
    "AuditReport",
    "ExtractError",
    "audit_document",
    "audit_file",
    "audit_text",
]


def audit_document(document: Document, vocab: Vocabulary | None = None) -> AuditReport:
    vocab = vocab or vocabulary()
    equations = all_equations(document)
    findings: list[AuditFinding] = [
        *check_equations(equations),
        *check_tables(document, vocab),
        *check_narrative(document, vocab),
        *check_breakdowns(document),
        *check_rates(document, vocab),
        *check_conditions(document, vocab),
        *check_equation_consistency(equations),
        *check_figure_consistency(document),
    ]
    return AuditReport(
        document.name,
        ordered(document, findings),
        lines=len(document.lines),
        tables=len(document.tables),
    )


def audit_file(path: str | Path) -> AuditReport:
    """Audit a report file; raises ``ExtractError`` (Chinese message) when it cannot be read."""
    return audit_document(read_document(path))


def audit_text(text: str, name: str = "文本") -> AuditReport:
    return audit_document(document_from_text(text, name))
