"""The rule-kind contract, the registry, and what every value-based rule shares.

A rule kind is a pydantic model (its YAML parameters) registered under a name; ``compile``
turns it, once per framework, into a ``Scorer``: a closure from facts to an ``Outcome`` whose
explanation substitutes the figures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache, partial
from typing import Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator

from jixiao.engine.expressions import Expr, MissingFact, Undefined, compile_expression
from jixiao.engine.numbers import (
    ONE,
    ROUNDING_MODES,
    WIDE_CONTEXT,
    ZERO,
    Number,
    Percent,
    format_number,
    format_percent,
    plain_number,
    round_to,
)
from jixiao.engine.result import Status

Env = Mapping[str, Any]

# Statuses as module constants: an enum member access costs ~0.2 µs in 3.11, on every score.
MISSING_DATA = Status.MISSING_DATA
SCORED = Status.SCORED


ROUND_DOWN_MODE = "down"  # the cap itself never rounds up past the points


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule needs to know about where it sits: its indicator and the rounding policy."""

    indicator_name: str
    max_points: Decimal
    places: int = 2
    mode: str = "half_up"
    percent_places: int = 2
    # Fixed once, since every score is rounded and clamped with them: the rounded 0, the
    # rounded-down points, and the quantum and rounding constant of the framework's rounding.
    _floor: Decimal = field(init=False, repr=False, compare=False)
    _cap: Decimal = field(init=False, repr=False, compare=False)
    _quantum: Decimal = field(init=False, repr=False, compare=False)
    _rounding: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        fixed = {
            "_floor": round_to(ZERO, self.places, self.mode),
            "_cap": round_to(self.max_points, self.places, ROUND_DOWN_MODE),
            "_quantum": ONE.scaleb(-self.places),
            "_rounding": ROUNDING_MODES[self.mode],
        }
        for name, value in fixed.items():
            object.__setattr__(self, name, value)

    def round_score(self, score: Decimal) -> Decimal:
        rounded = score.quantize(self._quantum, self._rounding, WIDE_CONTEXT)  # as ``round_to``
        return (
            self._floor if rounded < self._floor else self._cap if rounded > self._cap else rounded
        )


@dataclass(slots=True)
class Outcome:
    score: Decimal
    explanation: str
    status: Status = SCORED
    value: Decimal | None = None
    value_text: str | None = None
    missing: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


Scorer = Callable[[Env], Outcome]


class RuleSpec(BaseModel):
    """Fields every rule kind accepts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str
    summary: ClassVar[str] = ""

    def compile(self, ctx: RuleContext) -> Scorer:  # pragma: no cover - abstract
        raise NotImplementedError

    def fact_names(self) -> frozenset[str]:
        """Facts this rule reads (for documentation and completeness checks)."""
        return frozenset()


RULE_KINDS: dict[str, type[RuleSpec]] = {}
R = TypeVar("R", bound=type[RuleSpec])


def register(name: str, summary: str) -> Callable[[R], R]:
    """Register a rule kind under ``name`` with a one-line Chinese summary."""

    def decorate(cls: R) -> R:
        cls.summary = summary
        RULE_KINDS[name] = cls
        return cls

    return decorate


MEMO_LIMIT = 4096  # entries one remembered table keeps; past it, results are computed anew

K = TypeVar("K")
V = TypeVar("V")


def remembered(memo: dict[K, V], key: K, make: Callable[..., V], *args: Any) -> V:
    """``memo[key]``, made by ``make(*args)`` the first time (while the table has room).

    For pure functions of a few distinct inputs (a rule's score by whole steps, a branch's
    roll-up by its children's scores): later unit-years reuse the same objects and texts.
    """
    found = memo.get(key)
    if found is None:
        found = make(*args)
        if len(memo) < MEMO_LIMIT:
            memo[key] = found
    return found


@lru_cache(maxsize=4096)
def score_phrase(score: Decimal, max_points: Decimal) -> str:
    """``扣1分，得1分`` when points were lost, ``得2分`` otherwise."""
    lost = max_points - score
    if lost > 0:
        return f"扣{format_number(lost)}分，得{format_number(score)}分"
    return f"得{format_number(score)}分"


def missing_outcome(names: list[str] | tuple[str, ...], what: str = "") -> Outcome:
    listed = "、".join(names)
    return Outcome(
        ZERO,
        f"缺少数据：{listed}{what}",
        status=MISSING_DATA,
        missing=tuple(names),
    )


def absent(names: frozenset[str], env: Env) -> list[str]:
    return sorted(n for n in names if env.get(n) is None)


class Guard(BaseModel):
    """A condition checked before the rule: when it holds, the score is fixed (e.g. 0)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: str
    score: Number
    text: str = ""

    @field_validator("when")
    @classmethod
    def _compiles(cls, text: str) -> str:
        compile_expression(text)
        return text


class MetricRule(RuleSpec):
    """A rule that first computes a value (a rate, usually) from facts, then scores it."""

    value: str
    label: str | None = None
    display: Literal["percent", "number"] = "percent"
    guards: list[Guard] = []

    @field_validator("value")
    @classmethod
    def _value_compiles(cls, text: str) -> str:
        compile_expression(text)
        return text

    def fact_names(self) -> frozenset[str]:
        names = set(compile_expression(self.value).names)
        for guard in self.guards:
            names |= compile_expression(guard.when).names
        return frozenset(names)

    def apply(self, value: Decimal, ctx: RuleContext) -> tuple[Decimal, str]:
        """Score a computed value: (score after ``ctx.round_score``, Chinese text after the value).

        Kinds return the same rounded objects for the same outcome where they can (bands, whole
        steps): their hashes are then computed once, not per unit-year.
        """
        raise NotImplementedError  # pragma: no cover - abstract

    def prepare(self, ctx: RuleContext) -> Callable[[Decimal], tuple[Decimal, str]]:
        """``apply`` bound to its context; kinds override it to precompute constant text."""
        return lambda value: self.apply(value, ctx)

    def show(self, value: Decimal, ctx: RuleContext) -> str:
        if self.display == "percent":
            return format_percent(value, ctx.percent_places, ctx.mode)
        return plain_number(round_to(value, ctx.places, ctx.mode))

    def compile(self, ctx: RuleContext) -> Scorer:
        metric = compile_expression(self.value)
        guards = [(compile_expression(g.when), g, ctx.round_score(g.score)) for g in self.guards]
        label = self.label or ctx.indicator_name
        places = ctx.percent_places + 2 if self.display == "percent" else ctx.places
        quantum, rounding = ONE.scaleb(-places), ROUNDING_MODES[ctx.mode]
        apply = self.prepare(ctx)
        # ``compute`` already rounded a percentage to its display places: shifting the point
        # shows it exactly, without rounding it a second time.
        show = shift_percent if self.display == "percent" else partial(self.show, ctx=ctx)
        value_of, render, single = metric.value, metric.render, metric.is_single_fact

        def scorer(env: Env) -> Outcome:
            try:  # the usual path inline; ``compute`` says why when it fails
                raw = value_of(env)
                computed = raw.quantize(quantum, rounding, WIDE_CONTEXT)
            except Exception:
                failed = compute(metric, env, places, ctx.mode)
                if isinstance(failed, Outcome):
                    return failed
                computed = failed
            else:
                if isinstance(raw, Percent):
                    computed = Percent(computed)
            shown = show(computed)
            head = f"{label}={shown}" if single else f"{label}={render(env)}={shown}"
            for condition, guard, score in guards:
                if condition.value(env):
                    reason = guard.text or condition.render(env)
                    text = f"{head}；{reason}，{score_phrase(score, ctx.max_points)}"
                    return Outcome(score, text, SCORED, computed, shown)
            score, text = apply(computed)
            return Outcome(score, f"{head}，{text}", SCORED, computed, shown)

        return scorer


def shift_percent(ratio: Decimal) -> str:
    """``0.8257`` → ``82.57%`` for a ratio already rounded to the percentage's places."""
    return plain_number(ratio.scaleb(2)) + "%"


def compute(metric: Expr, env: Env, places: int, mode: str) -> Decimal | Outcome:
    """Evaluate a metric rounded for display and scoring, or an Outcome saying why not."""
    try:
        raw = metric.value(env)
    except MissingFact:
        return missing_outcome(absent(metric.names, env))
    except Undefined as exc:
        return Outcome(
            ZERO,
            f"无法计算「{metric.source}」：{exc}（{metric.render(env)}）",
            status=MISSING_DATA,
            missing=(metric.source,),
        )
    except (TypeError, ValueError, ArithmeticError):
        raw = None
    if not isinstance(raw, Decimal):
        return Outcome(
            ZERO,
            f"无法计算「{metric.source}」：事实不是数值（列表中有空项，或对列表直接做了四则运算）",
            status=Status.MISSING_DATA,
            missing=(metric.source,),
        )
    try:
        rounded = round_to(raw, places, mode)
    except ArithmeticError:
        return Outcome(
            ZERO,
            f"无法计算「{metric.source}」：结果数值过大（{metric.render(env)}）",
            status=Status.MISSING_DATA,
            missing=(metric.source,),
        )
    return Percent(rounded) if isinstance(raw, Percent) else rounded


def share_of(points: Decimal, share: Decimal) -> Decimal:
    return points * share


def parse_rule(raw: Mapping[str, Any]) -> RuleSpec:
    """Validate a rule's parameters against its kind (``KeyError`` for an unknown kind)."""
    kind = raw.get("kind")
    cls = RULE_KINDS.get(str(kind))
    if cls is None:
        raise KeyError(str(kind))
    return cls.model_validate(dict(raw))
