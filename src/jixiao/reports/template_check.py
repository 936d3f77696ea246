"""Checking a user's Word template before it is used: ``jixiao report-template check FILE``.

The template's Jinja source (body, headers, footers, as docxtpl patches it) is parsed and every
variable it reads is checked against what the renderer provides, down to attributes:
``{{ totl }}`` and ``{{ unit.nmae }}`` are errors (with the nearest valid name), and so is an
attribute of a loop variable (``{% for r in budget_rows %}{{ r.itme }}``). Variables the report
needs but the template never shows (the total, the grade, the indicator scores…) are listed as
missing. ``narrative.X`` for an X outside the standard fields is a warning: the case must then
carry that key in its ``narrative``.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

from docx import Document
from docx.opc.oxml import parse_xml
from docxtpl import DocxTemplate  # type: ignore[import-untyped]
from jinja2 import TemplateSyntaxError, nodes

from jixiao.reports import narrative
from jixiao.reports.context import Charts, ComparisonContext, ReportContext
from jixiao.reports.word import environment

JINJA_GLOBALS = {
    "loop",
    "range",
    "lipsum",
    "dict",
    "cycler",
    "joiner",
    "namespace",
    "true",
    "false",
    "none",
}


@dataclass(frozen=True, slots=True)
class ComparisonDocument:
    """The variables of the standalone comparison template (``templates/comparison.docx``)."""

    title: str
    comparison: ComparisonContext
    charts: Charts
    generated_by: str


# Groups of variables a report cannot do without; one name of each group must be used.
REQUIRED: dict[str, list[tuple[str, ...]]] = {
    "report": [
        ("unit",),
        ("total",),
        ("grade",),
        ("annex", "scoresheet", "sections", "level_groups"),
        ("problem_groups",),
    ],
    "comparison": [("comparison",)],
}
SCHEMAS: dict[str, type] = {"report": ReportContext, "comparison": ComparisonDocument}


@dataclass(frozen=True, slots=True)
class Issue:
    severity: str  # "error" | "warning" | "info"
    message: str


@dataclass(slots=True)
class CheckResult:
    file: str
    kind: str
    used: list[str]
    issues: list[Issue]

    @property
    def ok(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)


# --- types of the provided variables -------------------------------------------------------

Unknown = object()  # a value whose attributes are not checked


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _strip_optional(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return args[0] if len(args) == 1 else Unknown
    return tp


def _attribute(tp: Any, name: str) -> tuple[bool, Any]:
    """(known, type) of ``tp.name``; ``known`` is False when ``tp`` has no such attribute."""
    tp = _strip_optional(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = _hints(tp)
        if name in hints:
            return True, hints[name]
        return False, Unknown
    if typing.get_origin(tp) is dict:
        return True, typing.get_args(tp)[1]
    return True, Unknown


def _element(tp: Any) -> Any:
    tp = _strip_optional(tp)
    if typing.get_origin(tp) is list:
        return typing.get_args(tp)[0]
    return Unknown


def _fields(tp: Any) -> list[str]:
    tp = _strip_optional(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return [f.name for f in dataclasses.fields(tp)]
    return []


# --- reading the template ------------------------------------------------------------------


def template_source(path: Path) -> str:
    """The Jinja source docxtpl renders: body, headers and footers, patched."""
    document = Document(str(path))
    patcher = DocxTemplate(None)
    xml = patcher.patch_xml(patcher.xml_to_string(document._element.body))
    for uri in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
        for rel in document.part.rels.values():
            if rel.reltype == uri and rel.target_part.blob:
                xml += patcher.patch_xml(patcher.xml_to_string(parse_xml(rel.target_part.blob)))
    return str(xml)


def _text_near(source: str, line: int) -> str:
    lines = source.splitlines()
    near = " ".join(lines[max(line - 2, 0) : line + 1])
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", near)).strip()[:120]


class _Walker:
    def __init__(self, schema: type) -> None:
        self.schema = schema
        self.top = _hints(schema)
        self.issues: list[Issue] = []
        self.used: set[str] = set()
        self._seen: set[str] = set()

    def report(self, severity: str, message: str) -> None:
        if message not in self._seen:
            self._seen.add(message)
            self.issues.append(Issue(severity, message))

    def suggest(self, name: str, options: list[str]) -> str:
        close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
        return f"（是否应为「{close[0]}」？）" if close else ""

    def type_of(self, node: nodes.Node, scope: dict[str, Any]) -> Any:
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if node.name in self.top:
                self.used.add(node.name)
                return self.top[node.name]
            if node.name not in JINJA_GLOBALS:
                self.report(
                    "error", f"未知变量「{node.name}」{self.suggest(node.name, list(self.top))}"
                )
            return Unknown
        if isinstance(node, nodes.Getattr | nodes.Getitem):
            base = self.type_of(node.node, scope)
            attr = node.attr if isinstance(node, nodes.Getattr) else _constant(node.arg)
            if attr is None or base is Unknown:
                self.visit_children(node, scope)
                return Unknown
            known, tp = _attribute(base, attr)
            path = _dotted(node)
            if not known:
                options = _fields(base)
                self.report(
                    "error",
                    f"「{path}」：没有属性「{attr}」{self.suggest(attr, options)}；可用：{'、'.join(options)}",
                )
                return Unknown
            if _dotted(node.node) == "narrative" and attr not in narrative.BY_KEY:
                self.report(
                    "warning",
                    f"「{path}」不是标准叙述字段{self.suggest(attr, list(narrative.BY_KEY))}：案例的 narrative 须提供「{attr}」，否则为空",
                )
            return tp
        self.visit_children(node, scope)
        return Unknown

    def visit_children(self, node: nodes.Node, scope: dict[str, Any]) -> None:
        for child in node.iter_child_nodes():
            self.visit(child, scope)

    def visit(self, node: nodes.Node, scope: dict[str, Any]) -> None:
        if isinstance(node, nodes.For):
            self.visit_for(node, scope)
        elif isinstance(node, nodes.Assign | nodes.AssignBlock):
            if isinstance(node, nodes.Assign):
                self.visit(node.node, scope)
            for name in _targets(node.target):
                scope[name] = Unknown
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(scope)
            for arg in getattr(node, "args", []):
                inner[arg.name] = Unknown
            for child in node.body:
                self.visit(child, inner)
        elif isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            self.type_of(node, scope)
        else:
            self.visit_children(node, scope)

    def visit_for(self, node: nodes.For, scope: dict[str, Any]) -> None:
        element = _element(self.type_of(node.iter, scope))
        inner = dict(scope)
        for name in _targets(node.target):
            inner[name] = element if isinstance(node.target, nodes.Name) else Unknown
        inner["loop"] = Unknown
        for child in node.body:
            self.visit(child, inner)
        for child in node.else_:
            self.visit(child, scope)
        if node.test is not None:
            self.visit(node.test, inner)


def _constant(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return node.value
    return None


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        key = _constant(node.arg)
        return f"{_dotted(node.node)}.{key}" if key else f"{_dotted(node.node)}[…]"
    return "…"


def _targets(node: nodes.Node) -> Iterator[str]:
    if isinstance(node, nodes.Name):
        yield node.name
    elif isinstance(node, nodes.Tuple):
        for item in node.items:
            yield from _targets(item)


def check_template(path: Path, kind: str = "report") -> CheckResult:
    """Check ``path`` against the variables of ``kind`` ("report" or "comparison")."""
    schema = SCHEMAS[kind]
    issues: list[Issue] = []
    try:
        source = template_source(path)
    except Exception as exc:  # a damaged or non-docx file
        return CheckResult(str(path), kind, [], [Issue("error", f"无法读取模板：{exc}")])
    try:
        tree = environment().parse(source)
    except TemplateSyntaxError as exc:
        near = _text_near(source, exc.lineno or 0)
        return CheckResult(
            str(path),
            kind,
            [],
            [Issue("error", f"模板语法错误：{exc.message}（附近文字：{near}）")],
        )
    walker = _Walker(schema)
    walker.visit(tree, {})
    issues += walker.issues
    for group in REQUIRED[kind]:
        if not any(name in walker.used for name in group):
            names = "」或「".join(group)
            issues.append(Issue("error", f"缺少变量「{names}」：报告须有此内容"))
    unused = [name for name in walker.top if name not in walker.used]
    if unused:
        issues.append(Issue("info", f"模板未使用的变量：{'、'.join(unused)}"))
    return CheckResult(str(path), kind, sorted(walker.used), issues)


def provided_variables(kind: str = "report") -> list[str]:
    return list(_hints(SCHEMAS[kind]))
