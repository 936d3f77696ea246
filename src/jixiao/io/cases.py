"""Case files on disk: ``examples/<case>/case.yaml`` → a validated ``Case``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from jixiao.engine.loader import FrameworkError, Problem, validation_problems
from jixiao.engine.yamltext import Place, YamlError, parse_yaml
from jixiao.facts.case import Case, strip_sources

CASE_FILE = "case.yaml"


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
        raise CaseError(validation_problems(exc, raw, name)) from None
    return LoadedCase(case, sources, file)
