"""Check what a report prints (rates, scores, totals) against what the facts and rules give."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from jixiao.engine.expressions import ExpressionError, MissingFact, Undefined, compile_expression
from jixiao.engine.inputs import Claim
from jixiao.engine.numbers import (
    ONE,
    Percent,
    format_number,
    format_percent,
    parse_decimal,
    round_to,
)
from jixiao.engine.result import Finding, IndicatorResult, Result, Severity

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％，", "0123456789.%,")


def _places(printed: str) -> int:
    digits = printed.translate(_FULL_WIDTH).strip().rstrip("%分").replace(",", "")
    return len(digits.split(".")[1]) if "." in digits else 0


def _label(value: Decimal, printed: str) -> str:
    """The computed value at the printed precision, so the two read side by side."""
    places = _places(printed)
    if printed.strip().endswith(("%", "％")):
        return format_percent(value, places)
    return format_number(round_to(value, places))


def compare(printed: str, computed: Decimal, rates: bool = True) -> tuple[str, Decimal] | None:
    """None when ``printed`` agrees with ``computed`` at the printed precision.

    Otherwise (kind, printed value): ``rounding`` when only the last printed digit differs,
    ``inverted`` when the printed rate is the reciprocal of the computed one, else ``mismatch``.
    """
    value = parse_decimal(printed.strip().removesuffix("分"))
    is_percent = isinstance(value, Percent)
    places = _places(printed) + (2 if is_percent else 0)
    if round_to(computed, places) == value:
        return None
    unit = Decimal(1).scaleb(-places)
    # A printed decimal figure off by one in its last digit (99.75% for 99.74%) is a rounding slip.
    if rates and _places(printed) > 0 and abs(round_to(computed, places) - value) <= unit:
        return "rounding", value
    if is_percent and computed and round_to(ONE / computed, places) == value:
        return "inverted", value
    return "mismatch", value


def check_claims(
    result: Result, claims: Iterable[Claim], env: Mapping[str, Any], percent_places: int
) -> list[Finding]:
    findings: list[Finding] = []
    for claim in claims:
        finding = _check(result, claim, env)
        if finding is not None:
            findings.append(finding)
    return findings


def _check(result: Result, claim: Claim, env: Mapping[str, Any]) -> Finding | None:
    if claim.kind == "expression":
        return _check_expression(claim, env)
    if claim.kind == "grade":
        if claim.printed.strip() == result.grade:
            return None
        return Finding(
            Severity.ERROR,
            "claim.grade_mismatch",
            f"报告称等级为「{claim.printed}」，按总分{format_number(result.total)}分应为「{result.grade}」",
            claim.where,
        )
    if claim.target in ("total", "总分"):
        return _verdict(claim, "总分", result.total, "按各指标得分汇总为", is_score=True)
    try:
        item = result.indicator(claim.target)
    except KeyError:
        return Finding(
            Severity.ERROR,
            "claim.unknown_indicator",
            unknown_indicator(result, claim.target),
            claim.where,
        )
    if claim.kind == "score":
        return _verdict(
            claim, f"「{item.name}」得分", item.score, "按事实与评分标准计算为", True, item
        )
    if claim.kind == "max":
        return _verdict(claim, f"「{item.name}」分值", item.max, "指标体系中为", True, item)
    if item.value is None:
        return Finding(
            Severity.WARNING,
            "claim.not_computed",
            f"报告称「{item.name}」为{claim.printed}，但jixiao未能由事实算出该值：{item.explanation}",
            claim.where,
        )
    return _verdict(claim, f"「{item.name}」", item.value, "按事实计算为", False, item)


def _verdict(
    claim: Claim,
    what: str,
    computed: Decimal,
    how: str,
    is_score: bool,
    item: IndicatorResult | None = None,
) -> Finding | None:
    try:
        outcome = compare(claim.printed, computed, rates=not is_score)
    except ValueError as exc:
        return Finding(
            Severity.ERROR, "claim.unreadable", f"报告所称的值无法识别：{exc}", claim.where
        )
    if outcome is None:
        return None
    kind, _ = outcome
    shown = format_number(computed) + "分" if is_score else _label(computed, claim.printed)
    message = f"报告称{what}为{claim.printed}，{how}{shown}"
    if item is not None and not is_score:
        message += f"（{item.explanation}）"
    elif item is not None and item.is_leaf:
        message += f"：{item.explanation}"
    if kind == "inverted":
        message += f"；{claim.printed}恰为计算值的倒数，分子分母颠倒"
    severity = Severity.WARNING if kind == "rounding" else Severity.ERROR
    code = (
        "claim.rounding"
        if kind == "rounding"
        else f"claim.{'score' if is_score else 'value'}_{kind}"
    )
    if kind == "rounding":
        message += "（仅末位不同，属计算或舍入误差）"
    return Finding(severity, code, message, claim.where)


def _check_expression(claim: Claim, env: Mapping[str, Any]) -> Finding | None:
    try:
        expr = compile_expression(claim.expression or "")
        computed = expr.value(env)
    except MissingFact as exc:
        return Finding(
            Severity.WARNING,
            "claim.not_computed",
            f"无法复算「{claim.target}」：缺少数据 {exc.name}",
            claim.where,
        )
    except (ExpressionError, Undefined) as exc:
        return Finding(
            Severity.WARNING,
            "claim.not_computed",
            f"无法复算「{claim.target}」：{exc}",
            claim.where,
        )
    outcome = _verdict(claim, f"「{claim.target}」", computed, f"按{expr.render(env)}计算为", False)
    return outcome


def unknown_indicator(result: Result, key: str) -> str:
    """Why ``key`` names no indicator: absent, or a name shared by several (give the path)."""
    paths = ["/".join(i.path) for i in result.indicators if i.name == key]
    if len(paths) > 1:
        return f"指标名称「{key}」不唯一，请改用路径：{'；'.join(paths)}"
    return f"「{key}」不是本指标体系中的指标（可用编码、名称路径或唯一的名称）"
