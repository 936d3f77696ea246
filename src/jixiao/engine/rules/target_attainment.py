"""Attainment of 绩效指标 targets: 正向 actual/target, 反向 target/actual, 定性 tiers, capped."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from jixiao.engine.numbers import (
    ONE,
    ZERO,
    Number,
    format_percent,
    format_value,
    parse_decimal,
)
from jixiao.engine.result import Status
from jixiao.engine.rules.base import (
    Env,
    Outcome,
    RuleContext,
    RuleSpec,
    Scorer,
    missing_outcome,
    register,
    score_phrase,
)

REVERSE_COMPARATORS = {"≤", "<=", "<", "＜"}
QUALITATIVE = {"定性", ""}


class Tier(BaseModel):
    """A qualitative tier and the share of the points it earns (fixed, or a range to pick in)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tier: str
    share: Number | None = None
    range: tuple[Number, Number] | None = None

    @model_validator(mode="after")
    def _share_or_range(self) -> Tier:
        if self.share is None and self.range is None:
            raise ValueError(f"定性等级「{self.tier}」须给出 share 或 range")
        return self


# 财预〔2020〕10号: 达成 100–80%(含), 部分达成并具有一定效果 80–60%(含), 未达成且效果较差 60–0%.
TEN_HAO_TIERS = [
    Tier(tier="达成", share=ONE, range=(Decimal("0.8"), ONE)),
    Tier(tier="部分达成", share=Decimal("0.8"), range=(Decimal("0.6"), Decimal("0.8"))),
    Tier(tier="未达成", share=Decimal("0.6"), range=(ZERO, Decimal("0.6"))),
]


@register(
    "target_attainment",
    "绩效指标完成度：正向按实际/目标、反向按目标/实际、定性按等级折算，不超过分值",
)
class TargetAttainment(RuleSpec):
    kind: str = "target_attainment"
    fact: str = "targets"
    category: list[str] = []
    names: list[str] = []
    mode: Literal["proportional", "deduct_per_miss"] = "proportional"
    deduct: Number = ONE
    tiers: list[Tier] = TEN_HAO_TIERS
    too_high: Number | None = Decimal("1.3")

    def fact_names(self) -> frozenset[str]:
        return frozenset({self.fact})

    def select(self, targets: list[Any]) -> list[dict[str, Any]]:
        chosen = [t for t in targets if isinstance(t, dict)]
        if self.category:
            chosen = [t for t in chosen if t.get("category") in self.category]
        if self.names:
            chosen = [t for t in chosen if t.get("name") in self.names]
        return chosen

    def compile(self, ctx: RuleContext) -> Scorer:
        tiers = {t.tier: t for t in self.tiers}

        def scorer(env: Env) -> Outcome:
            targets = env.get(self.fact)
            if targets is None:
                return missing_outcome([self.fact])
            chosen = self.select(list(targets))
            if not chosen:
                what = "、".join(self.category or self.names) or "绩效指标"
                return missing_outcome([f"{self.fact}（{what}）"], "：没有可评价的指标")
            return self._score(chosen, tiers, ctx)

        return scorer

    def _score(
        self, chosen: list[dict[str, Any]], tiers: dict[str, Tier], ctx: RuleContext
    ) -> Outcome:
        parts, notes, total, misses = [], [], ZERO, 0
        default_points = ctx.max_points / len(chosen)
        for target in chosen:
            share, text = attainment(target, tiers)
            if share is None:
                return Outcome(
                    ZERO, text, status=Status.MISSING_DATA, missing=(str(target.get("name")),)
                )
            points = _points(target, default_points)
            total += points * share
            misses += share < ONE
            parts.append(text)
            ratio = _over(target)
            if self.too_high is not None and ratio is not None and ratio >= self.too_high:
                notes.append(
                    f"「{target.get('name')}」实际完成值为目标的{format_percent(ratio)}，目标可能设定偏低"
                )
        raw = total if self.mode == "proportional" else ctx.max_points - self.deduct * misses
        score = ctx.round_score(raw)
        text = "；".join(parts) + f"；{score_phrase(score, ctx.max_points)}"
        return Outcome(
            score,
            text,
            value=Decimal(len(chosen) - misses),
            value_text=f"{len(chosen) - misses}/{len(chosen)}项达成",
            notes=tuple(notes),
        )


def _points(target: dict[str, Any], default: Decimal) -> Decimal:
    points = target.get("points")
    return default if points is None else parse_decimal(points)


_LEADING_NUMBER = re.compile(r"^\s*([-+]?[\d,，.．０-９]+\s*[%％]?)\s*[^\d\s%％]*\s*$")


def _number(value: Any) -> Decimal | None:
    """A target or actual value as a number; ``400次`` or ``95%以上`` read as 400 and 95%."""
    if value is None:
        return None
    try:
        return parse_decimal(value)
    except ValueError:
        match = _LEADING_NUMBER.match(str(value))
        if match is None:
            return None
        try:
            return parse_decimal(match.group(1))
        except ValueError:
            return None


def _over(target: dict[str, Any]) -> Decimal | None:
    goal, actual = _number(target.get("target")), _number(target.get("actual"))
    if goal is None or actual is None or goal <= 0 or _is_reverse(target):
        return None
    return actual / goal


def _is_reverse(target: dict[str, Any]) -> bool:
    polarity = target.get("polarity")
    if polarity in ("反向", "reverse"):
        return True
    if polarity in ("正向", "positive"):
        return False
    return str(target.get("comparator", "")) in REVERSE_COMPARATORS


def attainment(target: dict[str, Any], tiers: dict[str, Tier]) -> tuple[Decimal | None, str]:
    """The share of its points a target earns (None when data is missing) and why."""
    name = target.get("name", "")
    comparator = str(target.get("comparator") or "")
    goal, actual = _number(target.get("target")), _number(target.get("actual"))
    if comparator in QUALITATIVE or goal is None:
        return _qualitative(target, tiers)
    if actual is None:
        return None, f"「{name}」缺少实际完成值"
    unit = str(target.get("unit") or "")
    head = f"「{name}」目标{comparator}{format_value(goal)}{unit}，实际{format_value(actual)}{unit}"
    if _is_reverse(target):
        if actual <= goal:
            return ONE, f"{head}，达成"
        share = goal / actual if actual > 0 else ONE
        return (
            share,
            f"{head}，完成度={format_value(goal)}/{format_value(actual)}={format_percent(share)}",
        )
    if goal <= 0:
        return (
            ONE if actual >= goal else ZERO
        ), f"{head}，{'达成' if actual >= goal else '未达成'}"
    share = min(max(actual / goal, ZERO), ONE)
    return share, f"{head}，完成度={format_percent(actual / goal)}" + (
        "" if share == ONE else "（未达成）"
    )


def _qualitative(target: dict[str, Any], tiers: dict[str, Tier]) -> tuple[Decimal | None, str]:
    name = target.get("name", "")
    chosen = target.get("tier")
    if chosen is None:
        return None, f"「{name}」为定性指标，缺少达成等级（{'/'.join(tiers)}）"
    tier = tiers.get(str(chosen))
    if tier is None:
        return None, f"「{name}」的达成等级「{chosen}」不在可选等级（{'/'.join(tiers)}）中"
    share = _number(target.get("share"))
    if share is None:
        share = tier.share if tier.share is not None else (tier.range[1] if tier.range else None)
    if share is None:
        return None, f"「{name}」须给出得分比例"
    if tier.range and not tier.range[0] <= share <= tier.range[1]:
        return None, f"「{name}」的得分比例{format_percent(share)}不在「{tier.tier}」的区间内"
    return share, f"「{name}」定性判定为「{tier.tier}」，按{format_percent(share)}计分"
