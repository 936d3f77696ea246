"""Case files on disk: ``examples/<case>/case.yaml`` → a validated ``Case``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from pydantic import BaseModel, ValidationError

from jixiao.engine.loader import FrameworkError, Problem, validation_problems
from jixiao.engine.yamltext import LocatedDict, LocatedList, Place, YamlError, parse_yaml
from jixiao.facts.case import Case, strip_sources

CASE_FILE = "case.yaml"


def case_keys() -> set[str]:
    """Every key a case file may use, for suggesting the right spelling of a misspelt one."""
    keys: set[str] = set()
    seen: set[type[BaseModel]] = set()
    pending: list[type[BaseModel]] = [Case]
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            keys.add(name)
            pending.extend(_model_args(info.annotation))
    return keys


def _model_args(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for a in get_args(annotation) for m in _model_args(a)]


class CaseError(FrameworkError):
    """A case file that cannot be used; ``problems`` names every line at fault."""


@dataclass(frozen=True, slots=True)
class LoadedCase:
    case: Case
    sources: dict[str, str]
    path: Path


def case_file(path: Path) -> Path:
    return path / CASE_FILE if path.is_dir() else path


def load_case(path: str | Path) -> LoadedCase:
    file = case_file(Path(path))
    if not file.exists():
        raise CaseError([Problem(Place(str(file), 0), "找不到案例文件（目录中应有 case.yaml）")])
    name = str(file)
    try:
        raw = parse_yaml(file.read_text(encoding="utf-8"), name)
    except YamlError as exc:
        raise CaseError([Problem(exc.place, exc.message)]) from None
    if not isinstance(raw, dict):
        raise CaseError([Problem(Place(name, 1), "案例文件的顶层应为键值映射")])
    facts = raw.get("facts")
    sources: dict[str, str] = {}
    if isinstance(facts, dict):
        _, sources = strip_sources(facts)
    try:
        case = Case.model_validate(raw)
    except ValidationError as exc:
        raise CaseError(validation_problems(exc, raw, name, case_keys())) from None
    return LoadedCase(case, sources, file)


def case_locations(path: str | Path) -> dict[str, str]:
    """Fact name → ``case.yaml 第N行`` for every fact and entry of a case file.

    Keys are fact names as the consistency checks use them (``budget.initial``,
    ``projects[2].spent``, ``staffing.on_payroll_by_type.行政编``); case-level entries are
    ``given.<指标>``, ``claims[3]``…
    """
    file = case_file(Path(path))
    try:
        raw = parse_yaml(file.read_text(encoding="utf-8"), file.name)
    except (OSError, YamlError):
        return {}
    found: dict[str, str] = {}
    if not isinstance(raw, LocatedDict):
        return found
    for key, value in raw.items():
        place = raw.key_places.get(key)
        if key == "facts":
            _walk_places(value, "", found)
        else:
            if place is not None:
                found[key] = str(place)
            _walk_places(value, key, found)
    return found


def _walk_places(value: object, prefix: str, found: dict[str, str]) -> None:
    if isinstance(value, LocatedDict):
        if set(value) <= {"value", "source", "note"} and "value" in value:
            return
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            place = value.key_places.get(key)
            if place is not None:
                found[path] = str(place)
            _walk_places(item, path, found)
    elif isinstance(value, LocatedList):
        for index, item in enumerate(value):
            path = f"{prefix}[{index}]"
            if index < len(value.item_places):
                found[path] = str(value.item_places[index])
            _walk_places(item, path, found)
