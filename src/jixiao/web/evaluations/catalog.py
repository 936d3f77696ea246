"""The data-entry sections: which facts each form shows, how inputs are read, what labels mean.

Static sections cover the ``UnitYear`` model (budget, execution, 三公, staffing, projects, targets,
key tasks, satisfaction …); framework sections (checklists, judgments, issues, extra figures,
given scores) are built from the rules of the pinned framework.  A block reads its inputs into
new values for the document paths it owns (its *roots*); validation and scoring happen later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import QueryDict

from jixiao.engine import CompiledFramework
from jixiao.engine.numbers import HUNDRED, format_number, parse_decimal
from jixiao.engine.rules import RULE_KINDS, parse_rule
from jixiao.web.evaluations import documents
from jixiao.web.evaluations.documents import MISSING, get_path, join, tokens

NUMBER_KINDS = ("number", "amount", "percent", "count")


@dataclass(frozen=True)
class Field:
    key: str  # full path (fields blocks) or column key (rows blocks)
    label: str
    # amount | number | count | percent | date | text | textarea | choice | bool | textlist
    kind: str = "amount"
    choices: tuple[str, ...] = ()
    help: str = ""
    required: bool = False


@dataclass
class Parsed:
    """What a block read from a form: new values per root path, and problems per input name."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)


def read_value(raw: str, kind: str, name: str, parsed: Parsed) -> Any:
    """One input → its JSON value (``MISSING`` when blank); errors and warnings go to ``parsed``."""
    text = raw.strip()
    if text == "":
        return MISSING
    if kind in NUMBER_KINDS:
        try:
            number = parse_decimal(text)
        except ValueError as exc:
            parsed.errors[name] = str(exc)
            return MISSING
        if kind == "percent":
            # The field is labelled (%): 64 means 64%; "64%" is accepted too.
            typed_percent = text.endswith(("%", "％"))
            hundred = (number * HUNDRED).normalize() if typed_percent else number
            if Decimal(0) < abs(hundred) <= Decimal("1.5"):
                parsed.warnings[name] = (
                    f"按{format_number(hundred)}%计；如指{format_number(hundred * HUNDRED)}%，"
                    f"请填{format_number(hundred * HUNDRED)}"
                )
            return format(hundred, "f") + "%"
        if kind == "count" and number != number.to_integral_value():
            parsed.errors[name] = f"「{text}」应为整数"
            return MISSING
        if kind in ("amount", "count") and number < 0:
            parsed.warnings[name] = "数值为负，请核对"
        return format(number, "f")  # as typed (trailing zeros kept: explanations quote them)
    if kind == "bool":
        return {"1": True, "0": False}.get(text, MISSING)
    if kind == "date":
        import datetime as _dt

        try:
            return _dt.date.fromisoformat(text.replace("/", "-")).isoformat()
        except ValueError:
            parsed.errors[name] = f"「{text}」不是日期（应为 2021-03-31 这样的格式）"
            return MISSING
    if kind == "textlist":
        return [p.strip() for p in re.split(r"[、,，;；\n]", text) if p.strip()]
    return text


def show_value(value: Any, kind: str) -> str:
    """A stored JSON value as the text an input shows."""
    if value is None or value is MISSING:
        return ""
    if kind == "percent" and isinstance(value, str) and value.endswith("%"):
        return value[:-1]
    if kind == "percent":
        try:
            return format_number(parse_decimal(value) * HUNDRED)
        except ValueError:
            return str(value)
    if kind == "bool":
        return {True: "1", False: "0"}.get(value, "")
    if kind == "textlist" and isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def kept(overlay: QueryDict | None, name: str, stored: str) -> str:
    """What an input shows: the user's own text when re-showing a refused form, else stored."""
    if overlay is not None and name in overlay:
        return str(overlay.get(name, ""))
    return stored


# --- blocks ----------------------------------------------------------------------------------


@dataclass
class Block:
    title: str
    help: str = ""
    template: str = ""

    def roots(self) -> list[str]:
        raise NotImplementedError

    def parse(self, data: QueryDict, doc: dict[str, Any]) -> Parsed:
        raise NotImplementedError

    def paths(self, doc: dict[str, Any]) -> list[str]:
        """Input names (= document paths) this block shows; used for notes and evidence."""
        return self.roots()

    def view(self, doc: dict[str, Any], overlay: QueryDict | None = None) -> Any:
        """What the block's template shows."""
        raise NotImplementedError


@dataclass
class FieldsBlock(Block):
    fields: list[Field] = field(default_factory=list)
    template: str = "evaluations/blocks/fields.html"

    def roots(self) -> list[str]:
        return [f.key for f in self.fields]

    def parse(self, data: QueryDict, doc: dict[str, Any]) -> Parsed:
        parsed = Parsed()
        for f in self.fields:
            if f.key not in data:
                continue
            value = read_value(data.get(f.key, ""), f.kind, f.key, parsed)
            if value is MISSING and f.required and f.key not in parsed.errors:
                parsed.errors[f.key] = "必填"
            if f.key not in parsed.errors:
                parsed.values[f.key] = value
        return parsed

    def view(self, doc: dict[str, Any], overlay: QueryDict | None = None) -> Any:
        return [
            {
                "field": f,
                "name": f.key,
                "value": kept(overlay, f.key, show_value(get_path(doc, f.key), f.kind)),
            }
            for f in self.fields
        ]


@dataclass
class GridBlock(Block):
    """A table of amounts: rows are parts (基本支出…), columns are stages (年初预算…)."""

    row_parts: list[tuple[str, str]] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)
    template: str = "evaluations/blocks/grid.html"

    def roots(self) -> list[str]:
        return [f"{prefix}.{key}" for prefix, _ in self.row_parts for key, _ in self.columns]

    def parse(self, data: QueryDict, doc: dict[str, Any]) -> Parsed:
        parsed = Parsed()
        for path in self.roots():
            if path in data:
                value = read_value(data.get(path, ""), "amount", path, parsed)
                if path not in parsed.errors:
                    parsed.values[path] = value
        return parsed

    def view(self, doc: dict[str, Any], overlay: QueryDict | None = None) -> Any:
        return [
            {
                "label": label,
                "cells": [
                    {
                        "name": f"{prefix}.{key}",
                        "label": f"{label}·{col_label}",
                        "value": kept(
                            overlay,
                            f"{prefix}.{key}",
                            show_value(get_path(doc, f"{prefix}.{key}"), "amount"),
                        ),
                    }
                    for key, col_label in self.columns
                ],
            }
            for prefix, label in self.row_parts
        ]


@dataclass
class PairsBlock(Block):
    """A mapping of names to numbers (编制按类型, extra figures…): one row per name, plus blanks."""

    root: str = ""
    kind: str = "count"
    key_label: str = "类别"
    value_label: str = "人数"
    suggested: tuple[str, ...] = ()
    blanks: int = 2
    template: str = "evaluations/blocks/pairs.html"

    def roots(self) -> list[str]:
        return [self.root]

    def parse(self, data: QueryDict, doc: dict[str, Any]) -> Parsed:
        parsed = Parsed()
        if f"{self.root}.__present" not in data:
            return parsed
        mapping: dict[str, Any] = {}
        for index in range(int(data.get(f"{self.root}.__rows", "0") or 0)):
            key = data.get(f"{self.root}.__key{index}", "").strip()
            name = f"{self.root}.__value{index}"
            value = read_value(data.get(name, ""), self.kind, name, parsed)
            if key and value is not MISSING:
                if key in mapping:
                    parsed.errors[name] = f"「{key}」重复"
                mapping[key] = value
            elif value is not MISSING and not key:
                parsed.errors[f"{self.root}.__key{index}"] = f"请填写{self.key_label}"
        parsed.values[self.root] = mapping
        return parsed

    def view(self, doc: dict[str, Any], overlay: QueryDict | None = None) -> Any:
        current = get_path(doc, self.root) or {}
        keys = list(current)
        keys += [k for k in self.suggested if k not in current]
        keys += [""] * self.blanks
        if overlay is not None and f"{self.root}.__rows" in overlay:
            count = int(overlay.get(f"{self.root}.__rows", "0") or 0)
            keys = [str(overlay.get(f"{self.root}.__key{i}", "")) for i in range(count)]
        return [
            {
                "index": i,
                "key": key,
                "value": kept(
                    overlay,
                    f"{self.root}.__value{i}",
                    show_value(current.get(key), self.kind) if key else "",
                ),
                "path": join([*tokens(self.root), key]) if key else "",
            }
            for i, key in enumerate(keys)
        ]


@dataclass
class NamedPartsBlock(Block):
    """Named parts, each with several amounts (资金来源、功能分类、“三公”分项 …)."""

    root: str = ""
    columns: list[tuple[str, str]] = field(default_factory=list)
    key_label: str = "名称"
    suggested: tuple[str, ...] = ()
    blanks: int = 2
    template: str = "evaluations/blocks/named_parts.html"

    def roots(self) -> list[str]:
        return [self.root]

    def parse(self, data: QueryDict, doc: dict[str, Any]) -> Parsed:
        parsed = Parsed()
        if f"{self.root}.__present" not in data:
            return parsed
        current = get_path(doc, self.root) or {}
        shown = {key for key, _ in self.columns}
        mapping: dict[str, Any] = {}
        for index in range(int(data.get(f"{self.root}.__rows", "0") or 0)):
            key = data.get(f"{self.root}.__key{index}", "").strip()
            old_key = data.get(f"{self.root}.__old{index}", "").strip()
            base = current.get(old_key) if isinstance(current.get(old_key), dict) else {}
            part: dict[str, Any] = {k: v for k, v in (base or {}).items() if k not in shown}
            for col, _ in self.columns:
                name = f"{self.root}.__{col}{index}"
                value = read_value(data.get(name, ""), "amount", name, parsed)
                if value is not MISSING:
                    part[col] = value
            if not key:
                if any(k in shown for k in part):
                    parsed.errors[f"{self.root}.__key{index}"] = f"请填写{self.key_label}"
                continue
            if not any(k in shown for k in part):
                continue
            if key in mapping:
                parsed.errors[f"{self.root}.__key{index}"] = f"「{key}」重复"
            mapping[key] = part
        parsed.values[self.root] = mapping
        return parsed

    def view(self, doc: dict[str, Any], overlay: QueryDict | None = None) -> Any:
        current = get_path(doc, self.root) or {}
        keys = list(current)
        keys += [k for k in self.suggested if k not in current]
        keys += [""] * self.blanks
        if overlay is not None and f"{self.root}.__rows" in overlay:
            count = int(overlay.get(f"{self.root}.__rows", "0") or 0)
            keys = [str(overlay.get(f"{self.root}.__old{i}", "")) for i in range(count)]
        rows = []
        for i, key in enumerate(keys):
            part = current.get(key) or {} if key else {}
            rows.append(
                {
                    "index": i,
                    "old": key,
                    "key": kept(overlay, f"{self.root}.__key{i}", key),
                    "path": join([*tokens(self.root), key]) if key else "",
                    "cells": [
                        {
                            "name": f"{self.root}.__{col}{i}",
                            "label": label,
                            "value": kept(
                                overlay,
                                f"{self.root}.__{col}{i}",
                                show_value(part.get(col), "amount"),
                            ),
                        }
                        for col, label in self.columns
                    ],
                }
            )
        return rows


@dataclass
class RowsBlock(Block):
    """A list of records (projects, targets, key tasks): existing rows plus blank ones."""

    root: str = ""
    columns: list[Field] = field(default_factory=list)
    name_key: str = "name"
    blanks: int = 3
    template: str = "evaluations/blocks/rows.html"

    def roots(self) -> list[str]:
        return [self.root]

    def parse(self, data: QueryDict, doc: dict[str, Any]) -> Parsed:
        parsed = Parsed()
        if f"{self.root}.__present" not in data:
            return parsed
        rows: list[dict[str, Any]] = []
        current = get_path(doc, self.root) or []
        shown = {c.key for c in self.columns}
        total = int(data.get(f"{self.root}.__rows", "0") or 0)
        for index in range(total):
            if data.get(f"{self.root}[{index}].__delete"):
                continue
            base = (
                current[index] if index < len(current) and isinstance(current[index], dict) else {}
            )
            # keys the form does not show (sub-projects, printed scores …) are kept as they were
            row: dict[str, Any] = {k: v for k, v in base.items() if k not in shown}
            for col in self.columns:
                name = f"{self.root}[{index}].{col.key}"
                value = read_value(data.get(name, ""), col.kind, name, parsed)
                if value is not MISSING:
                    row[col.key] = value
            if not any(k in shown for k in row) and not row:
                continue
            if not any(k in shown for k in row):
                parsed.errors[f"{self.root}[{index}].{self.name_key}"] = "请填写名称，或勾选删除"
                rows.append(row)
                continue
            if not row.get(self.name_key):
                parsed.errors[f"{self.root}[{index}].{self.name_key}"] = "请填写名称"
            rows.append(row)
        parsed.values[self.root] = rows
        return parsed

    def view(self, doc: dict[str, Any], overlay: QueryDict | None = None) -> Any:
        current = get_path(doc, self.root) or []
        rows = [*current, *([{}] * self.blanks)]
        if overlay is not None and f"{self.root}.__rows" in overlay:
            count = int(overlay.get(f"{self.root}.__rows", "0") or 0)
            rows = [*rows, *([{}] * max(0, count - len(rows)))][: max(count, len(rows))]
        return [
            {
                "index": i,
                "path": f"{self.root}[{i}]",
                "blank": i >= len(current),
                "delete": overlay is not None and bool(overlay.get(f"{self.root}[{i}].__delete")),
                "cells": [
                    {
                        "field": col,
                        "name": f"{self.root}[{i}].{col.key}",
                        "value": kept(
                            overlay,
                            f"{self.root}[{i}].{col.key}",
                            show_value(row.get(col.key), col.kind),
                        ),
                    }
                    for col in self.columns
                ],
            }
            for i, row in enumerate(rows)
        ]

    def paths(self, doc: dict[str, Any]) -> list[str]:
        current = get_path(doc, self.root) or []
        return [self.root] + [f"{self.root}[{i}]" for i in range(len(current))]


@dataclass
class ChecklistBlock(Block):
    """评价要点 of one checklist rule: each point answered 符合/不符合."""

    fact: str = ""
    indicator: str = ""
    items: list[dict[str, Any]] = field(default_factory=list)
    mode: str = "award"
    template: str = "evaluations/blocks/checklist.html"

    def roots(self) -> list[str]:
        return [self.fact]

    def _keyed(self) -> bool:
        return any(item.get("key") for item in self.items)

    def parse(self, data: QueryDict, doc: dict[str, Any]) -> Parsed:
        parsed = Parsed()
        if f"{self.fact}.__present" not in data:
            return parsed
        answers: list[Any] = []
        for index, _ in enumerate(self.items):
            answers.append(read_value(data.get(f"{self.fact}[{index}]", ""), "bool", "", parsed))
        if all(a is MISSING for a in answers):
            parsed.values[self.fact] = MISSING
        elif any(a is MISSING for a in answers):
            missing = [str(i + 1) for i, a in enumerate(answers) if a is MISSING]
            parsed.errors[self.fact] = f"请逐项作答（第{'、'.join(missing)}项未答）"
        elif self._keyed():
            parsed.values[self.fact] = {
                str(item.get("key") or index): answer
                for index, (item, answer) in enumerate(zip(self.items, answers, strict=True))
            }
        else:
            parsed.values[self.fact] = answers
        return parsed

    def view(self, doc: dict[str, Any], overlay: QueryDict | None = None) -> Any:
        current = get_path(doc, self.fact)
        out = []
        for index, item in enumerate(self.items):
            if isinstance(current, list):
                value = current[index] if index < len(current) else None
            elif isinstance(current, dict):
                value = current.get(str(item.get("key") or index))
            else:
                value = None
            out.append(
                {
                    "index": index,
                    "text": item.get("text", ""),
                    "name": f"{self.fact}[{index}]",
                    "value": kept(overlay, f"{self.fact}[{index}]", show_value(value, "bool")),
                }
            )
        return out


@dataclass
class JudgmentBlock(Block):
    """A graded judgment: pick a level (and a score when the level is a range)."""

    fact: str = ""
    indicator: str = ""
    levels: list[dict[str, Any]] = field(default_factory=list)
    template: str = "evaluations/blocks/judgment.html"

    def roots(self) -> list[str]:
        return [self.fact]

    def _ranged(self, level: str) -> bool:
        return any(lv["level"] == level and lv.get("range") for lv in self.levels)

    def parse(self, data: QueryDict, doc: dict[str, Any]) -> Parsed:
        parsed = Parsed()
        if self.fact not in data:
            return parsed
        level = data.get(self.fact, "").strip()
        if not level:
            parsed.values[self.fact] = MISSING
            return parsed
        if level not in {lv["level"] for lv in self.levels}:
            parsed.errors[self.fact] = f"「{level}」不是可选等级"
            return parsed
        if self._ranged(level):
            name = f"{self.fact}.__score"
            score = read_value(data.get(name, ""), "number", name, parsed)
            if score is MISSING:
                parsed.errors.setdefault(name, "该等级对应分值区间，请填写具体得分")
                return parsed
            parsed.values[self.fact] = {"level": level, "score": score}
        else:
            parsed.values[self.fact] = level
        return parsed

    def view(self, doc: dict[str, Any], overlay: QueryDict | None = None) -> Any:
        value = get_path(doc, self.fact)
        level, score = ("" if value is None else str(value)), ""
        if isinstance(value, dict):
            level, score = str(value.get("level", "")), show_value(value.get("score"), "number")
        return {
            "level": kept(overlay, self.fact, level),
            "score": kept(overlay, f"{self.fact}.__score", score),
            "ranged": any(lv.get("range") for lv in self.levels),
            "levels": [
                {
                    "level": lv["level"],
                    "describe": (
                        f"{lv['score']}分"
                        if lv.get("score") is not None
                        else f"{lv['range'][0]}-{lv['range'][1]}分"
                    ),
                }
                for lv in self.levels
            ],
        }


@dataclass
class IssuesBlock(Block):
    """Problems found for one issue-deduction rule: text and (optionally) its own deduction."""

    fact: str = ""
    indicator: str = ""
    deduct: str = "1"
    blanks: int = 2
    template: str = "evaluations/blocks/issues.html"

    def roots(self) -> list[str]:
        return [self.fact]

    def parse(self, data: QueryDict, doc: dict[str, Any]) -> Parsed:
        parsed = Parsed()
        if f"{self.fact}.__present" not in data:
            return parsed
        state = data.get(f"{self.fact}.__state", "")
        if state == "unknown":
            parsed.values[self.fact] = MISSING
            return parsed
        issues: list[Any] = []
        for index in range(int(data.get(f"{self.fact}.__rows", "0") or 0)):
            text = data.get(f"{self.fact}[{index}].text", "").strip()
            name = f"{self.fact}[{index}].deduct"
            deduct = read_value(data.get(name, ""), "number", name, parsed)
            if not text:
                if deduct is not MISSING:
                    parsed.errors[f"{self.fact}[{index}].text"] = "请填写问题"
                continue
            issues.append(text if deduct is MISSING else {"text": text, "deduct": deduct})
        parsed.values[self.fact] = issues
        return parsed

    def view(self, doc: dict[str, Any], overlay: QueryDict | None = None) -> Any:
        current = get_path(doc, self.fact)
        state = kept(overlay, f"{self.fact}.__state", "unknown" if current is None else "answered")
        items: list[Any] = list(current or [])
        slots = [*items, *([None] * self.blanks)]
        if overlay is not None and f"{self.fact}.__rows" in overlay:
            count = int(overlay.get(f"{self.fact}.__rows", "0") or 0)
            slots = [*slots, *([None] * max(0, count - len(slots)))]
        out = []
        for index, item in enumerate(slots):
            text, deduct = "", ""
            if isinstance(item, dict):
                text, deduct = str(item.get("text", "")), show_value(item.get("deduct"), "number")
            elif item is not None:
                text = str(item)
            out.append(
                {
                    "index": index,
                    "text": kept(overlay, f"{self.fact}[{index}].text", text),
                    "deduct": kept(overlay, f"{self.fact}[{index}].deduct", deduct),
                }
            )
        return {"state": state, "rows": out}


@dataclass
class GivenBlock(Block):
    """Scores given by judgment (评价人给分: score, reason, source) and 不适用 reasons per leaf."""

    leaves: list[dict[str, Any]] = field(default_factory=list)
    template: str = "evaluations/blocks/given.html"

    def roots(self) -> list[str]:
        codes = [leaf["code"] for leaf in self.leaves]
        return [join(["given", c]) for c in codes] + [join(["not_applicable", c]) for c in codes]

    def parse(self, data: QueryDict, doc: dict[str, Any]) -> Parsed:
        parsed = Parsed()
        for leaf in self.leaves:
            code = leaf["code"]
            base = join(["given", code])
            if f"{base}.score" not in data:
                continue
            score = read_value(data.get(f"{base}.score", ""), "number", f"{base}.score", parsed)
            reason = data.get(f"{base}.reason", "").strip()
            source = data.get(f"{base}.source", "").strip()
            if score is MISSING:
                if (reason or source) and f"{base}.score" not in parsed.errors:
                    parsed.errors[f"{base}.score"] = "已填理由或依据，请填写得分（或清空理由）"
                parsed.values[base] = MISSING
            else:
                if Decimal(score) > leaf["max"] or Decimal(score) < 0:
                    parsed.errors[f"{base}.score"] = f"得分应在0-{format_number(leaf['max'])}之间"
                if not reason:
                    parsed.errors[f"{base}.reason"] = "给分须注明理由"
                if not source:
                    parsed.errors[f"{base}.source"] = "给分须注明依据（如报告章节、佐证材料）"
                parsed.values[base] = {"score": score, "reason": reason, "source": source}
            na = join(["not_applicable", code])
            reason_na = data.get(na, "").strip()
            parsed.values[na] = reason_na if reason_na else MISSING
        return parsed

    def view(self, doc: dict[str, Any], overlay: QueryDict | None = None) -> Any:
        out = []
        for leaf in self.leaves:
            code = leaf["code"]
            base = join(["given", code])
            na_name = join(["not_applicable", code])
            given = get_path(doc, base) or {}
            out.append(
                {
                    **leaf,
                    "max_text": format_number(leaf["max"]),
                    "base": base,
                    "na_name": na_name,
                    "score": kept(
                        overlay, f"{base}.score", show_value(given.get("score"), "number")
                    ),
                    "reason": kept(overlay, f"{base}.reason", given.get("reason", "")),
                    "source": kept(overlay, f"{base}.source", given.get("source", "")),
                    "na": kept(overlay, na_name, get_path(doc, na_name) or ""),
                }
            )
        return out


# --- sections --------------------------------------------------------------------------------


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Block]
    help: str = ""

    def roots(self) -> list[str]:
        return [root for block in self.blocks for root in block.roots()]

    def parse(self, data: QueryDict, doc: dict[str, Any]) -> Parsed:
        merged = Parsed()
        for block in self.blocks:
            parsed = block.parse(data, doc)
            merged.values.update(parsed.values)
            merged.errors.update(parsed.errors)
            merged.warnings.update(parsed.warnings)
        return merged

    def apply(self, doc: dict[str, Any], parsed: Parsed) -> dict[str, Any]:
        """A copy of ``doc`` with the parsed values in place (invalid inputs leave old values)."""
        import copy

        new = copy.deepcopy(doc)
        for path, value in parsed.values.items():
            documents.set_path(new, path, value)
        _prune(new)
        return new


def _prune(doc: dict[str, Any]) -> None:
    """Drop mappings left empty under ``given``/``not_applicable`` by removals."""
    for key in ("given", "not_applicable"):
        if isinstance(doc.get(key), dict):
            doc[key] = {k: v for k, v in doc[key].items() if v not in ({}, None, "")}


AMOUNT_HELP = "金额单位见“基本信息”中的金额单位（元或万元）"
BUDGET_PARTS = [
    ("budget.basic", "基本支出"),
    ("budget.personnel", "其中：人员经费"),
    ("budget.public_funds", "其中：公用经费"),
    ("budget.project", "项目支出"),
]
STAGES = [
    ("initial", "年初预算"),
    ("adjusted", "调整后预算"),
    ("actual", "实际支出"),
    ("prior_year_actual", "上年实际"),
]
MONTHS = ("m3", "m6", "m9", "m12")
MONTH_LABELS = {"m3": "3月", "m6": "6月", "m9": "9月", "m12": "12月"}
LEVELS = ("省", "市", "县", "区", "州")
COMPARATORS = ("≥", "≤", "=", ">", "<", "定性")

STATIC_SECTIONS: list[Section] = [
    Section(
        "unit",
        "基本信息",
        [
            FieldsBlock(
                "单位",
                fields=[
                    Field("unit.name", "单位名称", "text", required=True),
                    Field("unit.code", "单位编码", "text"),
                    Field("unit.level", "行政层级", "choice", LEVELS),
                    Field("unit.department", "主管部门", "text"),
                    Field("unit.internal_bodies", "内设机构", "textlist", help="以顿号分隔"),
                    Field("amount_unit", "金额单位", "choice", ("万元", "元"), required=True),
                    Field("subject", "评价对象（项目自评时填项目名称）", "text"),
                ],
            ),
            FieldsBlock(
                "年度总体目标",
                fields=[
                    Field("overall_goal.planned", "年度总体目标（预期）", "textarea"),
                    Field("overall_goal.achieved", "实际完成情况", "textarea"),
                ],
            ),
        ],
    ),
    Section(
        "budget",
        "预算收支",
        [
            FieldsBlock(
                "部门预算",
                help=AMOUNT_HELP,
                fields=[
                    Field("budget.revenue", "预算收入"),
                    Field("budget.initial", "年初预算数"),
                    Field("budget.adjusted", "调整后预算数（全年预算）"),
                    Field("budget.actual", "实际支出数（决算）"),
                    Field("budget.prior_year_actual", "上年实际支出"),
                    Field("budget.adjustment", "预算调整数（调减为负）", "number"),
                    Field(
                        "budget.adjustment_excluded",
                        "不计入调整率的调整数（政策、不可抗力等）",
                        "number",
                    ),
                    Field("budget.note", "执行偏差原因", "text"),
                ],
            ),
            GridBlock("支出结构", row_parts=BUDGET_PARTS, columns=STAGES),
            NamedPartsBlock(
                "资金来源（按资金性质）",
                root="budget.funds",
                columns=STAGES,
                suggested=("本年财政拨款", "上年结转资金", "其他资金"),
            ),
            NamedPartsBlock(
                "收入来源（按财政级次）", root="budget.revenue_sources", columns=STAGES
            ),
            NamedPartsBlock("支出功能分类", root="budget.functions", columns=STAGES),
        ],
    ),
    Section(
        "execution",
        "支付进度",
        [
            FieldsBlock(
                "实际支付进度（%）",
                fields=[
                    Field(f"execution.progress.{m}", f"{MONTH_LABELS[m]}实际支付进度", "percent")
                    for m in MONTHS
                ],
            ),
            FieldsBlock(
                "既定（序时）支付进度（%）",
                fields=[
                    Field(
                        f"execution.planned_progress.{m}",
                        f"{MONTH_LABELS[m]}既定支付进度",
                        "percent",
                    )
                    for m in MONTHS
                ],
            ),
            FieldsBlock(
                "累计支出金额",
                help=AMOUNT_HELP,
                fields=[
                    Field(f"execution.cumulative_spend.{m}", f"截至{MONTH_LABELS[m]}累计支出")
                    for m in MONTHS
                ],
            ),
        ],
    ),
    Section(
        "three_public",
        "“三公”经费",
        [
            FieldsBlock(
                "“三公”经费合计",
                help=AMOUNT_HELP,
                fields=[
                    Field("three_public.budget", "本年预算数"),
                    Field("three_public.actual", "本年实际支出"),
                    Field("three_public.prior_year_budget", "上年预算数"),
                    Field("three_public.prior_year_actual", "上年实际支出"),
                ],
            ),
            NamedPartsBlock(
                "分项",
                root="three_public.parts",
                columns=[
                    ("initial", "预算数"),
                    ("adjusted", "调整后预算"),
                    ("actual", "实际支出"),
                    ("prior_year_actual", "上年实际"),
                ],
                suggested=("因公出国（境）费", "公务用车购置及运行费", "公务接待费"),
                blanks=0,
            ),
        ],
    ),
    Section(
        "spending",
        "公用经费、采购、资产、结转",
        [
            FieldsBlock(
                "日常公用经费与政府采购",
                help=AMOUNT_HELP,
                fields=[
                    Field("public_funds.budget", "日常公用经费预算数"),
                    Field("public_funds.actual", "日常公用经费实际支出"),
                    Field("public_funds.prior_year_actual", "日常公用经费上年实际"),
                    Field("procurement.budget", "政府采购预算数"),
                    Field("procurement.actual", "政府采购实际支出"),
                    Field("procurement.prior_year_actual", "政府采购上年实际"),
                ],
            ),
            FieldsBlock(
                "固定资产与结转结余",
                help=AMOUNT_HELP,
                fields=[
                    Field("fixed_assets.total", "固定资产总额"),
                    Field("fixed_assets.in_use", "在用固定资产总额"),
                    Field("fixed_assets.prior_total", "上年末固定资产总额"),
                    Field("carry_over.current", "本年结转结余总额"),
                    Field("carry_over.prior", "上年结转结余总额"),
                ],
            ),
        ],
    ),
    Section(
        "staffing",
        "人员编制",
        [
            FieldsBlock(
                "人数",
                fields=[
                    Field("staffing.authorized", "核定编制数", "count"),
                    Field("staffing.on_payroll", "在编人数", "count"),
                    Field("staffing.in_post", "实际在职人数", "count"),
                    Field("staffing.outside", "编外人员（劳务派遣等）", "count"),
                ],
            ),
            PairsBlock(
                "核定编制（按类型）",
                root="staffing.authorized_by_type",
                suggested=("行政编制", "事业编制"),
            ),
            PairsBlock(
                "在编人数（按类型）",
                root="staffing.on_payroll_by_type",
                suggested=("行政编", "事业编"),
            ),
            PairsBlock(
                "编外人员（按类型）",
                root="staffing.outside_by_type",
                suggested=("编外聘用", "劳务派遣"),
            ),
        ],
    ),
    Section(
        "projects",
        "项目",
        [
            RowsBlock(
                "项目支出",
                help=AMOUNT_HELP + "；删除行请勾选“删除”后保存；子项目随所属项目保留",
                root="projects",
                columns=[
                    Field("name", "项目名称", "text"),
                    Field("code", "项目编码", "text"),
                    Field("initial_budget", "年初预算"),
                    Field("budget", "全年预算"),
                    Field("spent", "实际支出"),
                    Field("on_time", "按期完成", "bool"),
                ],
            )
        ],
    ),
    Section(
        "targets",
        "绩效目标",
        [
            RowsBlock(
                "绩效指标（年度指标值与实际完成值）",
                help="定量指标填比较符号与目标值；定性指标比较符号选“定性”并填达成等级",
                root="targets",
                columns=[
                    Field("level1", "一级指标", "text"),
                    Field("category", "二级指标", "text"),
                    Field("name", "三级指标（绩效指标）", "text"),
                    Field("comparator", "比较", "choice", COMPARATORS),
                    Field("target", "年度指标值", "text"),
                    Field("adjusted_target", "调整后指标值", "text"),
                    Field("unit", "计量单位", "text"),
                    Field("actual", "实际完成值", "text"),
                    Field("polarity", "方向", "choice", ("正向", "反向")),
                    Field("points", "分值", "number"),
                    Field("tier", "达成等级", "text"),
                    Field("deviation_reason", "偏差原因", "text"),
                    Field("project", "所属项目", "text"),
                    Field("core", "核心指标", "bool"),
                ],
            )
        ],
    ),
    Section(
        "key_tasks",
        "重点工作",
        [
            RowsBlock(
                "重点工作任务",
                root="key_tasks",
                columns=[
                    Field("name", "工作任务", "text"),
                    Field("planned", "计划目标", "text"),
                    Field("result", "完成情况", "text"),
                    Field("done", "已完成", "bool"),
                    Field("on_time", "按时完成", "bool"),
                ],
            )
        ],
    ),
    Section(
        "satisfaction",
        "满意度与信访",
        [
            FieldsBlock(
                "满意度调查",
                fields=[
                    Field("satisfaction.respondents", "有效问卷（受访）数", "count"),
                    Field("satisfaction.satisfied", "满意数", "count"),
                    Field("satisfaction.rate", "满意度（%）", "percent"),
                ],
            ),
            FieldsBlock(
                "群众信访",
                fields=[
                    Field("petitions.received", "受理件数", "count"),
                    Field("petitions.answered_on_time", "按时办结（答复）件数", "count"),
                    Field("petitions.answered", "办结件数", "count"),
                ],
            ),
        ],
    ),
    Section(
        "disclosure",
        "信息公开与说明",
        [
            FieldsBlock(
                "预决算与绩效信息公开日期",
                fields=[
                    Field("disclosure.budget", "部门预算公开日期", "date"),
                    Field("disclosure.final_accounts", "部门决算公开日期", "date"),
                    Field("disclosure.performance", "绩效评价结果公开日期", "date"),
                ],
            ),
            PairsBlock(
                "对核查提示的说明",
                help="数据核对提示“须说明”的，按提示中的规则编码写明原因（如支出大增的原因）",
                root="comments",
                kind="text",
                key_label="规则编码",
                value_label="说明",
            ),
        ],
    ),
]


_RULES_CACHE: dict[int, tuple[CompiledFramework, list[tuple[Any, Any]]]] = {}


def _rules(compiled: CompiledFramework) -> list[tuple[Any, Any]]:
    """(node, rule spec) for every leaf with a rule, composite parts included (cached)."""
    cached = _RULES_CACHE.get(id(compiled))
    if cached is not None and cached[0] is compiled:
        return cached[1]
    if len(_RULES_CACHE) > 64:
        _RULES_CACHE.clear()
    out = _parse_rules(compiled)
    _RULES_CACHE[id(compiled)] = (compiled, out)
    return out


def _parse_rules(compiled: CompiledFramework) -> list[tuple[Any, Any]]:
    out = []
    for node in compiled.walk():
        indicator = node.indicator
        if indicator is None or indicator.rule is None or node.children:
            continue
        spec = parse_rule(indicator.rule)
        out.append((node, spec))
        for part in getattr(spec, "parts", []) or []:
            rule = getattr(part, "rule", None)
            if isinstance(rule, dict):
                out.append((node, parse_rule(rule)))
    return out


def framework_sections(compiled: CompiledFramework, doc: dict[str, Any]) -> list[Section]:
    """Sections whose content the framework's rules decide."""
    checklists: list[Block] = []
    judgments: list[Block] = []
    issues: list[Block] = []
    extras: dict[str, str] = {}
    seen: set[str] = set()
    for node, spec in _rules(compiled):
        kind = spec.kind
        fact = getattr(spec, "fact", None)
        where = "/".join(node.path)
        if kind == "checklist" and fact and fact not in seen:
            seen.add(fact)
            checklists.append(
                ChecklistBlock(
                    node.name,
                    help=where,
                    fact=fact,
                    indicator=node.code,
                    items=[i.model_dump() for i in spec.items],
                    mode=spec.mode,
                )
            )
        elif kind == "judgment" and fact and fact not in seen:
            seen.add(fact)
            judgments.append(
                JudgmentBlock(
                    node.name,
                    help=where,
                    fact=fact,
                    indicator=node.code,
                    levels=[lv.model_dump(mode="json") for lv in spec.levels],
                )
            )
        elif kind == "issue_deduction" and fact and fact not in seen:
            seen.add(fact)
            issues.append(
                IssuesBlock(
                    node.name,
                    help=where,
                    fact=fact,
                    indicator=node.code,
                    deduct=format_number(spec.deduct),
                )
            )
        for name in spec.fact_names():
            if name.startswith("extra."):
                extras.setdefault(name, node.name)
    for name in doc.get("extra") or {}:
        extras.setdefault(f"extra.{name}", "")
    sections = []
    if checklists:
        sections.append(Section("checklists", "评价要点", checklists))
    if judgments:
        sections.append(Section("judgments", "等级判定", judgments))
    if issues:
        sections.append(
            Section(
                "issues",
                "发现问题",
                issues,
                help="逐项列出发现的问题；未发现问题请选择“已核查，未发现问题”。",
            )
        )
    if extras:
        fields = [
            Field(path, path.removeprefix("extra."), "number", help=f"用于：{used}" if used else "")
            for path, used in sorted(extras.items())
        ]
        sections.append(
            Section("extra", "其他数据", [FieldsBlock("本指标体系所需的其他数据", fields=fields)])
        )
    leaves = [
        {
            "code": node.code,
            "name": node.name,
            "path": "/".join(node.path),
            "max": node.weight,
            "kind": node.rule_kind,
            "standard": (node.indicator.standard if node.indicator else "") or "",
        }
        for node in compiled.walk()
        if not node.children
    ]
    sections.append(
        Section(
            "given",
            "评价人给分",
            [
                GivenBlock(
                    "按判断给分的指标",
                    help="无法由事实计算的指标，由评价人给分并注明理由和依据；不适用的指标填写不适用理由。",
                    leaves=leaves,
                )
            ],
        )
    )
    return sections


def sections_for(compiled: CompiledFramework, doc: dict[str, Any]) -> list[Section]:
    return [*STATIC_SECTIONS, *framework_sections(compiled, doc)]


def fact_names(compiled: CompiledFramework) -> set[str]:
    """Every fact name the framework's rules read."""
    names: set[str] = set()
    for _, spec in _rules(compiled):
        names |= set(spec.fact_names())
    return names


def rule_kind_label(kind: str) -> str:
    spec = RULE_KINDS.get(kind)
    return spec.summary if spec else kind


# --- labels for audit records ------------------------------------------------------------------

_STATIC_LABELS: dict[str, str] = {}
for _section in STATIC_SECTIONS:
    for _block in _section.blocks:
        if isinstance(_block, FieldsBlock):
            for _f in _block.fields:
                _STATIC_LABELS[_f.key] = _f.label
        elif isinstance(_block, GridBlock):
            for _prefix, _label in _block.row_parts:
                for _key, _col in _block.columns:
                    _STATIC_LABELS[f"{_prefix}.{_key}"] = f"{_label}·{_col}"
        elif isinstance(_block, RowsBlock | PairsBlock | NamedPartsBlock):
            _STATIC_LABELS[_block.root] = _block.title
            if isinstance(_block, RowsBlock):
                for _f in _block.columns:
                    _STATIC_LABELS[f"{_block.root}[].{_f.key}"] = _f.label
_STATIC_LABELS["year"] = "年度"
_FRAMEWORK_SECTIONS = {"checklists": "评价要点", "judgments": "等级判定", "issues": "发现问题"}


_PART_LABELS = {key: label for key, label in STAGES} | {
    "note": "说明",
    "budget": "预算",
    "actual": "实际",
}


def label_for(path: str, doc: dict[str, Any], compiled: CompiledFramework | None = None) -> str:
    """A Chinese label for an audit record: ``项目第2行「应急演练」·实际支出``."""
    if path in _STATIC_LABELS:
        return _STATIC_LABELS[path]
    parts = tokens(path)
    head = parts[0] if parts else ""
    if (
        head in ("projects", "targets", "key_tasks")
        and len(parts) >= 2
        and isinstance(parts[1], int)
    ):
        index = parts[1]
        row = get_path(doc, f"{head}[{index}]") or {}
        name = row.get("name") if isinstance(row, dict) else None
        title = {"projects": "项目", "targets": "绩效目标", "key_tasks": "重点工作"}[str(head)]
        where = f"{title}第{int(index) + 1}行" + (f"「{name}」" if name else "")
        if len(parts) >= 3:
            return f"{where}·{_STATIC_LABELS.get(f'{head}[].{parts[2]}', str(parts[2]))}"
        return where
    if head in ("given", "not_applicable") and len(parts) >= 2:
        node = compiled.node(str(parts[1])) if compiled is not None else None
        name = node.name if node else str(parts[1])
        what = {"score": "得分", "reason": "理由", "source": "依据"}.get(str(parts[-1]), "")
        if head == "given":
            return f"评价人给分「{name}」" + (f"·{what}" if len(parts) > 2 else "")
        return f"不适用「{name}」"
    if head in _FRAMEWORK_SECTIONS and len(parts) >= 2:
        fact = join(parts[:2])
        title = _FRAMEWORK_SECTIONS[str(head)]
        name = str(parts[1])
        if compiled is not None:
            for node, spec in _rules(compiled):
                if getattr(spec, "fact", None) == fact:
                    name = node.name
                    break
        suffix = f"·第{parts[2] + 1}项" if len(parts) > 2 and isinstance(parts[2], int) else ""
        return f"{title}「{name}」{suffix}"
    for cut in range(len(parts) - 1, 0, -1):
        prefix = join(parts[:cut])
        if prefix in _STATIC_LABELS:
            rest = [_PART_LABELS.get(str(p), str(p)) for p in parts[cut:]]
            return "·".join([_STATIC_LABELS[prefix], *rest])
    return path
