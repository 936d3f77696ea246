"""Tiered bands on a computed value: ``≥90% → 5; [80%,90%) → 4; … ; <60% → 0``."""

from __future__ import annotations

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
        for band in self.bands:
            interval = band.interval
            if interval.contains(value):
                phrase = band.text or interval.describe()
                return (
                    band.score,
                    f"{phrase}，{score_phrase(min(band.score, ctx.max_points), ctx.max_points)}",
                )
        raise AssertionError("bands cover every value (checked when loading)")
