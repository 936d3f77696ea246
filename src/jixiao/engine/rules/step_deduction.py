"""Step deduction per whole interval: "每减少5%扣1分，扣完为止"."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Literal

from pydantic import PrivateAttr, field_validator

from jixiao.engine.intervals import Interval, parse_interval
from jixiao.engine.numbers import Number, format_number, format_value
from jixiao.engine.rules.base import (
    MetricRule,
    RuleContext,
    register,
    remembered,
    score_phrase,
)
from jixiao.engine.rules.deviation import describe_distance


@register("step_deduction", "满分区间外每偏离一个完整步长扣固定分值，扣完为止（如每减少5%扣1分）")
class StepDeduction(MetricRule):
    kind: str = "step_deduction"
    full_when: str
    step: Number
    deduct: Number
    partial_step: Literal["ignore", "count"] = "ignore"

    _full: Interval = PrivateAttr()

    @field_validator("full_when")
    @classmethod
    def _parses(cls, text: str) -> str:
        parse_interval(text)
        return text

    def model_post_init(self, context: object) -> None:
        self._full = parse_interval(self.full_when)

    @field_validator("step")
    @classmethod
    def _positive(cls, step: Decimal) -> Decimal:
        if step <= 0:
            raise ValueError("步长必须大于0")
        return step

    def apply(self, value: Decimal, ctx: RuleContext) -> tuple[Decimal, str]:
        return self.prepare(ctx)(value)

    def prepare(self, ctx: RuleContext) -> Callable[[Decimal], tuple[Decimal, str]]:
        interval, step, deduct, full = self._full, self.step, self.deduct, ctx.max_points
        as_percent = self.display == "percent"
        rounding = ROUND_CEILING if self.partial_step == "count" else ROUND_FLOOR
        inside = f"{interval.describe()}，{score_phrase(full, full)}"
        full_marks = ctx.round_score(full)
        step_text = self.show(step, ctx) if as_percent else format_value(step)
        per_step = f"每{step_text}扣{format_number(deduct)}分"
        if interval.low is not None and interval.high is None:
            outside = f"低于{format_value(interval.low)}共"
        elif interval.high is not None and interval.low is None:
            outside = f"高于{format_value(interval.high)}共"
        else:
            outside = f"偏离「{interval.describe()}」"

        tails: dict[int, tuple[Decimal, str]] = {}  # by whole steps: few distinct counts

        def tail(steps: Decimal) -> tuple[Decimal, str]:
            raw = full - steps * deduct
            score = ctx.round_score(raw)
            text = f"，{per_step}，计{format_number(steps)}档"
            if raw < 0:
                text += "，扣完为止"
            return score, f"{text}，{score_phrase(score, full)}"

        def apply(value: Decimal) -> tuple[Decimal, str]:
            distance = interval.distance(value)
            if distance == 0:
                return full_marks, inside
            steps = (distance / step).to_integral_value(rounding)  # positional: 3x faster
            score, text = remembered(tails, int(steps), tail, steps)
            return score, f"{outside}{describe_distance(distance, as_percent)}{text}"

        return apply
