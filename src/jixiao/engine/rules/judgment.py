"""Graded judgment: the evaluator picks a level (明确/较明确/不明确), each worth fixed points or a range."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from jixiao.engine.numbers import ZERO, Number, format_number, parse_decimal
from jixiao.engine.rules.base import (
    MISSING_DATA,
    Env,
    Outcome,
    RuleContext,
    RuleSpec,
    Scorer,
    missing_outcome,
    register,
    score_phrase,
)


class Level(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    level: str
    score: Number | None = None
    range: tuple[Number, Number] | None = None

    @model_validator(mode="after")
    def _score_or_range(self) -> Level:
        if (self.score is None) == (self.range is None):
            raise ValueError(f"等级「{self.level}」须给出 score（固定分）或 range（分值区间）之一")
        if self.range is not None and self.range[0] > self.range[1]:
            raise ValueError(f"等级「{self.level}」的分值区间下限大于上限")
        return self

    def describe(self) -> str:
        if self.score is not None:
            return f"{self.level}{format_number(self.score)}分"
        assert self.range is not None
        return f"{self.level}{format_number(self.range[0])}-{format_number(self.range[1])}分"


@register(
    "judgment", "评价人按等级判定（如明确2分/较明确1分/不明确0分），等级可对应固定分或分值区间"
)
class Judgment(RuleSpec):
    kind: str = "judgment"
    fact: str
    levels: list[Level]

    def fact_names(self) -> frozenset[str]:
        return frozenset({self.fact})

    def compile(self, ctx: RuleContext) -> Scorer:
        by_name = {level.level: level for level in self.levels}
        scale = "/".join(level.describe() for level in self.levels)

        fixed: dict[str, Outcome] = {}
        for level in self.levels:
            if level.score is not None:
                score = ctx.round_score(level.score)
                fixed[level.level] = Outcome(
                    score,
                    f"判定为「{level.level}」（{scale}），{score_phrase(score, ctx.max_points)}",
                    value_text=level.level,
                )

        def scorer(env: Env) -> Outcome:
            answer = env.get(self.fact)
            if answer is None:
                return missing_outcome([self.fact])
            if type(answer) is str:
                found = fixed.get(answer)
                if found is not None:
                    return found
            chosen, given = _read(answer)
            level = by_name.get(chosen)
            if level is None:
                return _invalid(self.fact, f"判定「{chosen}」不在可选等级（{scale}）中")
            if level.score is not None:
                raw = level.score
            elif given is None:
                return _invalid(self.fact, f"等级「{chosen}」对应分值区间，须同时给出具体得分")
            else:
                assert level.range is not None
                if not level.range[0] <= given <= level.range[1]:
                    return _invalid(
                        self.fact, f"得分{format_number(given)}不在「{level.describe()}」区间内"
                    )
                raw = given
            score = ctx.round_score(raw)
            text = f"判定为「{chosen}」（{scale}），{score_phrase(score, ctx.max_points)}"
            return Outcome(score, text, value_text=chosen)

        return scorer


def _read(answer: Any) -> tuple[str, Decimal | None]:
    if isinstance(answer, dict):
        score = answer.get("score")
        return str(answer.get("level", "")), None if score is None else parse_decimal(score)
    return str(answer), None


def _invalid(fact: str, message: str) -> Outcome:
    return Outcome(ZERO, message, status=MISSING_DATA, missing=(fact,))
