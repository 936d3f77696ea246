"""Checklist of 评价要点: points per point met, or points off per point missed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from jixiao.engine.numbers import ZERO, Number
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

_MARKS = "①②③④⑤⑥⑦⑧⑨⑩"


class ChecklistItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    key: str | None = None
    points: Number | None = None


@register("checklist", "逐项核对评价要点：每符合一项得分，或每有一项未达到扣分，扣完为止")
class Checklist(RuleSpec):
    kind: str = "checklist"
    fact: str
    items: list[ChecklistItem]
    mode: Literal["award", "deduct"] = "award"
    points: Number | None = None

    @model_validator(mode="after")
    def _has_items(self) -> Checklist:
        if not self.items:
            raise ValueError("评价要点不能为空")
        return self

    def fact_names(self) -> frozenset[str]:
        return frozenset({self.fact})

    def item_points(self, item: ChecklistItem, ctx: RuleContext) -> Decimal:
        if item.points is not None:
            return item.points
        if self.points is not None:
            return self.points
        return ctx.max_points / len(self.items)

    def compile(self, ctx: RuleContext) -> Scorer:
        memo: dict[tuple[bool, ...], Outcome] = {}
        size = len(self.items)

        def scorer(env: Env) -> Outcome:
            answers = env.get(self.fact)
            if answers is None:
                return missing_outcome([self.fact])
            if type(answers) is list and len(answers) == size:
                key = tuple(answers)
                found = memo.get(key)
                if found is not None:
                    return found
                met = _read_answers(answers, self.items)
                if not isinstance(met, str):
                    found = memo[key] = self._score(met, ctx)
                    return found
            met = _read_answers(answers, self.items)
            if isinstance(met, str):
                return Outcome(ZERO, met, status=MISSING_DATA, missing=(self.fact,))
            return self._score(met, ctx)

        return scorer

    def _score(self, met: list[bool], ctx: RuleContext) -> Outcome:
        count = sum(met)
        head = f"评价要点{len(met)}项，符合{count}项"
        missed = [
            f"{_MARKS[i] if i < 10 else i + 1}{item.text}"
            for i, item in enumerate(self.items)
            if not met[i]
        ]
        if self.mode == "award":
            raw = sum(
                (self.item_points(it, ctx) for it, ok in zip(self.items, met, strict=True) if ok),
                ZERO,
            )
        else:
            lost = sum(
                (
                    self.item_points(it, ctx)
                    for it, ok in zip(self.items, met, strict=True)
                    if not ok
                ),
                ZERO,
            )
            raw = ctx.max_points - lost
        score = ctx.round_score(raw)
        text = head + ("；未符合：" + "；".join(missed) if missed else "")
        if raw < 0:
            text += "，扣完为止"
        return Outcome(
            score,
            f"{text}，{score_phrase(score, ctx.max_points)}",
            value=Decimal(count),
            value_text=f"{count}/{len(met)}项",
        )


def _read_answers(answers: Any, items: list[ChecklistItem]) -> list[bool] | str:
    """Answers as a list of booleans in item order, or a mapping keyed by item key or text."""
    if isinstance(answers, list | tuple):
        if len(answers) != len(items) or not all(isinstance(a, bool) for a in answers):
            return f"评价要点应逐项回答是/否，共{len(items)}项，实际给出{len(answers)}项"
        return list(answers)
    if isinstance(answers, dict):
        result = []
        for item in items:
            value = answers.get(item.key or item.text, answers.get(item.text))
            if not isinstance(value, bool):
                return f"评价要点「{item.text}」没有是/否回答"
            result.append(value)
        return result
    return "评价要点的回答应为是/否列表"
