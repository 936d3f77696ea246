"""The scoring engine: frameworks as data, pure evaluation, explanations. No I/O, no other jixiao imports."""

from jixiao.engine.compiled import CompiledFramework, compile_framework
from jixiao.engine.evaluate import evaluate, evaluate_many, grade_for
from jixiao.engine.inputs import Claim, Facts, GivenScore
from jixiao.engine.loader import FrameworkError, LoadedFramework, Problem, parse_framework
from jixiao.engine.model import Framework, Indicator
from jixiao.engine.result import Finding, IndicatorResult, Result, Severity, Status
from jixiao.engine.rules import RULE_KINDS

__all__ = [
    "RULE_KINDS",
    "Claim",
    "CompiledFramework",
    "Facts",
    "Finding",
    "Framework",
    "FrameworkError",
    "GivenScore",
    "Indicator",
    "IndicatorResult",
    "LoadedFramework",
    "Problem",
    "Result",
    "Severity",
    "Status",
    "compile_framework",
    "evaluate",
    "evaluate_many",
    "grade_for",
    "parse_framework",
]
