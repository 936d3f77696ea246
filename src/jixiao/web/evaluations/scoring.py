"""Scoring through the engine: facts from the database → ``Case`` → ``jixiao.engine.evaluate``.

No scoring logic lives here: frameworks are compiled once per pinned version (cached), facts
are validated as ``UnitYear`` and turned into engine input by ``Case.to_engine``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from jixiao.engine import CompiledFramework, Result, compile_framework, evaluate
from jixiao.engine.model import Framework
from jixiao.facts import UnitYear
from jixiao.facts.case import Case, GivenEntry
from jixiao.web.evaluations import documents

_COMPILED: dict[tuple[int, str], CompiledFramework] = {}


def compiled(version: Any) -> CompiledFramework:
    """The compiled framework of a ``FrameworkVersion`` (cached by primary key and digest)."""
    key = (version.pk, version.sha256)
    found = _COMPILED.get(key)
    if found is None:
        if len(_COMPILED) > 64:
            _COMPILED.clear()
        found = _COMPILED[key] = compile_framework(Framework.model_validate(version.resolved))
    return found


@dataclass
class Scored:
    """A result, or why there is none; plus per-path input problems."""

    result: Result | None
    errors: dict[str, str] = field(default_factory=dict)
    unit_year: UnitYear | None = None


def given_entries(given: dict[str, Any]) -> tuple[dict[str, GivenEntry], dict[str, str]]:
    entries: dict[str, GivenEntry] = {}
    errors: dict[str, str] = {}
    for code, raw in given.items():
        if not isinstance(raw, dict) or raw.get("score") in (None, ""):
            continue
        try:
            entries[code] = GivenEntry.model_validate(
                {
                    "score": raw.get("score"),
                    "reason": raw.get("reason", ""),
                    "source": raw.get("source", ""),
                }
            )
        except ValidationError as exc:
            message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
            errors[documents.join(["given", code, "score"])] = message
    return entries, errors


def score_document(version: Any, doc: dict[str, Any]) -> Scored:
    """Evaluate a document (facts + given + not_applicable) against a framework version."""
    facts, given, not_applicable = documents.split(doc)
    unit_year, errors = documents.validate(facts)
    if unit_year is None:
        return Scored(None, errors)
    entries, given_errors = given_entries(given)
    case = Case(
        case="web",
        title=f"{unit_year.unit.name} {unit_year.year}",
        framework=version.framework_id,
        facts=unit_year,
        given=entries,
        not_applicable={k: str(v) for k, v in not_applicable.items() if str(v).strip()},
    )
    result = evaluate(compiled(version), case.to_engine())
    return Scored(result, given_errors, unit_year)
