"""Linear deduction per unit of distance: "每超过1个百分点扣0.5分，扣完为止"."""

from __future__ import annotations

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
        interval = self._full
        distance = interval.distance(value)
        if distance == 0:
            return (
                ctx.max_points,
                f"{interval.describe()}，{score_phrase(ctx.max_points, ctx.max_points)}",
            )
        deduction = distance / self.per * self.deduct
        raw = ctx.max_points - deduction
        score = ctx.round_score(raw)
        per_text = self.show(self.per, ctx)
        text = (
            f"{outside_text(interval, distance, self.display == 'percent')}，"
            f"每{per_text}扣{format_number(self.deduct)}分"
        )
        if raw < 0:
            text += "，扣完为止"
        return raw, f"{text}，{score_phrase(score, ctx.max_points)}"
