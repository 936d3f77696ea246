"""Rule kinds, one module each; importing this package registers them all."""

from jixiao.engine.rules import (  # noqa: F401  (imported to register)
    bands,
    checklist,
    composite,
    conditions,
    given,
    issue_deduction,
    judgment,
    linear,
    proportional,
    step_deduction,
    target_attainment,
)
from jixiao.engine.rules.base import RULE_KINDS, Outcome, RuleContext, RuleSpec, parse_rule

__all__ = ["RULE_KINDS", "Outcome", "RuleContext", "RuleSpec", "parse_rule"]
