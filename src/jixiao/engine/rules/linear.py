"""Linear deduction per unit of distance: "每超过1个百分点扣0.5分，扣完为止"."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from pydantic import PrivateAttr, field_validator

from jixiao.engine.intervals import Interval, parse_interval
from jixiao.engine.numbers import Number, format_number
from jixiao.engine.rules.base import MetricRule, RuleContext, register, score_phrase
from jixiao.engine.rules.deviation import outside_text


@register("linear", "满分区间外按偏离量线性扣分（如每超1个百分点扣0.5分），扣完为止")
class Linear(MetricRule):
    kind: str = "linear"
    full_when: str
    per: Number = Decimal("0.01")
    deduct: Number

    _full: Interval = PrivateAttr()

    @field_validator("full_when")
    @classmethod
    def _parses(cls, text: str) -> str:
        parse_interval(text)
        return text

    def model_post_init(self, context: object) -> None:
        self._full = parse_interval(self.full_when)

    @field_validator("per")
    @classmethod
    def _positive(cls, per: Decimal) -> Decimal:
        if per <= 0:
            raise ValueError("扣分单位必须大于0")
        return per

    def apply(self, value: Decimal, ctx: RuleContext) -> tuple[Decimal, str]:
        return self.prepare(ctx)(value)

    def prepare(self, ctx: RuleContext) -> Callable[[Decimal], tuple[Decimal, str]]:
        interval, per, deduct, full = self._full, self.per, self.deduct, ctx.max_points
        as_percent = self.display == "percent"
        inside = f"{interval.describe()}，{score_phrase(full, full)}"
        full_marks = ctx.round_score(full)
        per_text = f"每{self.show(per, ctx)}扣{format_number(deduct)}分"

        def apply(value: Decimal) -> tuple[Decimal, str]:
            distance = interval.distance(value)
            if distance == 0:
                return full_marks, inside
            raw = full - distance / per * deduct
            text = f"{outside_text(interval, distance, as_percent)}，{per_text}"
            if raw < 0:
                text += "，扣完为止"
            score = ctx.round_score(raw)
            return score, f"{text}，{score_phrase(score, full)}"

        return apply
