"""Cross-table consistency checks over a unit-year's facts (DHIS2-style validation rules).

The rules are data (``consistency.yaml``): parts that must add up to a total, figures that must
not exceed others, rates that must equal their amounts, series that must not fall, target types
that cannot hold, and plausibility flags that need a written comment. Each finding names its rule
code, a Chinese message with the figures substituted, and the fact fields it concerns, so that an
importer can point at the cells (``项目表!C12``) and a case file at its lines.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from jixiao.engine.expressions import (
    Expr,
    ExpressionError,
    MissingFact,
    Undefined,
    compile_expression,
)
from jixiao.engine.numbers import (
    ZERO,
    Number,
    Percent,
    format_as_given,
    format_number,
    format_percent,
    format_value,
    parse_decimal,
    round_to,
)
from jixiao.engine.result import Finding, Severity
from jixiao.engine.yamltext import YamlError, parse_yaml
from jixiao.facts.flatten import fact_values, flatten_data
from jixiao.facts.model import UnitYear
from jixiao.facts.units import amount_fields

RULES_FILE = Path(__file__).with_name("consistency.yaml")
UNIT_MIX_CODE = "unit.mix_10000"
_TEN_THOUSAND = Decimal(10000)
_MAX_FIELDS = 20

Kind = Literal["sum", "compare", "ratio", "each", "monotonic", "range", "amounts_non_negative"]
Comparator = Literal["≤", "≥", "=", "<", ">", "≠"]
_PREDICATES = frozenset({"is_text", "is_percent", "is_plain_number", "is_blank", "is_number"})


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True, slots=True)
class CheckFinding:
    """One rule that does not hold: code, severity, Chinese message, the fields concerned."""

    code: str
    severity: Severity
    title: str
    message: str
    fields: tuple[str, ...] = ()

    def cells(self, locations: Mapping[str, str]) -> tuple[str, ...]:
        """The cells (or case-file lines) of the fields concerned, as far as they are known."""
        found: list[str] = []
        for field in self.fields:
            place = locate(field, locations)
            if place and place not in found:
                found.append(place)
        return tuple(found)

    def where(self, locations: Mapping[str, str] | None = None) -> str:
        cells = self.cells(locations or {})
        return "、".join(cells) if cells else "、".join(self.fields)

    def to_finding(self, locations: Mapping[str, str] | None = None) -> Finding:
        return Finding(self.severity, self.code, self.message, self.where(locations))

    def to_dict(self, locations: Mapping[str, str] | None = None) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "title": self.title,
            "message": self.message,
            "fields": list(self.fields),
            "cells": list(self.cells(locations or {})),
        }


def locate(field: str, locations: Mapping[str, str]) -> str | None:
    """The place of ``field`` or of its nearest parent (``projects[2].spent`` → ``projects[2]``)."""
    name = field
    while name:
        if name in locations:
            return locations[name]
        cut = max(name.rfind("."), name.rfind("["))
        if cut <= 0:
            return None
        name = name[:cut]
    return None


# --------------------------------------------------------------------------- rule schema


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SumOf(_Strict):
    parts_of: str
    field: str | None = None
    total: str


class Rule(_Strict):
    code: str
    severity: Severity
    title: str
    kind: Kind
    expand: dict[str, list[str] | str] | list[dict[str, str]] | None = Field(None, alias="for")
    parts: list[str] = []
    parts_of: str | None = None
    field: str | None = None
    total: str | None = None
    left: str | None = None
    op: Comparator | None = None
    right: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    min: Number | None = None
    max: Number | None = None
    over: str | None = None
    when: str | None = None
    match: dict[str, list[Any]] | None = None
    match_any: list[dict[str, list[Any]]] = []
    sum_of: SumOf | None = None
    facts: list[str] = []
    series: str | None = None
    tolerance: Number | None = None
    explainable: bool = False
    message: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> Rule:
        needs: dict[str, tuple[str, ...]] = {
            "sum": ("total",),
            "compare": ("left", "op", "right"),
            "ratio": ("numerator", "denominator"),
            "each": ("over",),
            "monotonic": ("series",),
            "range": ("facts",),
            "amounts_non_negative": (),
        }
        missing = [name for name in needs[self.kind] if not getattr(self, name)]
        if missing:
            raise ValueError(f"规则 {self.code}（{self.kind}）缺少 {'、'.join(missing)}")
        if self.kind == "sum" and not (self.parts or self.parts_of):
            raise ValueError(f"规则 {self.code} 须写 parts 或 parts_of")
        if self.kind == "each" and not (
            self.match or self.match_any or self.sum_of or (self.left and self.op and self.right)
        ):
            raise ValueError(f"规则 {self.code} 须写 match、match_any、sum_of 或 left/op/right")
        for clause in [self.match or {}, *self.match_any]:
            for values in clause.values():
                for value in values:
                    if (
                        isinstance(value, str)
                        and value.startswith("is_")
                        and value not in _PREDICATES
                    ):
                        raise ValueError(f"规则 {self.code}：未知的判断「{value}」")
        return self


class RuleBook(_Strict):
    labels: dict[str, str] = {}
    rules: list[Rule]

    @model_validator(mode="after")
    def _unique(self) -> RuleBook:
        seen: set[str] = set()
        for rule in self.rules:
            key = rule.code + "|" + str(rule.expand)
            if key in seen:
                raise ValueError(f"规则编码 {rule.code} 重复")
            seen.add(key)
        return self


class RuleError(ValueError):
    """A rule file that cannot be used."""


def parse_rules(text: str, file: str) -> RuleBook:
    try:
        raw = parse_yaml(text, file)
        book = RuleBook.model_validate(raw)
    except YamlError as exc:
        raise RuleError(str(exc)) from None
    except ValidationError as exc:
        raise RuleError(f"{file}：{exc}") from None
    for rule in book.rules:
        for expr in _expressions(rule):
            if "{" in expr:
                continue  # compiled once the placeholders are filled in
            try:
                compile_expression(expr)
            except ExpressionError as exc:
                raise RuleError(f"{file}：规则 {rule.code}：{exc}") from None
    return book


def _default_book() -> RuleBook:
    return default_rules()


@cache
def default_rules() -> RuleBook:
    """The shipped rules (``jixiao/facts/consistency.yaml``)."""
    return parse_rules(RULES_FILE.read_text(encoding="utf-8"), str(RULES_FILE))


def load_rules(path: str | Path | None = None) -> RuleBook:
    if path is None:
        return default_rules()
    file = Path(path)
    return parse_rules(file.read_text(encoding="utf-8"), str(file))


def _expressions(rule: Rule) -> list[str]:
    found = [rule.total, rule.left, rule.right, rule.numerator, rule.denominator, rule.when]
    if rule.sum_of is not None:
        found.append(rule.sum_of.total)
    return [e for e in found if e]


# --------------------------------------------------------------------------- running


@dataclass(frozen=True, slots=True)
class CheckPass:
    """A rule that had its facts and holds, with the figures (``基本支出100+项目支出50=150``)."""

    code: str
    title: str
    detail: str


@dataclass(frozen=True, slots=True)
class CheckReport:
    findings: list[CheckFinding]
    passed: list[CheckPass]

    @property
    def errors(self) -> list[CheckFinding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


def check_facts(facts: UnitYear, rules: RuleBook | None = None) -> list[CheckFinding]:
    """Every rule that does not hold for ``facts`` (rules without the facts they need are skipped)."""
    return run_checks(facts, rules).findings


def run_checks(
    facts: UnitYear,
    rules: RuleBook | None = None,
    skip: frozenset[str] = frozenset(),
    data: dict[str, Any] | None = None,
) -> CheckReport:
    """Findings, and the rules that were applicable and hold.

    ``skip`` names rule kinds not to run; ``data`` is the facts as plain data when the caller
    already has them (an importer), saving a dump of a large unit-year.
    """
    book = rules or default_rules()
    run = _Run(facts, book, data)
    findings: list[CheckFinding] = []
    for rule in book.rules:
        if rule.kind in skip:
            continue
        for concrete, labels in run.expanded(rule):
            findings.extend(run.apply(concrete, labels))
    return CheckReport(findings, run.passed)


@cache
def _compiled(text: str) -> Expr:
    return compile_expression(text)


class _Overlay(Mapping[str, Any]):
    """Facts plus one list item under ``item.`` (without copying the facts)."""

    __slots__ = ("base", "item")

    def __init__(self, base: Mapping[str, Any], item: Mapping[str, Any]) -> None:
        self.base = base
        self.item = item

    def __getitem__(self, key: str) -> Any:
        if key.startswith("item."):
            value = _dig(self.item, key[5:].split("."))
            if value is None:
                raise KeyError(key)
            return value
        return self.base[key]

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __iter__(self) -> Iterator[str]:
        return iter(self.base)

    def __len__(self) -> int:
        return len(self.base)


def _dig(value: Any, parts: Sequence[str]) -> Any:
    for part in parts:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


class _Formatter(string.Formatter):
    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, str):
            return kwargs.get(key, "{" + key + "}")
        return super().get_value(key, args, kwargs)


_FORMAT = _Formatter()
_MONTH_KEY = re.compile(r"^m(\d{1,2})$")


def key_label(key: str) -> str:
    """``m6`` → ``6月末``; other keys as they are."""
    found = _MONTH_KEY.match(key)
    return f"{int(found.group(1))}月末" if found else key


def show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        if isinstance(value, Percent):
            return format_value(value)
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -6:
            value = round_to(value, 6)
        return format_number(value)
    return str(value)


def show_given(value: Any) -> str:
    """A fact as it was written (``100.50`` keeps its zero); computed values as ``show``."""
    if isinstance(value, Decimal) and not isinstance(value, Percent):
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -6 <= exponent <= 0:
            return format_as_given(value)
    return show(value)


def _half_unit(value: Any) -> Decimal:
    """Half a unit in the last printed decimal (``4675.99`` → 0.005); whole numbers are exact."""
    if not isinstance(value, Decimal):
        return ZERO
    if isinstance(value, Percent):  # printed as 64% or 95.55%: half of the last percent digit
        exponent = value.as_tuple().exponent
        places = min(exponent + 2, 0) if isinstance(exponent, int) else 0
        return Decimal(5).scaleb(places - 3)
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= 0:
        return ZERO
    return Decimal(5).scaleb(exponent - 1)


_NOT_ADDITIVE = re.compile(r"[*/×÷(]")


def _rounding_allowance(expr: Expr, env: Mapping[str, Any]) -> Decimal:
    """How far a side may be off through the rounding of the printed figures it is made of:
    a figure or a sum of figures carries their half-units; a ratio is taken as exact (the
    printed side it is compared with carries the allowance)."""
    if _NOT_ADDITIVE.search(expr.source):
        return ZERO
    return sum((_half_unit(env.get(n)) for n in expr.names), ZERO)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return parse_decimal(value)
    except ValueError:
        return None


def _long_parts(items: list[Any], path: str, field: str) -> list[tuple[str, str, Decimal]]:
    """The parts of a long list (a project table): labels are not shown, so not built."""
    found: list[tuple[str, str, Decimal]] = []
    for index, item in enumerate(items):
        value = item.get(field) if isinstance(item, dict) else None
        if isinstance(value, Decimal):
            found.append(("", f"{path}[{index}].{field}" if index < _MAX_FIELDS else "", value))
    return found


def _unit_mix(a: Decimal, b: Decimal) -> bool:
    if a == 0 or b == 0:
        return False
    big, small = max(abs(a), abs(b)), min(abs(a), abs(b))
    ratio = big / small
    return Decimal("9900") <= ratio <= Decimal("10100")


class _Run:
    def __init__(self, facts: UnitYear, book: RuleBook, data: dict[str, Any] | None) -> None:
        self.facts = facts
        self.env: dict[str, Any] = fact_values(facts) if data is None else flatten_data(data)
        self.labels = (
            book.labels if book is _default_book() else {**_default_book().labels, **book.labels}
        )
        self.passed: list[CheckPass] = []

    def ok(self, rule: Rule, detail: str) -> list[CheckFinding]:
        self.passed.append(CheckPass(rule.code, rule.title, detail))
        return []

    # ---- expansion

    def expanded(self, rule: Rule) -> Iterator[tuple[Rule, dict[str, str]]]:
        spec = rule.expand
        if spec is None:
            yield rule, {}
            return
        groups: list[dict[str, str]]
        if isinstance(spec, list):
            groups = spec
        else:
            groups = []
            for name, values in spec.items():
                if isinstance(values, list):
                    groups += [{name: v} for v in values]
                else:
                    found = self.env.get(values)
                    # only keys that can stand in a fact name (a month "m6", not a stray "0")
                    keys = (
                        [k for k in found if str(k).isidentifier()]
                        if isinstance(found, dict)
                        else []
                    )
                    groups += [{name: k} for k in keys]
        for group in groups:
            yield _substitute(rule, group), {k: key_label(v) for k, v in group.items()}

    # ---- dispatch

    def apply(self, rule: Rule, labels: dict[str, str]) -> list[CheckFinding]:
        method = getattr(self, f"_{rule.kind}")
        found: list[CheckFinding] = method(rule, self.env, labels)
        return [self._explained(rule, f) for f in found]

    def _explained(self, rule: Rule, finding: CheckFinding) -> CheckFinding:
        if not rule.explainable or finding.code != rule.code:
            return finding
        comment = self.facts.comments.get(rule.code)
        if comment:
            return CheckFinding(
                rule.code,
                Severity.INFO,
                rule.title,
                f"{finding.message}（已说明：{comment}）",
                finding.fields,
            )
        return CheckFinding(
            rule.code,
            rule.severity,
            rule.title,
            f"{finding.message}。如属实，请在说明（comments）中按编码 {rule.code} 写明原因",
            finding.fields,
        )

    def label(self, name: str) -> str:
        probe = name
        while probe:
            if probe in self.labels:
                return self.labels[probe]
            if "." not in probe:
                break
            probe = probe.rsplit(".", 1)[0]
        return name.rsplit(".", 1)[-1]

    def finding(
        self, rule: Rule, context: dict[str, Any], fields: Sequence[str], code: str | None = None
    ) -> CheckFinding:
        template = rule.message or _DEFAULT_MESSAGES[rule.kind]
        text = _FORMAT.vformat(template, (), {"title": rule.title, **context})
        severity = Severity.ERROR if code == UNIT_MIX_CODE else rule.severity
        return CheckFinding(
            code or rule.code, severity, rule.title, text.strip(), tuple(fields[:_MAX_FIELDS])
        )

    # ---- kinds

    def _value(self, text: str, env: Mapping[str, Any]) -> tuple[Decimal, Expr] | None:
        try:
            expr = _compiled(text)
            value = expr.value(env)
        except (MissingFact, Undefined, KeyError, ExpressionError):
            return None
        number = _number(value)
        return None if number is None else (number, expr)

    def _parts(
        self, parts: list[str], parts_of: str | None, field: str | None, env: Mapping[str, Any]
    ) -> list[tuple[str, str, Decimal]] | None:
        """(label, field path, value) of each part; None when a named part is missing."""
        found: list[tuple[str, str, Decimal]] = []
        for name in parts:
            got = self._value(name, env)
            if got is None:
                return None
            found.append((self.label(name), _path(name), got[0]))
        if parts_of is None:
            return found
        container = env.get(parts_of)
        if isinstance(container, dict):
            entries: list[tuple[str, str, Any]] = [
                (str(k), f"{_path(parts_of)}.{k}", v) for k, v in container.items()
            ]
        elif isinstance(container, list):
            if len(container) > _MAX_FIELDS and field:
                return found + _long_parts(container, _path(parts_of), field)
            entries = [
                (
                    str(v.get("name") if isinstance(v, dict) and v.get("name") else i + 1),
                    f"{_path(parts_of)}[{i}]",
                    v,
                )
                for i, v in enumerate(container)
            ]
        else:
            return found or None
        for label, path, value in entries:
            if field:
                value = value.get(field) if isinstance(value, dict) else None
                path = f"{path}.{field}"
            number = _number(value)
            if number is not None:
                found.append((label, path, number))
        return found

    def _sum(
        self, rule: Rule, env: Mapping[str, Any], labels: dict[str, str]
    ) -> list[CheckFinding]:
        assert rule.total is not None
        return self._sum_check(rule, env, rule.parts, rule.parts_of, rule.field, rule.total, {})

    def _sum_check(
        self,
        rule: Rule,
        env: Mapping[str, Any],
        parts_names: list[str],
        parts_of: str | None,
        field: str | None,
        total_text: str,
        extra: dict[str, Any],
        prefix: str = "",
    ) -> list[CheckFinding]:
        total_got = self._value(total_text, env)
        parts = self._parts(parts_names, parts_of, field, env)
        if total_got is None or not parts:
            return []
        total = total_got[0]
        summed = sum((p[2] for p in parts), ZERO)
        diff = total - summed
        tolerance = rule.tolerance
        if tolerance is None:
            tolerance = _half_unit(total) + sum((_half_unit(p[2]) for p in parts), ZERO)
        if len(parts) <= 8:
            parts_text = "+".join(f"{label}{show_given(value)}" for label, _, value in parts)
        else:
            parts_text = f"{len(parts)}项之和"
        if abs(diff) <= tolerance:
            where = f"「{extra['item']}」" if "item" in extra else ""
            return self.ok(
                rule,
                f"{where}{parts_text}={show(summed)}，{self.label(total_text)}{show_given(total)}",
            )
        fields = [_prefixed(total_text, prefix), *(p[1] for p in parts[:_MAX_FIELDS])]
        context = {
            "parts": parts_text,
            "sum": show(summed),
            "total": show_given(total),
            "total_label": self.label(total_text),
            "diff": show(abs(diff)),
            "count": len(parts),
            **extra,
        }
        if _unit_mix(total, summed):
            return [self._unit_mix_finding(rule, context, fields)]
        return [self.finding(rule, context, fields)]

    def _unit_mix_finding(
        self, rule: Rule, context: dict[str, Any], fields: list[str]
    ) -> CheckFinding:
        message = (
            f"{rule.title}：{context['parts']}={context['sum']}，{context['total_label']}为"
            f"{context['total']}，相差约10000倍，疑似元与万元混用（请统一金额单位）"
        )
        return CheckFinding(
            UNIT_MIX_CODE, Severity.ERROR, "元与万元混用", message, tuple(fields[:_MAX_FIELDS])
        )

    def _compare(
        self, rule: Rule, env: Mapping[str, Any], labels: dict[str, str], prefix: str = ""
    ) -> list[CheckFinding]:
        assert rule.left and rule.right and rule.op
        if rule.when and not self._holds(rule.when, env):
            return []
        left_got, right_got = self._value(rule.left, env), self._value(rule.right, env)
        if left_got is None or right_got is None:
            return []
        (left, left_expr), (right, right_expr) = left_got, right_got
        tolerance = rule.tolerance
        if tolerance is None:
            tolerance = ZERO
            if rule.op in ("=", "≠"):
                tolerance = _rounding_allowance(left_expr, env) + _rounding_allowance(
                    right_expr, env
                )
        if _holds(rule.op, left, right, tolerance):
            if not prefix:
                detail = f"{self._side(left_expr, left, env)} {rule.op} {self._side(right_expr, right, env)}"
                self.ok(rule, detail)
            return []
        names = sorted(left_expr.names | right_expr.names)
        fields = [_prefixed(n, prefix) for n in names]
        if isinstance(left, Percent) != isinstance(right, Percent):
            left, right = Percent(left), Percent(right)  # a rate against a ratio: both as rates
        context = {
            **labels,
            "left": rule.left,
            "right": rule.right,
            "left_value": show_given(left),
            "right_value": show_given(right),
            "left_expr": left_expr.render(env),
            "right_expr": right_expr.render(env),
            "diff": _show_diff(left, right),
            "ratio": format_percent(left / right) if right else "—",
            "left_label": self.label(rule.left),
            "right_label": self.label(rule.right),
        }
        if rule.op == "=" and _unit_mix(left, right):
            context["parts"] = f"{context['left_label']}{context['left_value']}"
            context["sum"] = context["left_value"]
            context["total_label"] = context["right_label"]
            context["total"] = context["right_value"]
            return [self._unit_mix_finding(rule, context, fields)]
        return [self.finding(rule, context, fields)]

    def _side(self, expr: Expr, value: Decimal, env: Mapping[str, Any]) -> str:
        if expr.source.strip() in expr.names:
            return self.label(expr.source.strip()) + show_given(value)
        return f"{expr.render(env)}={show(value)}"

    def _holds(self, text: str, env: Mapping[str, Any]) -> bool:
        try:
            return bool(_compiled(text).value(env))
        except (MissingFact, Undefined, KeyError, ExpressionError, TypeError):
            return False

    def _ratio(
        self, rule: Rule, env: Mapping[str, Any], labels: dict[str, str]
    ) -> list[CheckFinding]:
        assert rule.numerator and rule.denominator
        top, bottom = self._value(rule.numerator, env), self._value(rule.denominator, env)
        if top is None or bottom is None or bottom[0] == 0:
            return []
        times = top[0] / bottom[0]
        too_high = rule.max is not None and times > rule.max
        too_low = rule.min is not None and times < rule.min
        if not (too_high or too_low):
            return self.ok(
                rule, f"{show(top[0])}/{show(bottom[0])}={format_number(round_to(times, 2))}倍"
            )
        context = {
            **labels,
            "numerator": show(top[0]),
            "denominator": show(bottom[0]),
            "times": format_number(round_to(times, 2)),
            "min": show(rule.min),
            "max": show(rule.max),
        }
        return [self.finding(rule, context, sorted(top[1].names | bottom[1].names))]

    def _range(
        self, rule: Rule, env: Mapping[str, Any], labels: dict[str, str]
    ) -> list[CheckFinding]:
        found: list[CheckFinding] = []
        for name in rule.facts:
            value = env.get(name)
            entries = (
                [
                    (f"{name}.{k}", f"{self.label(name)}（{key_label(str(k))}）", v)
                    for k, v in value.items()
                ]
                if isinstance(value, dict)
                else [(name, self.label(name), value)]
            )
            for path, label, item in entries:
                number = _number(item)
                if number is None:
                    continue
                if (rule.min is not None and number < rule.min) or (
                    rule.max is not None and number > rule.max
                ):
                    context = {
                        "field": label,
                        "value": format_number(number),
                        "percent": format_percent(number),
                    }
                    found.append(self.finding(rule, context, [path]))
        return found

    def _monotonic(
        self, rule: Rule, env: Mapping[str, Any], labels: dict[str, str]
    ) -> list[CheckFinding]:
        assert rule.series
        series = env.get(rule.series)
        if not isinstance(series, dict):
            return []
        months: list[tuple[int, str, Decimal]] = []
        for key, value in series.items():
            found = _MONTH_KEY.match(str(key))
            number = _number(value)
            if found and number is not None:
                months.append((int(found.group(1)), str(key), number))
        months.sort()
        findings: list[CheckFinding] = []
        for (_, k1, v1), (_, k2, v2) in pairwise(months):
            if v2 < v1:
                context = {
                    "series": self.label(rule.series),
                    "first": key_label(k1),
                    "first_value": show(v1),
                    "second": key_label(k2),
                    "second_value": show(v2),
                }
                fields = [f"{rule.series}.{k1}", f"{rule.series}.{k2}"]
                findings.append(self.finding(rule, context, fields))
        return findings

    def _amounts_non_negative(
        self, rule: Rule, env: Mapping[str, Any], labels: dict[str, str]
    ) -> list[CheckFinding]:
        findings: list[CheckFinding] = []
        for path, value in negative_amounts(self.facts):
            context = {"field": self.label(_path(path)), "value": show(value), "path": path}
            findings.append(self.finding(rule, context, [path]))
        return findings

    def _each(
        self, rule: Rule, env: Mapping[str, Any], labels: dict[str, str]
    ) -> list[CheckFinding]:
        assert rule.over
        items = env.get(rule.over)
        if not isinstance(items, list):
            return []
        findings: list[CheckFinding] = []
        needed = _item_fields(rule)
        local = bool(needed) and _only_item_names(rule)
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            if needed and not all(_present(item.get(name)) for name in needed):
                continue  # the rule needs a field this item does not have
            prefix = f"{rule.over}[{index}]"
            overlay: Mapping[str, Any]
            if local:
                overlay = {f"item.{name}": item[name] for name in needed}
            else:
                overlay = _Overlay(env, item)
            if rule.when and not self._holds(rule.when, overlay):
                continue
            if rule.match is not None or rule.match_any:
                clauses = ([rule.match] if rule.match is not None else []) + rule.match_any
                for clause in clauses:
                    if all(_matches(item.get(f), allowed) for f, allowed in clause.items()):
                        fields = [f"{prefix}.{f}" for f in clause]
                        findings.append(self.finding(rule, _item_context(item, index), fields))
                        break
            elif rule.sum_of is not None:
                spec = rule.sum_of
                findings += self._sum_check(
                    rule,
                    overlay,
                    [],
                    spec.parts_of,
                    spec.field,
                    spec.total,
                    _item_context(item, index),
                    prefix,
                )
            else:
                found = self._compare(rule, overlay, labels, prefix)
                if found:
                    context = {**labels, **_item_context(item, index)}
                    found = [
                        CheckFinding(
                            f.code,
                            f.severity,
                            f.title,
                            _FORMAT.vformat(f.message, (), context),
                            f.fields,
                        )
                        for f in found
                    ]
                    findings += found
        return findings


@cache
def _item_fields_of(texts: tuple[str, ...]) -> tuple[str, ...]:
    found: set[str] = set()
    for text in texts:
        for name in _compiled(text).names:
            if name.startswith("item."):
                found.add(name[5:].split(".")[0])
    return tuple(sorted(found))


def _item_fields(rule: Rule) -> tuple[str, ...]:
    """The item fields every evaluation of a per-item rule needs (its ``when``, left and right)."""
    if rule.match is not None or rule.match_any:
        return ()
    texts = [t for t in (rule.when, rule.left, rule.right) if t]
    if rule.sum_of is not None:
        texts.append(rule.sum_of.total)
    return _item_fields_of(tuple(texts))


def _present(value: Any) -> bool:
    if value is None:
        return False
    if type(value) in (list, dict):
        return bool(value)
    return True


def _only_item_names(rule: Rule) -> bool:
    """True when the rule's expressions read nothing but fields of the item itself."""
    texts = [t for t in (rule.when, rule.left, rule.right) if t]
    if rule.sum_of is not None:
        return False
    return all(
        name.startswith("item.") and "." not in name[5:]
        for text in texts
        for name in _compiled(text).names
    )


def _item_context(item: Mapping[str, Any], index: int) -> dict[str, Any]:
    return {
        "item": str(item.get("name") or f"第{index + 1}项"),
        **{k: show(v) for k, v in item.items()},
    }


def _substitute(rule: Rule, group: Mapping[str, str]) -> Rule:
    data = rule.model_dump(by_alias=False, exclude={"expand"})
    labels = {k: key_label(v) for k, v in group.items()}

    def fill(value: Any, message: bool) -> Any:
        if isinstance(value, str):
            for name, text in (labels if message else group).items():
                value = value.replace("{" + name + "}", text)
            return value
        if isinstance(value, list):
            return [fill(v, message) for v in value]
        if isinstance(value, dict):
            return {k: fill(v, message) for k, v in value.items()}
        return value

    filled = {k: fill(v, k == "message") for k, v in data.items()}
    return Rule.model_validate(filled)


def _path(name: str) -> str:
    return name.strip()


def _prefixed(name: str, prefix: str) -> str:
    if prefix and name.startswith("item."):
        return prefix + "." + name[5:]
    return name


def _holds(op: str, left: Decimal, right: Decimal, tolerance: Decimal) -> bool:
    if op == "=":
        return abs(left - right) <= tolerance
    if op == "≠":
        return abs(left - right) > tolerance
    if op == "≤":
        return left <= right + tolerance
    if op == "≥":
        return left + tolerance >= right
    if op == "<":
        return left < right
    return left > right


def _show_diff(left: Decimal, right: Decimal) -> str:
    diff = abs(left - right)
    if isinstance(left, Percent) or isinstance(right, Percent):
        return format_percent(diff)
    return show(diff)


def _matches(value: Any, allowed: list[Any]) -> bool:
    return any(_match_one(value, want) for want in allowed)


def _match_one(value: Any, want: Any) -> bool:
    if isinstance(want, str) and want in _PREDICATES:
        if want == "is_blank":
            return value is None or (isinstance(value, str) and not value.strip())
        if want == "is_text":
            return isinstance(value, str) and bool(value.strip()) and _number(value) is None
        if want == "is_percent":
            return isinstance(value, Percent)
        if want == "is_plain_number":
            return isinstance(value, Decimal) and not isinstance(value, Percent)
        return _number(value) is not None  # is_number
    if isinstance(want, bool) or isinstance(value, bool):
        return type(value) is type(want) and value == want
    if isinstance(value, Decimal) and not isinstance(want, str):
        return _number(want) == value
    return bool(value == want)


@cache
def _amount_plan(model: type[BaseModel]) -> tuple[tuple[tuple[str, bool], ...], tuple[str, ...]]:
    """(amount fields with their ``signed`` flag, fields that may hold nested models)."""
    amounts = amount_fields(model)
    nested = tuple(
        name
        for name, info in model.model_fields.items()
        if name not in amounts and _holds_models(info.annotation)
    )
    return tuple((name, marker.signed) for name, marker in amounts.items()), nested


def _holds_models(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_models(arg) for arg in getattr(annotation, "__args__", ()) or ())


def negative_amounts(facts: BaseModel, prefix: str = "") -> Iterator[tuple[str, Decimal]]:
    """(field path, value) of every amount below zero that is not allowed to be negative."""
    amounts, nested = _amount_plan(type(facts))
    for name, signed in amounts:
        if signed:
            continue
        value = getattr(facts, name)
        if value is None:
            continue
        path = f"{prefix}.{name}" if prefix else name
        items = value.items() if isinstance(value, dict) else ((None, value),)
        for key, item in items:
            if isinstance(item, Decimal) and item < 0:
                yield (path if key is None else f"{path}.{key}"), item
    for name in nested:
        value = getattr(facts, name)
        if value:
            yield from _nested_negatives(value, f"{prefix}.{name}" if prefix else name)


def _nested_negatives(value: Any, path: str) -> Iterator[tuple[str, Decimal]]:
    if isinstance(value, BaseModel):
        yield from negative_amounts(value, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nested_negatives(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, BaseModel):
                yield from negative_amounts(item, f"{path}.{key}")


_DEFAULT_MESSAGES: dict[str, str] = {
    "sum": "{title}不成立：{parts}={sum}，{total_label}为{total}，相差{diff}",
    "compare": "{title}不成立：{left_label}{left_value}，{right_label}{right_value}",
    "ratio": "{title}：{numerator}/{denominator}={times}倍，超出合理范围",
    "each": "{title}：「{item}」",
    "monotonic": "{series}下降：{first}为{first_value}，{second}为{second_value}",
    "range": "{field}为{value}，超出合理范围",
    "amounts_non_negative": "{field}为{value}：金额不得为负数（{path}）",
}
