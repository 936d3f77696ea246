"""What the engine is given besides a framework: a unit-year's facts as plain values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

ClaimKind = Literal["score", "value", "max", "expression", "grade"]


@dataclass(frozen=True, slots=True)
class GivenScore:
    """A score an evaluator gave by judgment; the reason and its source are mandatory."""

    score: Decimal
    reason: str
    source: str


@dataclass(frozen=True, slots=True)
class Claim:
    """Something the original report prints, to be checked against the computation.

    ``target`` names an indicator (code or name path), ``total``, or — for ``expression``
    claims — a label for the printed rate.
    """

    target: str
    kind: ClaimKind
    printed: str
    expression: str | None = None
    where: str = ""


@dataclass(frozen=True, slots=True)
class Facts:
    """A unit-year's facts flattened to dotted names (``staffing.in_post``), with judgments."""

    values: Mapping[str, Any]
    unit: str = ""
    year: int | None = None
    given: Mapping[str, GivenScore] = field(default_factory=dict)
    not_applicable: Mapping[str, str] = field(default_factory=dict)
    claims: tuple[Claim, ...] = ()
