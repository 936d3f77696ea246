"""Turn a ``UnitYear`` into the dotted fact names scoring rules read."""

from __future__ import annotations

from typing import Any

from jixiao.facts.model import UnitYear


def fact_values(facts: UnitYear) -> dict[str, Any]:
    """``{"staffing.in_post": Decimal(38), "projects.budget": [...], "targets": [...]}``."""
    return flatten_data(facts.model_dump(exclude_none=True))


def flatten_data(data: dict[str, Any]) -> dict[str, Any]:
    """The same flattening for facts already held as plain data (an importer's validated input)."""
    flat: dict[str, Any] = {}
    _flatten(data, "", flat)
    return flat


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict):
        if prefix:
            out[prefix] = value
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list):
        out[prefix] = value
        if value and all(isinstance(v, dict) for v in value):
            keys = {k for v in value for k in v}
            for key in keys:
                out[f"{prefix}.{key}"] = [v.get(key) for v in value]
    else:
        out[prefix] = value
