"""An evaluation's editable document: the ``UnitYear`` facts as JSON plus given scores and N/A.

Paths name every value: ``budget.initial``, ``projects[2].budget``,
``staffing.on_payroll_by_type[行政编]``, ``given[input.goals.x].score``.  Keys that are not plain
identifiers go in brackets, so indicator codes with dots stay unambiguous.

Decimals are stored as strings, percentages as ``"64%"`` so that a reloaded ``UnitYear`` has the
same ``Percent`` values (and the same explanations) as the one that was saved.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from jixiao.engine.numbers import Percent, format_number
from jixiao.facts import UnitYear

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TOKEN = re.compile(r"\[([^\]]*)\]|\.?([^.\[\]]+)")
DOC_EXTRA_KEYS = ("given", "not_applicable")
MISSING: Any = object()


def tokens(path: str) -> list[str | int]:
    """``projects[2].budget`` → ``["projects", 2, "budget"]``; bracketed keys stay strings."""
    out: list[str | int] = []
    for bracket, plain in _TOKEN.findall(path):
        if plain:
            out.append(plain)
        elif bracket.isdigit():
            out.append(int(bracket))
        else:
            out.append(bracket)
    return out


def join(parts: list[str | int] | tuple[str | int, ...]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif IDENTIFIER.match(part):
            text += f".{part}" if text else part
        else:
            text += f"[{part}]"
    return text


def get_path(doc: Any, path: str, default: Any = None) -> Any:
    node = doc
    for part in tokens(path):
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return default
            node = node[part]
        else:
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
    return node


def set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set (or, with ``MISSING``, remove) the value at ``path``, creating mappings on the way."""
    parts = tokens(path)
    node: Any = doc
    for part in parts[:-1]:
        if isinstance(part, int):
            node = node[part]
        else:
            if not isinstance(node.get(part), dict):
                if value is MISSING:
                    return
                node[part] = {}
            node = node[part]
    last = parts[-1]
    if value is MISSING:
        if isinstance(node, dict):
            node.pop(last, None)
    else:
        node[last] = value


def to_json(value: Any) -> Any:
    """Decimals as strings (percentages as ``"64%"``), recursively; nothing else changes."""
    if isinstance(value, Percent):
        return format((value * 100).normalize(), "f") + "%"
    if isinstance(value, Decimal):
        return format(value, "f")  # as printed: 3762.60 stays 3762.60 (explanations quote it)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def dump_facts(facts: UnitYear) -> dict[str, Any]:
    """Facts as canonical JSON: the form in which they are stored and compared."""
    data: dict[str, Any] = to_json(facts.model_dump(mode="python", exclude_none=True))
    # free-form parts (issues' deductions, judgments' scores) may hold YAML ints: numbers as text
    for issues in (data.get("issues") or {}).values():
        for item in issues:
            if isinstance(item, dict) and "deduct" in item:
                item["deduct"] = _number_text(item["deduct"])
    for judgment in (data.get("judgments") or {}).values():
        if isinstance(judgment, dict) and "score" in judgment:
            judgment["score"] = _number_text(judgment["score"])
    return data


def _number_text(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(Decimal(str(value)))
    return value


def split(doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A document → (facts JSON, given, not_applicable)."""
    facts = {k: v for k, v in doc.items() if k not in DOC_EXTRA_KEYS}
    return facts, dict(doc.get("given") or {}), dict(doc.get("not_applicable") or {})


def compose(
    facts: dict[str, Any], given: dict[str, Any], not_applicable: dict[str, Any]
) -> dict[str, Any]:
    doc = copy.deepcopy(facts)
    doc["given"] = copy.deepcopy(given)
    doc["not_applicable"] = copy.deepcopy(not_applicable)
    return doc


def validate(facts: dict[str, Any]) -> tuple[UnitYear | None, dict[str, str]]:
    """Validate facts JSON as a ``UnitYear``; errors keyed by the path they concern."""
    try:
        return UnitYear.model_validate(facts), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            loc = [p for p in error["loc"] if not (isinstance(p, str) and "[" in p)]
            path = join([p if isinstance(p, int) else str(p) for p in loc])
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] == "literal_error":
                message = f"应为：{error['ctx']['expected']}"
            elif error["type"] == "missing":
                message = "必填"
            errors.setdefault(path, message)
        return None, errors


def flatten(doc: Any, prefix: tuple[str | int, ...] = ()) -> dict[str, Any]:
    """Every leaf value by path; empty lists and mappings are leaves too (they mean something)."""
    out: dict[str, Any] = {}
    if isinstance(doc, dict) and doc:
        for key, value in doc.items():
            out.update(flatten(value, (*prefix, str(key))))
    elif isinstance(doc, list) and doc:
        for index, value in enumerate(doc):
            out.update(flatten(value, (*prefix, index)))
    elif prefix:
        out[join(prefix)] = doc
    return out


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(path, old, new) for every leaf that differs; absent values are ``None``."""
    before, after = flatten(old), flatten(new)
    changed = []
    for path in sorted(set(before) | set(after), key=_order_key):
        a, b = before.get(path), after.get(path)
        if a != b:
            changed.append((path, a, b))
    return changed


def _order_key(path: str) -> tuple[Any, ...]:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in tokens(path))
