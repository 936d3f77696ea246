"""Framework YAML → validated ``Framework``: strict schema, inheritance, errors that name the line.

Reading files is the caller's business (the engine does no I/O): ``parse_framework`` takes the
text and a ``resolve`` callback that returns the text of a framework named by ``extends``.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ValidationError

from jixiao.engine.model import (
    DEFAULT_GRADES,
    MAX_LEVELS,
    Addition,
    Framework,
    GradeBand,
    Indicator,
    Rounding,
)
from jixiao.engine.numbers import format_number
from jixiao.engine.result import Finding, Severity
from jixiao.engine.rules import RULE_KINDS, RuleContext, RuleSpec, parse_rule
from jixiao.engine.rules.composite import Part
from jixiao.engine.yamltext import LocatedDict, LocatedList, Place, YamlError, parse_yaml, place_of

Resolver = Callable[[str], tuple[str, str]]
"""Given a framework id, return (YAML text, file name); raise ``KeyError`` if unknown."""


@dataclass(frozen=True, slots=True)
class Problem:
    place: Place
    message: str

    def __str__(self) -> str:
        return f"{self.place}：{self.message}"


class FrameworkError(ValueError):
    """A framework file that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class LoadedFramework:
    framework: Framework
    findings: list[Finding] = field(default_factory=list)
    file: str = ""


def _known_keys() -> set[str]:
    keys: set[str] = set()
    models: list[type[BaseModel]] = [Framework, Indicator, GradeBand, Rounding, Addition, Part]
    for model in [*models, *RULE_KINDS.values()]:
        keys |= set(model.model_fields)
    return keys


def parse_framework(text: str, file: str, resolve: Resolver | None = None) -> LoadedFramework:
    """Parse and validate one framework; raises ``FrameworkError`` listing every problem."""
    try:
        raw = _merged(text, file, resolve, seen=())
    except YamlError as exc:
        raise FrameworkError([Problem(exc.place, exc.message)]) from None
    problems: list[Problem] = []
    try:
        framework = Framework.model_validate(raw)
    except ValidationError as exc:
        raise FrameworkError(_problems(exc, raw, file)) from None
    problems += _check_tree(framework, raw, file)
    if problems:
        raise FrameworkError(problems)
    return LoadedFramework(framework, weight_findings(framework), file)


# --- inheritance ---------------------------------------------------------------------------


def _merged(text: str, file: str, resolve: Resolver | None, seen: tuple[str, ...]) -> Any:
    raw = parse_yaml(text, file)
    if not isinstance(raw, dict):
        raise YamlError(Place(file, 1), "指标体系文件的顶层应为键值映射（id、title、indicators……）")
    _assign_codes(raw.get("indicators"), prefix="")
    parent_id = raw.get("extends")
    if parent_id is None:
        return raw
    where = raw.key_places["extends"] if isinstance(raw, LocatedDict) else Place(file, 1)
    if resolve is None or parent_id in seen:
        reason = "循环继承" if parent_id in seen else "没有可用的框架目录"
        raise YamlError(where, f"无法继承「{parent_id}」：{reason}")
    try:
        parent_text, parent_file = resolve(str(parent_id))
    except KeyError:
        raise YamlError(where, f"找不到被继承的指标体系「{parent_id}」") from None
    base = _merged(parent_text, parent_file, resolve, (*seen, str(parent_id)))
    return _extend(base, raw)


def _assign_codes(indicators: Any, prefix: str) -> None:
    """Give every indicator without a code its position: ``1``, ``1.2``, ``1.2.3``."""
    if not isinstance(indicators, list):
        return
    for index, item in enumerate(indicators, start=1):
        if not isinstance(item, dict):
            continue
        if "code" not in item:
            item["code"] = f"{prefix}{index}"
            if isinstance(item, LocatedDict):
                item.key_places["code"] = item.place
        _assign_codes(item.get("children"), f"{item['code']}.")


def _walk_raw(indicators: Any) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(containing list, indicator dict) pairs of a raw tree, depth first."""
    if isinstance(indicators, list):
        for item in indicators:
            if isinstance(item, dict):
                yield indicators, item
                yield from _walk_raw(item.get("children"))


def _extend(base: Any, child: Any) -> Any:
    merged = copy.deepcopy(base)
    for key, value in child.items():
        if key not in ("overrides", "remove", "add", "indicators"):
            merged[key] = value
            if isinstance(merged, LocatedDict) and isinstance(child, LocatedDict):
                merged.key_places[key] = child.key_places[key]
    merged.pop("abstract", None)
    by_code = {
        str(item["code"]): (holder, item) for holder, item in _walk_raw(merged.get("indicators"))
    }
    for code, changes in (child.get("overrides") or {}).items():
        if code not in by_code:
            raise YamlError(
                _place(child.get("overrides"), code, child),
                f"overrides 中的指标编码「{code}」在被继承的框架中不存在",
            )
        target = by_code[code][1]
        for key, value in changes.items():
            target[key] = _merge_rule(target.get(key), value) if key == "rule" else value
            if isinstance(target, LocatedDict) and isinstance(changes, LocatedDict):
                target.key_places[key] = changes.key_places[key]
    for code in child.get("remove") or []:
        if str(code) not in by_code:
            raise YamlError(
                _place_item(child.get("remove"), code, child),
                f"remove 中的指标编码「{code}」不存在",
            )
        holder, item = by_code[str(code)]
        holder.remove(item)
    for addition in child.get("add") or []:
        _add(merged, by_code, addition, child)
    if child.get("indicators"):
        _replace_indicators(merged, child)
    return merged


def _replace_indicators(merged: Any, child: Any) -> None:
    if child.get("overrides") or child.get("remove") or child.get("add"):
        raise YamlError(
            _at(child, "indicators", child),
            "继承的框架若自己写出完整的 indicators，就不能同时使用 overrides/remove/add",
        )
    merged["indicators"] = child["indicators"]


def _merge_rule(base: Any, override: Any) -> Any:
    """An override may complete a base rule (the base gives ``value``, the override the kind)."""
    if not isinstance(base, dict) or not isinstance(override, dict):
        return override
    if "kind" in base and override.get("kind", base["kind"]) != base["kind"]:
        return override
    kind = RULE_KINDS.get(str(override.get("kind", base.get("kind"))))
    merged = copy.copy(base)
    for key in list(merged):
        if kind is not None and key not in kind.model_fields:
            del merged[key]  # e.g. a base metric under a rule kind that reads no metric
    merged.update(override)
    if isinstance(merged, LocatedDict) and isinstance(override, LocatedDict):
        merged.key_places = {**getattr(base, "key_places", {}), **override.key_places}
    return merged


def _add(merged: Any, by_code: dict[str, Any], addition: Any, child: Any) -> None:
    if not isinstance(addition, dict) or not isinstance(addition.get("indicator"), dict):
        raise YamlError(
            _at(addition, None, child),
            "add 的每一项须有 indicator（可选 under 指定上级编码）",
        )
    under = addition.get("under")
    indicator = addition["indicator"]
    if under is None:
        siblings = merged.setdefault("indicators", LocatedList())
    else:
        if str(under) not in by_code:
            raise YamlError(
                _at(addition, "under", child),
                f"add 的上级指标编码「{under}」不存在",
            )
        parent = by_code[str(under)][1]
        siblings = parent.setdefault("children", LocatedList())
        if not hasattr(siblings, "item_places"):
            siblings = LocatedList(siblings)
            siblings.place, siblings.item_places = parent.place, [parent.place] * len(siblings)
            parent["children"] = siblings
    if "code" not in indicator:
        raise YamlError(
            _at(indicator, None, child), "add 新增的指标须写明 code，以免与已有编码冲突"
        )
    before = addition.get("before")
    codes = [str(item.get("code")) for item in siblings]
    if before is not None and str(before) not in codes:
        raise YamlError(
            _at(addition, "before", child),
            f"add 的 before「{before}」不是同级指标编码",
        )
    index = codes.index(str(before)) if before is not None else len(siblings)
    siblings.insert(index, indicator)
    if isinstance(siblings, LocatedList):
        siblings.item_places.insert(index, _at(indicator, None, child))
    _assign_codes(indicator.get("children"), f"{indicator['code']}.")


def _at(node: Any, key: str | None, fallback: Any) -> Place:
    """Where ``node`` (or its ``key``) was written, else where ``fallback`` was."""
    if key is not None and isinstance(node, LocatedDict) and key in node.key_places:
        return node.key_places[key]
    place = getattr(node, "place", None) or getattr(fallback, "place", None)
    return place if isinstance(place, Place) else Place("", 0)


def _place(mapping: Any, key: str, fallback: Any) -> Place:
    if isinstance(mapping, LocatedDict) and key in mapping.key_places:
        return mapping.key_places[key]
    return fallback.place  # type: ignore[no-any-return]


def _place_item(items: Any, item: Any, fallback: Any) -> Place:
    if isinstance(items, LocatedList) and item in items:
        return items.item_places[items.index(item)]
    return fallback.place  # type: ignore[no-any-return]


# --- validation errors in Chinese ------------------------------------------------------------


def validation_problems(
    exc: ValidationError, raw: Any, file: str, known: set[str] | None = None
) -> list[Problem]:
    """Pydantic errors as Chinese problems located at the YAML line they concern.

    ``known`` are the keys to suggest for a misspelt one (the framework keys by default).
    """
    return _problems(exc, raw, file, known)


def _problems(
    exc: ValidationError, raw: Any, file: str, known: set[str] | None = None
) -> list[Problem]:
    known = _known_keys() if known is None else known
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        place = place_of(raw, loc, Place(file, 1))
        problems.append(Problem(place, _message(error, loc, known)))
    return problems


def _message(error: Any, loc: tuple[Any, ...], known: set[str]) -> str:
    kind = error["type"]
    key = str(loc[-1]) if loc else ""
    value = error.get("input")
    if kind == "extra_forbidden":
        guess = difflib.get_close_matches(key, known - {key}, n=1)
        if key in known:
            hint = "：此处不接受该键（见 docs/frameworks.md 中该项可用的键）"
        else:
            hint = f"，是否应为「{guess[0]}」？" if guess else "，请删除或改为文档列出的键"
        return f"未知的键「{key}」{hint}"
    if kind == "missing":
        return f"缺少必填项「{key}」"
    if kind.startswith("decimal") or kind in ("float_parsing", "int_parsing"):
        return f"「{key}」的值「{value}」不是数字"
    if kind == "literal_error":
        return f"「{key}」的值「{value}」无效，应为：{error['ctx']['expected']}"
    if kind in ("list_type", "tuple_type"):
        return f"「{key}」应为列表"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"「{key}」应为键值映射"
    if kind == "string_type":
        return f"「{key}」应为文字"
    if kind in ("bool_type", "bool_parsing"):
        return f"「{key}」应为 true 或 false"
    message = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return f"{message}" if not key or key.isdigit() else f"「{key}」：{message}"


# --- the tree: weights, rules, depth, codes ----------------------------------------------------


def _check_tree(framework: Framework, raw: Any, file: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, tuple[str, ...]] = {}

    def visit(items: list[Indicator], loc: tuple[Any, ...], level: int) -> None:
        for index, item in enumerate(items):
            here = (*loc, index)
            place = place_of(raw, here, Place(file, 1))
            if level > MAX_LEVELS:
                problems.append(
                    Problem(place, f"指标「{item.name}」超过{MAX_LEVELS}级，最多支持四级指标")
                )
            code = item.code or ""
            if code in seen:
                problems.append(Problem(place, f"指标编码「{code}」重复"))
            seen[code] = here
            if not framework.abstract and item.weight is None:
                problems.append(Problem(place, f"指标「{item.name}」缺少权重 weight（分值）"))
            if item.children:
                visit(item.children, (*here, "children"), level + 1)
            else:
                problems.extend(_check_rule(framework, item, raw, (*here, "rule"), file, place))

    visit(framework.indicators, ("indicators",), 1)
    if not framework.indicators and not framework.abstract:
        problems.append(Problem(Place(file, 1), "指标体系没有任何指标（indicators 为空）"))
    return problems


def _check_rule(
    framework: Framework, item: Indicator, raw: Any, loc: tuple[Any, ...], file: str, place: Place
) -> list[Problem]:
    if framework.abstract:
        return []  # an abstract base may give only the metric; extending frameworks complete it
    if item.rule is None:
        return [Problem(place, f"末级指标「{item.name}」缺少评分规则 rule")]
    spec, problems = validate_rule(item.rule, raw, loc, file)
    if spec is not None and item.weight is not None:
        rounding = framework.rounding
        ctx = RuleContext(
            item.name, item.weight, rounding.places, rounding.mode, rounding.percent_places
        )
        try:
            spec.compile(ctx)
        except ValueError as exc:
            problems.append(Problem(place_of(raw, loc, place), str(exc)))
    return problems


def validate_rule(
    rule: Any, raw: Any, loc: tuple[Any, ...], file: str
) -> tuple[RuleSpec | None, list[Problem]]:
    """Validate a rule mapping (and composite parts, recursively) with line-accurate messages."""
    place = place_of(raw, loc, Place(file, 1))
    if not isinstance(rule, dict):
        return None, [Problem(place, "rule 应为键值映射，至少包含 kind")]
    kind = rule.get("kind")
    if kind is None:
        listed = "、".join(RULE_KINDS)
        return None, [Problem(place, f"评分规则缺少 kind（规则类型），可用类型：{listed}")]
    if kind not in RULE_KINDS:
        guess = difflib.get_close_matches(str(kind), RULE_KINDS, n=1)
        hint = f"是否应为「{guess[0]}」？" if guess else ""
        where = place_of(raw, (*loc, "kind"), place)
        listed = "、".join(RULE_KINDS)
        return None, [Problem(where, f"未知的评分规则类型「{kind}」。{hint}可用类型：{listed}")]
    if kind == "composite":
        nested = []
        for index, part in enumerate(rule.get("parts") or []):
            if isinstance(part, dict) and "rule" in part:
                _, found = validate_rule(part["rule"], raw, (*loc, "parts", index, "rule"), file)
                nested += found
        if nested:
            return None, nested
    try:
        return parse_rule(rule), []
    except ValidationError as exc:
        known = _known_keys()
        return None, [
            Problem(place_of(raw, (*loc, *e["loc"]), place), _message(e, tuple(e["loc"]), known))
            for e in exc.errors()
        ]


def weight_findings(framework: Framework) -> list[Finding]:
    """Children whose weights do not add up to their parent's: a finding, not an error."""
    findings: list[Finding] = []

    def visit(items: list[Indicator], path: tuple[str, ...]) -> None:
        for item in items:
            here = (*path, item.name)
            weights = [c.weight for c in item.children if c.weight is not None]
            if item.children and item.weight is not None and len(weights) == len(item.children):
                total = sum(weights, Decimal(0))
                if total != item.weight:
                    parts = "+".join(format_number(w) for w in weights)
                    findings.append(
                        Finding(
                            Severity.ERROR,
                            "framework.weights_do_not_sum",
                            f"「{item.name}」的下级指标分值{parts}={format_number(total)}，"
                            f"与其分值{format_number(item.weight)}不一致",
                            "/".join(here),
                        )
                    )
            visit(item.children, here)

    visit(framework.indicators, ())
    if (
        framework.grades == DEFAULT_GRADES
        and framework.total is not None
        and framework.total != 100
    ):
        findings.append(
            Finding(
                Severity.WARNING,
                "framework.grades_for_100",
                f"总分为{format_number(framework.total)}分，但等级仍用百分制默认档位（优≥90、良≥80、中≥60），请在 grades 中写明",
                framework.id,
            )
        )
    top = [i.weight for i in framework.indicators if i.weight is not None]
    if framework.total is not None and len(top) == len(framework.indicators):
        declared = sum(top, Decimal(0))
        if declared != framework.total:
            findings.append(
                Finding(
                    Severity.ERROR,
                    "framework.weights_do_not_sum",
                    f"一级指标分值合计{format_number(declared)}，与总分{format_number(framework.total)}不一致",
                    framework.id,
                )
            )
    return findings
