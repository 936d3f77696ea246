"""Composite: an indicator scored by several parts (e.g. 三公经费 3分 + 日常公用经费 3分)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from jixiao.engine.numbers import ZERO, Number, format_number
from jixiao.engine.result import Status
from jixiao.engine.rules.base import (
    Env,
    Outcome,
    RuleContext,
    RuleSpec,
    Scorer,
    parse_rule,
    register,
    score_phrase,
)


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    points: Number
    rule: RuleSpec

    @field_validator("rule", mode="before")
    @classmethod
    def _parse(cls, raw: Any) -> RuleSpec:
        if isinstance(raw, RuleSpec):
            return raw
        return parse_rule(raw)


@register(
    "composite", "由若干部分组成：各部分按各自规则计分后求和（或取最高、最低、第一个有数据的部分）"
)
class Composite(RuleSpec):
    kind: str = "composite"
    parts: list[Part]
    combine: Literal["sum", "max", "min", "first_available"] = "sum"

    def fact_names(self) -> frozenset[str]:
        names: set[str] = set()
        for part in self.parts:
            names |= part.rule.fact_names()
        return frozenset(names)

    def compile(self, ctx: RuleContext) -> Scorer:
        parts_total = sum((p.points for p in self.parts), ZERO)
        if self.combine == "sum" and parts_total != ctx.max_points:
            raise ValueError(
                f"「{ctx.indicator_name}」各部分分值合计{format_number(parts_total)}分，"
                f"与指标分值{format_number(ctx.max_points)}分不一致"
            )
        scorers = [
            (
                part,
                part.rule.compile(
                    RuleContext(part.label, part.points, ctx.places, ctx.mode, ctx.percent_places)
                ),
            )
            for part in self.parts
        ]

        def scorer(env: Env) -> Outcome:
            outcomes = [(part, run(env)) for part, run in scorers]
            usable = [(p, o) for p, o in outcomes if o.status is not Status.MISSING_DATA]
            if self.combine == "first_available":
                if not usable:
                    missing = tuple(m for _, o in outcomes for m in o.missing)
                    text = "；".join(f"{p.label}：{o.explanation}" for p, o in outcomes)
                    return Outcome(ZERO, text, status=Status.MISSING_DATA, missing=missing)
                outcomes = usable[:1]
            elif len(usable) < len(outcomes):
                missing = tuple(m for _, o in outcomes for m in o.missing)
                text = "；".join(f"{p.label}：{o.explanation}" for p, o in outcomes)
                return Outcome(ZERO, text, status=Status.MISSING_DATA, missing=missing)
            return self._combine(outcomes, ctx)

        return scorer

    def _combine(self, outcomes: list[tuple[Part, Outcome]], ctx: RuleContext) -> Outcome:
        scores = [o.score for _, o in outcomes]
        if self.combine == "max":
            raw = max(scores)
        elif self.combine == "min":
            raw = min(scores)
        else:
            raw = sum(scores, ZERO)
        score = ctx.round_score(raw)
        parts = "；".join(
            f"{p.label}（{format_number(p.points)}分）：{o.explanation}" for p, o in outcomes
        )
        status = outcomes[0][1].status if len(outcomes) == 1 else Status.SCORED
        notes = tuple(n for _, o in outcomes for n in o.notes)
        return Outcome(
            score, f"{parts}。合计{score_phrase(score, ctx.max_points)}", status=status, notes=notes
        )
