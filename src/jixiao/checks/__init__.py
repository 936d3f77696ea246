"""Checks around the engine: 绩效目标 quality review, arithmetic audit of reports, self vs review.

Library entry points (what the CLI and the web app call):

- ``review_targets(targets, rules=None, peers=None)`` → ``list[TargetFinding]``; rules from
  ``load_target_rules(path=None)`` (``target_rules.yaml``, a locality's file merged over it).
- ``audit_file(path)`` / ``audit_text(text)`` → ``AuditReport`` (findings located by line, cell,
  page); ``ExtractError`` for unusable input.
- ``compare_results(self_result, review_result, mapping=None)`` → ``Variance``;
  ``all_full_marks(results)`` for units whose self-evaluation is full marks throughout.

Every finding is an engine ``Finding`` (severity, code, Chinese message, where); the subclasses
add the suggested fix (targets) or the statement as printed and the recomputed value (audit).
"""

from jixiao.checks.audit import AuditReport, ExtractError, audit_file, audit_text
from jixiao.checks.findings import AuditFinding, TargetFinding
from jixiao.checks.targets import TargetRules, TargetRulesError, load_target_rules, review_targets
from jixiao.checks.variance import Variance, all_full_marks, compare_results

__all__ = [
    "AuditFinding",
    "AuditReport",
    "ExtractError",
    "TargetFinding",
    "TargetRules",
    "TargetRulesError",
    "Variance",
    "all_full_marks",
    "audit_file",
    "audit_text",
    "compare_results",
    "load_target_rules",
    "review_targets",
]
