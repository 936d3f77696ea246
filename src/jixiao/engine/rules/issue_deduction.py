"""Deduction per listed issue: each problem found costs points, "扣完为止"."""

from __future__ import annotations

from decimal import Decimal

from jixiao.engine.numbers import ZERO, Number, format_number, parse_decimal
from jixiao.engine.rules.base import (
    Env,
    Outcome,
    RuleContext,
    RuleSpec,
    Scorer,
    missing_outcome,
    register,
    score_phrase,
)


@register("issue_deduction", "按发现的问题逐项扣分（每项扣固定分值或该问题注明的分值），扣完为止")
class IssueDeduction(RuleSpec):
    kind: str = "issue_deduction"
    fact: str
    deduct: Number = Decimal(1)

    def fact_names(self) -> frozenset[str]:
        return frozenset({self.fact})

    def compile(self, ctx: RuleContext) -> Scorer:
        full = ctx.round_score(ctx.max_points)
        none_found = Outcome(
            full,
            f"未发现扣分问题，{score_phrase(full, ctx.max_points)}",
            value=ZERO,
            value_text="0项",
        )

        def scorer(env: Env) -> Outcome:
            issues = env.get(self.fact)
            if issues is None:
                return missing_outcome([self.fact])
            if not issues:
                return none_found
            items = [self._read(issue) for issue in issues]
            lost = sum((d for _, d in items), ZERO)
            raw = ctx.max_points - lost
            score = ctx.round_score(raw)
            listed = "；".join(f"{text}，扣{format_number(d)}分" for text, d in items)
            tail = "，扣完为止" if raw < 0 else ""
            text = f"发现问题{len(items)}项：{listed}{tail}；{score_phrase(score, ctx.max_points)}"
            return Outcome(score, text, value=Decimal(len(items)), value_text=f"{len(items)}项")

        return scorer

    def _read(self, issue: object) -> tuple[str, Decimal]:
        if isinstance(issue, dict):
            deduct = issue.get("deduct")
            return str(issue.get("text", "")), self.deduct if deduct is None else parse_decimal(
                deduct
            )
        return str(issue), self.deduct
