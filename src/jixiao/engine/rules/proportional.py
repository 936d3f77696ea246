"""Points in proportion to a rate: ``得分 = 执行率 × 分值``, capped at the points."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import field_validator

from jixiao.engine.numbers import ONE, Number, format_number, format_value
from jixiao.engine.rules.base import MetricRule, RuleContext, register


@register(
    "proportional", "按比率折算得分：得分=比率/满分比率×分值（反向为满分比率/比率），不超过分值"
)
class Proportional(MetricRule):
    kind: str = "proportional"
    full_at: Number = ONE
    direction: Literal["positive", "reverse"] = "positive"

    @field_validator("full_at")
    @classmethod
    def _positive(cls, full_at: Decimal) -> Decimal:
        if full_at <= 0:
            raise ValueError("满分比率 full_at 必须大于0")
        return full_at

    def apply(self, value: Decimal, ctx: RuleContext) -> tuple[Decimal, str]:
        shown = self.show(value, ctx)
        full = (
            format_value(self.full_at) if self.display == "number" else self.show(self.full_at, ctx)
        )
        points = format_number(ctx.max_points)
        if self.direction == "reverse":
            if value <= 0:
                return ctx.round_score(ctx.max_points), f"实际值不大于0，视为完全达成，得{points}分"
            raw = ctx.max_points * self.full_at / value
            formula = f"{full}/{shown}×{points}"
        else:
            raw = ctx.max_points * value / self.full_at
            formula = f"{shown}×{points}" if self.full_at == ONE else f"{shown}/{full}×{points}"
        score = ctx.round_score(raw)
        capped = "（不超过分值）" if raw > ctx.max_points else ""
        return score, f"得分={formula}={format_number(score)}分{capped}"
