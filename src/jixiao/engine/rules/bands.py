"""Tiered bands on a computed value: ``≥90% → 5; [80%,90%) → 4; … ; <60% → 0``."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, PrivateAttr, field_validator, model_validator

from jixiao.engine.intervals import Interval, first_gap, parse_interval
from jixiao.engine.numbers import Number
from jixiao.engine.rules.base import MetricRule, RuleContext, register, score_phrase


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    when: str
    score: Number
    text: str | None = None

    @field_validator("when")
    @classmethod
    def _parses(cls, text: str) -> str:
        parse_interval(text)
        return text

    _interval: Interval = PrivateAttr()

    def model_post_init(self, context: object) -> None:
        self._interval = parse_interval(self.when)

    @property
    def interval(self) -> Interval:
        return self._interval


@register("bands", "按取值所在档位给分（如 ≥90%得5分，80%-90%得4分）")
class Bands(MetricRule):
    kind: str = "bands"
    bands: list[Band]

    @model_validator(mode="after")
    def _covers_every_value(self) -> Bands:
        gap = first_gap([b.interval for b in self.bands])
        if gap is not None:
            raise ValueError(f"评分档位不连续：取值{gap}时没有对应档位，请补齐或增加「其他」档")
        return self

    def apply(self, value: Decimal, ctx: RuleContext) -> tuple[Decimal, str]:
        return self.prepare(ctx)(value)

    def prepare(self, ctx: RuleContext) -> Callable[[Decimal], tuple[Decimal, str]]:
        full = ctx.max_points
        scores = [ctx.round_score(band.score) for band in self.bands]
        table = [
            (
                band.interval,
                score,
                f"{band.text or band.interval.describe()}，{score_phrase(score, full)}",
            )
            for band, score in zip(self.bands, scores, strict=True)
        ]

        def apply(value: Decimal) -> tuple[Decimal, str]:
            for interval, score, text in table:
                if interval.contains(value):
                    return score, text
            raise AssertionError("bands cover every value (checked when loading)")

        return apply
