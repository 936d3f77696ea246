"""Framework versions: validation through the engine, ``extends`` resolved from published versions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from jixiao.engine import FrameworkError, Indicator, LoadedFramework, parse_framework
from jixiao.engine.loader import Problem, Resolver
from jixiao.engine.numbers import format_number
from jixiao.engine.rules import RULE_KINDS, parse_rule
from jixiao.engine.yamltext import Place
from jixiao.frameworks import catalog
from jixiao.web.frameworks.models import FrameworkVersion

UPLOAD_NAME = "上传的指标体系"


def resolver(bureau_id: int | None) -> Resolver:
    """``extends: X`` → the newest published version of X visible to the bureau."""

    def resolve(framework_id: str) -> tuple[str, str]:
        visible = Q(owner__isnull=True) | Q(owner_id=bureau_id)
        found = (
            FrameworkVersion.objects.filter(visible, framework_id=framework_id, status="published")
            .order_by("-version")
            .first()
        )
        if found is not None:
            return found.yaml_text, f"{found.framework_id} 第{found.version}版"
        path = catalog().get(framework_id)
        if path is None:
            raise KeyError(framework_id)
        return path.read_text(encoding="utf-8"), path.name

    return resolve


def validate_text(text: str, bureau_id: int | None, name: str = UPLOAD_NAME) -> LoadedFramework:
    """Parse and validate; raises ``FrameworkError`` whose problems carry line numbers."""
    if not text.strip():
        raise FrameworkError([Problem(Place(name, 1), "内容为空")])
    loaded = parse_framework(text, name, resolver(bureau_id))
    if loaded.framework.abstract:
        raise FrameworkError(
            [Problem(Place(name, 1), "抽象框架（abstract: true）不能直接用于评价，请继承后使用")]
        )
    return loaded


def resolved_json(loaded: LoadedFramework) -> dict[str, Any]:
    return loaded.framework.model_dump(mode="json")  # type: ignore[no-any-return]


def digest(text: str, resolved: dict[str, Any]) -> str:
    return FrameworkVersion.digest(text + "\n" + json.dumps(resolved, sort_keys=True))


def create_version(
    text: str,
    *,
    owner_id: int | None,
    user: Any,
    note: str = "",
    publish: bool = False,
    loaded: LoadedFramework | None = None,
) -> FrameworkVersion:
    loaded = loaded or validate_text(text, owner_id)
    fw = loaded.framework
    resolved = resolved_json(loaded)
    with transaction.atomic():
        latest = (
            FrameworkVersion.objects.select_for_update()
            .filter(framework_id=fw.id)
            .aggregate(m=Max("version"))["m"]
        )
        version = FrameworkVersion.objects.create(
            framework_id=fw.id,
            version=(latest or 0) + 1,
            title=fw.title,
            kind=fw.kind,
            year=fw.year,
            locality=fw.locality,
            yaml_text=text,
            resolved=resolved,
            sha256=digest(text, resolved),
            owner_id=owner_id,
            note=note,
            created_by=user,
            status=FrameworkVersion.PUBLISHED if publish else FrameworkVersion.DRAFT,
            published_by=user if publish else None,
            published_at=timezone.now() if publish else None,
        )
    return version


def update_draft(version: FrameworkVersion, text: str, note: str) -> FrameworkVersion:
    loaded = validate_text(text, version.owner_id)
    if loaded.framework.id != version.framework_id:
        raise FrameworkError(
            [
                Problem(
                    Place(UPLOAD_NAME, 1),
                    f"草稿的编号 id 应为「{version.framework_id}」；要新建指标体系请用“上传”",
                )
            ]
        )
    fw = loaded.framework
    version.yaml_text, version.note = text, note
    version.resolved = resolved_json(loaded)
    version.sha256 = digest(text, version.resolved)
    version.title, version.kind, version.year, version.locality = (
        fw.title,
        fw.kind,
        fw.year,
        fw.locality,
    )
    version.save()
    return version


def publish(version: FrameworkVersion, user: Any) -> FrameworkVersion:
    validate_text(version.yaml_text, version.owner_id)  # the parents may have changed
    version.status = FrameworkVersion.PUBLISHED
    version.published_by, version.published_at = user, timezone.now()
    version.save(update_fields=["status", "published_by", "published_at"])
    return version


_SHIPPED: dict[str, LoadedFramework | None] = {}


def import_shipped() -> list[FrameworkVersion]:
    """Make every framework shipped with jixiao available as a published, read-only version."""
    made = []
    for path in catalog().values():
        text = path.read_text(encoding="utf-8")
        if FrameworkVersion.objects.filter(owner__isnull=True, yaml_text=text).exists():
            continue
        if text not in _SHIPPED:  # parsed once per process (PyYAML is slow)
            try:
                _SHIPPED[text] = validate_text(text, None, path.name)
            except FrameworkError:
                _SHIPPED[text] = None  # abstract bases are used through ``extends`` only
        loaded = _SHIPPED[text]
        if loaded is None:
            continue
        made.append(
            create_version(
                text, owner_id=None, user=None, note=path.name, publish=True, loaded=loaded
            )
        )
    return made


# --- the tree in plain Chinese ------------------------------------------------------------------


@dataclass
class TreeRow:
    depth: int
    code: str
    name: str
    weight: str
    is_leaf: bool
    standard: str
    rule_kind: str
    rule_summary: str
    formula: str
    facts: list[str]
    definition: str


def tree_rows(resolved: dict[str, Any]) -> list[TreeRow]:
    from jixiao.engine.model import Framework

    framework = Framework.model_validate(resolved)
    rows: list[TreeRow] = []

    def visit(items: list[Indicator], depth: int) -> None:
        for item in items:
            kind, summary, facts, formula = "", "", [], item.formula_text or ""
            if item.rule is not None:
                kind = str(item.rule.get("kind", ""))
                spec_cls = RULE_KINDS.get(kind)
                summary = spec_cls.summary if spec_cls else kind
                try:
                    spec = parse_rule(item.rule)
                    facts = sorted(spec.fact_names())
                    value = getattr(spec, "value", None)
                    if not formula and isinstance(value, str):
                        label = getattr(spec, "label", None) or item.name
                        formula = f"{label} = {value}"
                except ValueError:
                    pass
            rows.append(
                TreeRow(
                    depth,
                    item.code or "",
                    item.name,
                    format_number(item.weight) if item.weight is not None else "—",
                    not item.children,
                    item.standard or "",
                    kind,
                    summary,
                    formula,
                    facts,
                    item.definition or "",
                )
            )
            visit(item.children, depth + 1)

    visit(framework.indicators, 0)
    return rows
