"""Writing a case back to ``case.yaml``: readable, exact (Decimals as written), sources kept.

``dump_case`` is the inverse of ``jixiao.io.cases.load_case`` for what a case holds: every fact
with its source (``{value, source}``), judgments, claims and narrative. Numbers are written as
plain decimals (never floats or exponents), percentages as ``64%``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from jixiao.engine.numbers import HUNDRED, Percent, format_number
from jixiao.facts.case import Case

_SOURCE_PATH_SPLIT = "."


class _Dumper(yaml.SafeDumper):
    pass


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    if isinstance(value, Percent):
        return dumper.represent_scalar(
            "tag:yaml.org,2002:str", format_number(value * HUNDRED) + "%"
        )
    text = format(value, "f")
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_multi_representer(Decimal, _decimal)
_Dumper.add_representer(str, _str)
_Dumper.add_representer(date, yaml.SafeDumper.represent_date)


def dump_yaml(data: Any) -> str:
    text: str = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )
    return text


def case_data(case: Case, sources: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The case as plain data (defaults left out), with ``{value, source}`` where sourced."""
    data = case.model_dump(mode="python", exclude_defaults=True, exclude_none=True)
    data["framework"] = case.framework
    facts = data.setdefault("facts", {})
    facts.setdefault("unit", {"name": case.facts.unit.name})
    facts["year"] = case.facts.year
    for path, source in (sources or {}).items():
        _attach(facts, path, source)
    return data


def _split(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for piece in path.split(_SOURCE_PATH_SPLIT):
        while "[" in piece:
            head, _, rest = piece.partition("[")
            if head:
                parts.append(head)
            index, _, piece = rest.partition("]")
            parts.append(int(index))
        if piece:
            parts.append(piece)
    return parts


def _attach(facts: dict[str, Any], path: str, source: str) -> None:
    keys = _split(path)
    node: Any = facts
    for key in keys[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return
    last = keys[-1] if keys else None
    try:
        value = node[last]
    except (KeyError, IndexError, TypeError):
        return
    node[last] = {"value": value, "source": source}


def dump_case(case: Case, sources: Mapping[str, str] | None = None, header: str = "") -> str:
    lines = "".join(f"# {line}\n" for line in header.splitlines() if line.strip())
    return lines + dump_yaml(case_data(case, sources))


def write_case_dir(
    case: Case,
    directory: str | Path,
    sources: Mapping[str, str] | None = None,
    header: str = "",
    overwrite: bool = False,
) -> Path:
    """Write ``directory/case.yaml`` atomically; an existing case is kept unless ``overwrite``."""
    target_dir = Path(directory)
    target = target_dir / "case.yaml"
    if target.exists() and not overwrite:
        raise FileExistsError(f"{target} 已存在；如要覆盖请加 --force")
    text = dump_case(case, sources, header)
    target_dir.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".case-", suffix=".yaml", dir=target_dir)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target
