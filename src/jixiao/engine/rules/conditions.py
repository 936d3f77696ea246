"""Ordered conditions over facts, first match wins: "无结余得3分；不超过上年结转得2分；其他0分"."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from jixiao.engine.expressions import MissingFact, Undefined, compile_expression
from jixiao.engine.intervals import parse_interval
from jixiao.engine.numbers import ZERO, Number
from jixiao.engine.result import Status
from jixiao.engine.rules.base import (
    Env,
    Outcome,
    RuleContext,
    RuleSpec,
    Scorer,
    absent,
    missing_outcome,
    register,
    score_phrase,
)

OTHERWISE = "其他"


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    when: str
    score: Number
    text: str | None = None

    @field_validator("when")
    @classmethod
    def _compiles(cls, text: str) -> str:
        if not parse_interval_is_otherwise(text):
            compile_expression(text)
        return text


def parse_interval_is_otherwise(text: str) -> bool:
    try:
        return parse_interval(text).is_everything
    except ValueError:
        return False


@register("conditions", "按顺序判断条件，取第一个成立条件的分值（最后须有「其他」）")
class Conditions(RuleSpec):
    kind: str = "conditions"
    conditions: list[Condition]

    @model_validator(mode="after")
    def _ends_with_otherwise(self) -> Conditions:
        if not self.conditions or not parse_interval_is_otherwise(self.conditions[-1].when):
            raise ValueError("条件列表最后一项须为「其他」，以保证任何情况都有分值")
        return self

    def fact_names(self) -> frozenset[str]:
        names: set[str] = set()
        for c in self.conditions[:-1]:
            names |= compile_expression(c.when).names
        return frozenset(names)

    def compile(self, ctx: RuleContext) -> Scorer:
        compiled = [(compile_expression(c.when), c) for c in self.conditions[:-1]]
        otherwise = self.conditions[-1]

        def scorer(env: Env) -> Outcome:
            for expr, condition in compiled:
                try:
                    holds = expr.value(env)
                except MissingFact:
                    return missing_outcome(absent(expr.names, env))
                except Undefined as exc:
                    return Outcome(
                        ZERO, f"无法判断「{expr.source}」：{exc}", status=Status.MISSING_DATA
                    )
                if holds:
                    score = ctx.round_score(condition.score)
                    reason = condition.text or expr.render(env)
                    return Outcome(score, f"{reason}，{score_phrase(score, ctx.max_points)}")
            score = ctx.round_score(otherwise.score)
            reason = otherwise.text or "以上条件均不成立"
            return Outcome(score, f"{reason}，{score_phrase(score, ctx.max_points)}")

        return scorer
