"""A case: one unit-year's facts scored against a named framework, with what the report claims."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from jixiao.engine import Claim, Facts, GivenScore
from jixiao.engine.inputs import ClaimKind
from jixiao.engine.numbers import Number
from jixiao.facts.flatten import fact_values
from jixiao.facts.model import UnitYear


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GivenEntry(Section):
    """An evaluator's score: reason and source are mandatory."""

    score: Number
    reason: str
    source: str

    @field_validator("reason", "source")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("评价人给分必须注明理由（reason）和依据（source）")
        return text


class ClaimEntry(Section):
    """What the report prints: an indicator's score/value/max, the total, or a stated rate."""

    indicator: str | None = None
    total: str | None = None
    grade: str | None = None
    score: str | None = None
    value: str | None = None
    max: str | None = None
    label: str | None = None
    expression: str | None = None
    printed: str | None = None
    where: str = ""

    @field_validator("total", "score", "value", "max", "printed", mode="before")
    @classmethod
    def _as_printed(cls, raw: Any) -> Any:
        return None if raw is None else str(raw)

    @model_validator(mode="after")
    def _says_something(self) -> ClaimEntry:
        if self.expression is not None:
            if not (self.label and self.printed):
                raise ValueError("按公式核对的声明须有 label、expression 和 printed")
        elif (
            self.total is None
            and self.grade is None
            and not (self.indicator and (self.score or self.value or self.max))
        ):
            raise ValueError(
                "声明须为 total，或 indicator 加 score/value/max 之一，或 label+expression+printed"
            )
        return self

    def claims(self) -> list[Claim]:
        if self.expression is not None:
            return [
                Claim(
                    self.label or "", "expression", self.printed or "", self.expression, self.where
                )
            ]
        found: list[tuple[str, ClaimKind, str | None]]
        if self.total is not None or self.grade is not None:
            found = [("total", "score", self.total), ("total", "grade", self.grade)]
        else:
            target = self.indicator or ""
            found = [
                (target, "score", self.score),
                (target, "value", self.value),
                (target, "max", self.max),
            ]
        return [
            Claim(target, kind, printed, where=self.where)
            for target, kind, printed in found
            if printed
        ]


class Case(Section):
    case: str
    title: str
    framework: str
    source: str = ""
    notes: str = ""
    facts: UnitYear
    given: dict[str, GivenEntry] = {}
    not_applicable: dict[str, str] = {}
    claims: list[ClaimEntry] = []
    narrative: dict[str, str] = {}

    def to_engine(self) -> Facts:
        return Facts(
            values=fact_values(self.facts),
            unit=self.facts.unit.name,
            year=self.facts.year,
            given={k: GivenScore(v.score, v.reason, v.source) for k, v in self.given.items()},
            not_applicable=dict(self.not_applicable),
            claims=tuple(c for entry in self.claims for c in entry.claims()),
        )


def strip_sources(
    raw: Any, prefix: str = "", sources: dict[str, str] | None = None
) -> tuple[Any, dict[str, str]]:
    """Replace ``{value: X, source: S}`` by X everywhere, remembering S under the fact's name."""
    found = {} if sources is None else sources
    if isinstance(raw, dict):
        if "value" in raw and "source" in raw and set(raw) <= {"value", "source", "note"}:
            found[prefix] = str(raw["source"])
            return raw["value"], found
        for key in list(raw):
            raw[key], _ = strip_sources(raw[key], f"{prefix}.{key}" if prefix else str(key), found)
    elif isinstance(raw, list):
        for index, item in enumerate(raw):
            raw[index], _ = strip_sources(item, f"{prefix}[{index}]", found)
    return raw, found
