"""The shipped frameworks (指标体系) and the catalog that finds them by id."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jixiao.engine import LoadedFramework, parse_framework
from jixiao.engine.loader import Resolver
from jixiao.engine.yamltext import parse_yaml

FRAMEWORKS_DIR = Path(__file__).parent


def catalog(directory: Path = FRAMEWORKS_DIR) -> dict[str, Path]:
    """Framework id → file, for every YAML file in ``directory`` (shipped ones read once)."""
    if directory == FRAMEWORKS_DIR:
        return _shipped()
    return _scan(directory)


@cache
def _shipped() -> dict[str, Path]:
    return _scan(FRAMEWORKS_DIR)


def _scan(directory: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in sorted(directory.glob("*.y*ml")):
        try:
            raw = parse_yaml(path.read_text(encoding="utf-8"), str(path))
        except (OSError, ValueError):
            continue  # a broken neighbour must not hide the framework being looked for
        if isinstance(raw, dict) and "id" in raw:
            found[str(raw["id"])] = path
    return found


def _resolver(extra_dir: Path | None) -> Resolver:
    def resolve(framework_id: str) -> tuple[str, str]:
        for directory in (extra_dir, FRAMEWORKS_DIR):
            if directory is None:
                continue
            path = catalog(directory).get(framework_id)
            if path is not None:
                return path.read_text(encoding="utf-8"), str(path)
        raise KeyError(framework_id)

    return resolve


def load_framework(id_or_path: str | Path) -> LoadedFramework:
    """Load a shipped framework by id, or any framework file by path (``extends`` resolved)."""
    path = Path(id_or_path)
    if path.suffix not in (".yaml", ".yml"):
        known = catalog()
        if str(id_or_path) not in known:
            listed = "、".join(known)
            raise KeyError(f"没有编号为「{id_or_path}」的指标体系；已有：{listed}")
        path = known[str(id_or_path)]
    resolve = _resolver(path.parent if path.parent != FRAMEWORKS_DIR else None)
    return parse_framework(path.read_text(encoding="utf-8"), str(path), resolve)
