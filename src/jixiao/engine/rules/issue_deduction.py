"""Deduction per listed issue: each problem found costs points, "扣完为止"."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from jixiao.engine.numbers import ZERO, Number, format_number, parse_decimal
from jixiao.engine.rules.base import (
    SCORED,
    Env,
    Outcome,
    RuleContext,
    RuleSpec,
    Scorer,
    missing_outcome,
    register,
    remembered,
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
        fact, default = self.fact, (self.deduct, f"，扣{format_number(self.deduct)}分")
        # The score depends only on the deductions, which are few distinct (constant) numbers.
        endings: dict[tuple[Decimal, ...], tuple[Decimal, str]] = {}

        def ending(deductions: tuple[Decimal, ...]) -> tuple[Decimal, str]:
            raw = ctx.max_points - sum(deductions, ZERO)
            score = ctx.round_score(raw)
            tail = "，扣完为止" if raw < 0 else ""
            return score, f"{tail}；{score_phrase(score, ctx.max_points)}"

        def scorer(env: Env) -> Outcome:
            issues = env.get(fact)
            if issues is None:
                return missing_outcome([fact])
            if not issues:
                return none_found
            deductions: list[Decimal] = []
            listed: list[str] = []
            for issue in issues:
                if isinstance(issue, dict):
                    text = str(issue.get("text", ""))
                    deduct, shown = (
                        default if issue.get("deduct") is None else _own(issue["deduct"])
                    )
                else:
                    text, (deduct, shown) = str(issue), default
                deductions.append(deduct)
                listed.append(text + shown)
            key = tuple(deductions)
            score, end = remembered(endings, key, ending, key)
            count = len(listed)
            text = f"发现问题{count}项：{'；'.join(listed)}{end}"
            return Outcome(score, text, SCORED, Decimal(count), f"{count}项")

        return scorer


@lru_cache(maxsize=256)
def _own(raw: object) -> tuple[Decimal, str]:
    """An issue's own deduction (``deduct: 0.5``) and how it is shown; few distinct values."""
    deduct = parse_decimal(raw)
    return deduct, f"，扣{format_number(deduct)}分"
