"""A score given by an evaluator (with a mandatory reason and source), optionally with a value shown."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from jixiao.engine.expressions import compile_expression
from jixiao.engine.numbers import ZERO, format_percent, round_to
from jixiao.engine.result import Status
from jixiao.engine.rules.base import (
    Env,
    Outcome,
    RuleContext,
    RuleSpec,
    Scorer,
    compute,
    register,
)

NEEDS_SCORE = "需由评价人给分（须注明理由和依据）"


@register("given", "评价人直接给分，必须注明理由和依据；可附一个计算值供参考")
class Given(RuleSpec):
    kind: str = "given"
    value: str | None = None
    label: str | None = None
    display: Literal["percent", "number"] = "percent"

    @field_validator("value")
    @classmethod
    def _compiles(cls, text: str | None) -> str | None:
        if text is not None:
            compile_expression(text)
        return text

    def fact_names(self) -> frozenset[str]:
        return compile_expression(self.value).names if self.value else frozenset()

    def compile(self, ctx: RuleContext) -> Scorer:
        metric = compile_expression(self.value) if self.value else None
        label = self.label or ctx.indicator_name
        places = ctx.percent_places + 2 if self.display == "percent" else ctx.places

        def scorer(env: Env) -> Outcome:
            if metric is None:
                return Outcome(
                    ZERO, NEEDS_SCORE, status=Status.MISSING_DATA, missing=("评价人给分",)
                )
            computed = compute(metric, env, places, ctx.mode)
            if isinstance(computed, Outcome):
                return Outcome(
                    ZERO, NEEDS_SCORE, status=Status.MISSING_DATA, missing=("评价人给分",)
                )
            shown = (
                format_percent(computed, ctx.percent_places, ctx.mode)
                if self.display == "percent"
                else str(round_to(computed, ctx.places, ctx.mode))
            )
            text = f"{label}={metric.render(env)}={shown}（供参考）；{NEEDS_SCORE}"
            return Outcome(
                ZERO,
                text,
                status=Status.MISSING_DATA,
                value=computed,
                value_text=shown,
                missing=("评价人给分",),
            )

        return scorer
