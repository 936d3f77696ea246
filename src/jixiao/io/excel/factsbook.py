"""The jixiao facts workbook: a unit-year's facts, one sheet per table, in and out of Excel.

``write_facts_workbook(path, case)`` writes the workbook (``case=None`` gives the blank,
documented template): a cover sheet 说明, then one sheet per table with a title row, a note
row, a locked header row with a comment on every header, drop-down lists for categories and
comparators, number formats, and frozen panes. ``read_facts_workbook(book)`` reads it back
into a ``Case`` with the facts' sources and the cell of every fact; it carries everything a
case holds (facts, given scores, not_applicable, claims, narrative, sources), so that
template → filled → import → export → import gives identical facts.

Headers are matched loosely (full-width characters, spaces, ``*`` marks and a unit in
brackets are ignored; columns may be moved and extra columns added); a unit in an amount
header (``年初预算（元）``) converts the column to the case's unit exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError
from xlsxwriter.worksheet import Worksheet

from jixiao.engine.loader import validation_problems
from jixiao.engine.numbers import Percent, format_number
from jixiao.engine.yamltext import YamlError, parse_yaml
from jixiao.facts.case import Case
from jixiao.facts.model import Project
from jixiao.facts.units import UNITS, convert, names_other_unit, parse_unit
from jixiao.io.excel import cells
from jixiao.io.excel.cells import CellError, header_key, is_blank, strip_unit
from jixiao.io.excel.problems import Problems
from jixiao.io.excel.reader import Book, Sheet, cell_ref
from jixiao.io.excel.writer import Styles, new_workbook, write_text, write_value
from jixiao.io.yamlout import dump_yaml

FACTS_MARK: Final = "jixiao 单位年度事实工作簿"
COVER: Final = "说明"
DATA_ROWS: Final = 500  # rows prepared with drop-downs and formats in the template
MAX_ROWS: Final = 200_000
MAX_TEXT: Final = 32_000

YES_NO: Final = ("是", "否")
_YES_NO_VALUES: Final = {"是": True, "否": False}
LEVELS: Final = ("省", "市", "县", "区", "州")
COMPARATORS: Final = ("≥", "≤", "=", ">", "<", "定性")
COMPARATOR_ALIASES: Final = {
    ">=": "≥",
    "=>": "≥",
    "大于等于": "≥",
    "不低于": "≥",
    "不少于": "≥",
    "<=": "≤",
    "=<": "≤",
    "小于等于": "≤",
    "不高于": "≤",
    "不超过": "≤",
    "等于": "=",
    "大于": ">",
    "小于": "<",
}
POLARITIES: Final = ("正向", "反向")
LEVEL1: Final = ("产出指标", "效益指标", "满意度指标", "成本指标")
CATEGORIES: Final = (
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
)
STAFF_KINDS: Final = ("核定编制", "在编", "实际在职", "编外")
BUDGET_ROWS: Final = ("支出合计", "基本支出", "人员经费", "公用经费", "项目支出")
BUDGET_KEYS: Final = {
    "支出合计": "",
    "基本支出": "basic",
    "人员经费": "personnel",
    "公用经费": "public_funds",
    "项目支出": "project",
}
THREE_PUBLIC_TOTAL: Final = "合计"
THREE_PUBLIC_PARTS: Final = ("因公出国（境）费", "公务用车购置及运行费", "公务接待费")
TOTAL_WORDS: Final = frozenset({"合计", "总计", "小计", "合 计", "总 计"})
_TOTAL_KEYS: Final = frozenset(w.replace(" ", "") for w in TOTAL_WORDS)
_MONTH = re.compile(r"^(?:m|M)?\s*(\d{1,2})\s*(?:月|月末|月份)?$")


# ------------------------------------------------------------------------------------ spec


class _Identity(dict[str, str]):
    """A field → column-key mapping where every field is its own column key."""

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return key


_SAME_FIELDS: Final = _Identity()


@dataclass(frozen=True, slots=True)
class Col:
    key: str
    header: str
    kind: str = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    note: str = ""
    width: float = 14
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class KvRow:
    path: str
    label: str
    kind: str = "text"
    note: str = ""
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(slots=True)
class Row:
    """One data row as read: the sheet's row of raw values and the column of each key."""

    number: int
    line: list[Any]
    cols: dict[str, int]
    sheet: str

    def raw(self, key: str) -> Any:
        c = self.cols.get(key)
        if c is None or c >= len(self.line):
            return ""
        return self.line[c]

    def blank(self, *keys: str) -> bool:
        wanted = keys or tuple(self.cols)
        return all(is_blank(self.raw(k)) for k in wanted)

    def cell(self, key: str) -> str:
        return cell_ref(self.number, self.cols.get(key, 0))


Pairs = list[tuple[Row, dict[str, Any]]]


class Locations(MutableMapping[str, str]):
    """Fact name → ``表!C12``. A table row is stored once (``projects[3]`` → its row and columns)
    and the cell of each of its fields (``projects[3].spent``) is worked out when asked for."""

    def __init__(self) -> None:
        self._data: dict[str, str] = {}
        self._rows: dict[str, tuple[str, int, dict[str, int], dict[str, str]]] = {}
        self._anchors: dict[str, str] = {}
        self._lists: dict[str, tuple[list[Row], str]] = {}

    def put_row(self, path: str, row: Row, fields: dict[str, str], anchor: str) -> None:
        """``path`` is at ``row``'s ``anchor`` column; ``path.<field>`` at the column ``fields[field]``."""
        self._rows[path] = (row.sheet, row.number, row.cols, fields)
        self._anchors[path] = anchor

    def put_list(self, prefix: str, rows: list[Row], anchor: str) -> None:
        """``prefix[i]`` is ``rows[i]`` (a long table's items, stored without a key each)."""
        self._lists[prefix] = (rows, anchor)

    def _listed(self, key: str) -> str | None:
        head, bracket, rest = key.partition("[")
        if not bracket or head not in self._lists:
            return None
        index_text, _, tail = rest.partition("]")
        if not index_text.isdigit() or (tail and not tail.startswith(".")):
            return None
        rows, anchor = self._lists[head]
        index = int(index_text)
        if index >= len(rows) or "[" in tail:
            return None
        row = rows[index]
        column = tail[1:] if tail else anchor
        if column not in row.cols:
            return None
        return f"{row.sheet}!{row.cell(column)}"

    def _lazy(self, key: str) -> str | None:
        listed = self._listed(key) if self._lists else None
        if listed is not None:
            return listed
        anchor = self._anchors.get(key)
        if anchor is not None:
            sheet, number, cols, _ = self._rows[key]
            return f"{sheet}!{cell_ref(number, cols.get(anchor, 0))}"
        head, dot, field_name = key.rpartition(".")
        if not dot or head not in self._rows:
            return None
        sheet, number, cols, fields = self._rows[head]
        column = fields.get(field_name)
        if column is None or column not in cols:
            return None
        return f"{sheet}!{cell_ref(number, cols[column])}"

    def __getitem__(self, key: str) -> str:
        found = self._data.get(key)
        if found is None:
            found = self._lazy(key)
            if found is None:
                raise KeyError(key)
        return found

    def __setitem__(self, key: str, value: str) -> None:
        self._data[key] = value

    def __delitem__(self, key: str) -> None:
        del self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data or (isinstance(key, str) and self._lazy(key) is not None)

    def __iter__(self) -> Iterator[str]:
        yield from self._data
        yield from self._anchors
        for prefix, (rows, _) in self._lists.items():
            yield from (f"{prefix}[{index}]" for index in range(len(rows)))

    def __len__(self) -> int:
        return len(self._data) + len(self._anchors) + sum(len(r) for r, _ in self._lists.values())


ExportFn = Callable[["Export"], list[dict[str, Any]]]
ImportFn = Callable[[Pairs, "Ctx"], None]


@dataclass(frozen=True, slots=True)
class Table:
    sheet: str
    title: str
    note: str
    columns: tuple[Col, ...]
    export: ExportFn
    load: ImportFn
    prefilled: str | None = (
        None  # the column the blank template fills in (rows with only it are skipped)
    )

    def column(self, key: str) -> Col:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True, slots=True)
class KvSheet:
    sheet: str
    title: str
    note: str
    rows: tuple[KvRow, ...]


# ------------------------------------------------------------------------------------ export side


@dataclass(slots=True)
class Export:
    case: Case | None
    sources: Mapping[str, str]

    @property
    def facts(self) -> Any:
        return self.case.facts if self.case is not None else None

    @property
    def unit(self) -> str:
        return self.case.facts.amount_unit if self.case is not None else "万元"


def _get(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = obj.get(part) if isinstance(obj, dict) else getattr(obj, part, None)
    return obj


# ------------------------------------------------------------------------------------ import side


@dataclass(slots=True)
class Ctx:
    """What an import builds: the raw case (as YAML would give it), sources and locations."""

    problems: Problems
    unit: str = "万元"
    raw: dict[str, Any] = field(default_factory=dict)
    locations: Locations = field(default_factory=Locations)
    sources: dict[str, str] = field(default_factory=dict)
    column_units: dict[tuple[str, str], str] = field(default_factory=dict)
    sheets: dict[str, Sheet] = field(default_factory=dict)

    @property
    def facts(self) -> dict[str, Any]:
        found: dict[str, Any] = self.raw.setdefault("facts", {})
        return found

    def problem(self, row: Row, key: str, code: str, message: str) -> None:
        self.problems.add(code, message, row.sheet, row.cell(key))

    def read(self, row: Row, col: Col) -> Any:
        """The typed value of ``row``'s cell in ``col`` (None when blank or unreadable)."""
        raw = row.raw(col.key)
        sheet = self.sheets.get(row.sheet)
        c = row.cols.get(col.key)
        if sheet is not None and c is not None:
            r = row.number
            if sheet.no_value or sheet.errors:
                trouble = sheet.cell_problem(r, c)
                if trouble is not None:
                    self.problem(row, col.key, *trouble)
                    return None
            fmt = sheet.format_of(r, c)
        else:
            fmt = None
        try:
            value = _read_kind(col.kind, raw, fmt, col)
        except CellError as exc:
            self.problem(row, col.key, exc.code, exc.reason)
            return None
        if value is None:
            if col.required:
                self.problem(row, col.key, "excel.required", f"「{col.header}」不能为空")
            return None
        if col.kind in ("amount", "signed_amount"):
            source_unit = self.column_units.get((row.sheet, col.key), self.unit)
            if source_unit != self.unit:
                value = _plain(convert(value, source_unit, self.unit))
        if isinstance(value, str) and len(value) > MAX_TEXT:
            self.problem(row, col.key, "excel.text_too_long", f"文字超过{MAX_TEXT}字")
            return None
        return value

    def column(self, sheet: Sheet, rows: list[Row], lines: list[list[Any]], col: Col) -> list[Any]:
        """One column of a table read at once: blank cells and plain numbers and text on a fast
        path, anything else (and every problem) through ``read``."""
        suspicious = bool(sheet.no_value or sheet.errors)
        c = rows[0].cols.get(col.key) if rows else None
        if c is None:
            if col.required:
                for row in rows:
                    self.problem(row, col.key, "excel.required", f"「{col.header}」不能为空")
            return [None] * len(rows)
        if suspicious:
            return [self.read(row, col) for row in rows]
        kind = col.kind
        amount = kind in ("amount", "signed_amount")
        converting = amount and self.column_units.get((sheet.name, col.key), self.unit) != self.unit
        values = [line[c] if c < len(line) else "" for line in lines]
        out: list[Any]
        if kind == "text":
            out = [
                (v.strip(" \t\u3000") or None) if type(v) is str and len(v) <= MAX_TEXT else _SLOW
                for v in values
            ]
        elif amount and not converting:
            formats = (
                sheet.column_formats(c, [row.number for row in rows])
                if sheet.styles
                else [None] * len(values)
            )
            out = _amount_column(values, formats)
        elif kind == "bool":
            out = [_YES_NO_VALUES.get(v, _SLOW) if type(v) is str else _SLOW for v in values]
        else:
            out = [None if type(v) is str and v == "" else _SLOW for v in values]
        for index, value in enumerate(out):
            if value is _SLOW or value is _NEGATIVE:
                out[index] = self.read(rows[index], col)
            elif value is None and col.required:
                self.problem(rows[index], col.key, "excel.required", f"「{col.header}」不能为空")
        return out

    def pairs(self, sheet: Sheet, rows: list[Row], table: Table) -> Pairs:
        lines = [row.line for row in rows]
        columns = [self.column(sheet, rows, lines, col) for col in table.columns]
        keys = [col.key for col in table.columns]
        return [
            (row, dict(zip(keys, values, strict=True)))
            for row, values in zip(rows, zip(*columns, strict=True), strict=True)
        ]

    def locate(self, path: str, row: Row, key: str) -> None:
        self.locations[path] = f"{row.sheet}!{row.cell(key)}"


_SLOW: Final = object()  # a cell the fast path leaves to ``Ctx.read``
_NEGATIVE: Final = object()


def _amount_column(values: list[Any], formats: list[Any]) -> list[Any]:
    """``_fast_amount`` for a whole column; a column with one format (the usual case) is read in
    a tight loop."""
    first = formats[0] if formats else None
    if not formats or any(f is not first for f in formats):
        return [_fast_amount(v, f) for v, f in zip(values, formats, strict=True)]
    if first is not None and first.percent:
        return [_SLOW if type(v) is float else _fast_amount(v, None) for v in values]
    places = first.decimals if first is not None else 0
    if not all(type(v) is float and v >= 0 for v in values):
        return [_fast_amount(v, first) for v in values]
    texts = list(map(repr, values))
    if any("e" in t or "n" in t for t in texts):
        return [_fast_amount(v, first) for v in values]
    if places:  # 1202.5 shown with 2 decimals is 1202.50 (a float's repr always has a point)
        texts = [t + "0" * (places - len(t) + t.index(".") + 1) for t in texts]
    else:
        texts = [t[:-2] if t.endswith(".0") else t for t in texts]
    return list(map(Decimal, texts))


def _fast_amount(value: Any, fmt: Any) -> Any:
    """A plain float cell as the Decimal it was typed as (``1202.5`` under a ``0.00`` format is
    ``1202.50``); anything else is left to the slow path."""
    if type(value) is not float:
        return None if type(value) is str and value == "" else _SLOW
    if value < 0:
        return _NEGATIVE
    text = repr(value)
    if "e" in text or "n" in text:
        return _SLOW
    if fmt is not None:
        if fmt.percent:
            return _SLOW
        places = fmt.decimals
        if places > 0:
            have = len(text) - text.index(".") - 1
            if have < places:
                text = f"{value:.{places}f}"
            return Decimal(text)
    if text.endswith(".0"):
        text = text[:-2]
    return Decimal(text)


def _plain(value: Decimal) -> Decimal:
    """A converted amount without trailing zeros the conversion added (257.000000 → 257)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Decimal(text)


def _read_yaml(raw: Any) -> Any:
    text = cells.read_text(raw)
    if text is None:
        return None
    try:
        return _plain_data(parse_yaml(text, "cell"))
    except YamlError as exc:
        raise CellError("excel.yaml", f"不是有效的 YAML：{exc.message}") from None


def _read_choice(raw: Any, col: Col) -> str | None:
    aliases = COMPARATOR_ALIASES if col.choices == COMPARATORS else None
    return cells.read_choice(raw, col.choices, aliases)


_READERS: Final[dict[str, Callable[[Any, Any, Col], Any]]] = {
    "text": lambda raw, fmt, col: cells.read_text(raw),
    "amount": lambda raw, fmt, col: cells.read_amount(raw, fmt),
    "signed_amount": lambda raw, fmt, col: cells.read_amount(raw, fmt, signed=True),
    "number": lambda raw, fmt, col: cells.read_number(raw, fmt),
    "count": lambda raw, fmt, col: cells.read_count(raw, fmt),
    "rate": lambda raw, fmt, col: cells.read_rate(raw, fmt),
    "value": lambda raw, fmt, col: cells.read_value(raw, fmt),
    "bool": lambda raw, fmt, col: cells.read_bool(raw),
    "date": lambda raw, fmt, col: cells.read_date(raw),
    "int": lambda raw, fmt, col: cells.read_int(raw),
    "choice": lambda raw, fmt, col: _read_choice(raw, col),
    "yaml": lambda raw, fmt, col: _read_yaml(raw),
}


def _read_kind(kind: str, raw: Any, fmt: Any, col: Col) -> Any:
    return _READERS[kind](raw, fmt, col)


def _plain_data(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_data(v) for v in value]
    return value


# ------------------------------------------------------------------------------------ tables


AMOUNT_NOTE = "金额；表头括号内的单位（元或万元）即本列数字的单位，导入时精确折算为案例的金额单位"


def _amount(key: str, header: str, note: str = "", signed: bool = False) -> Col:
    return Col(key, header, "signed_amount" if signed else "amount", note=note or AMOUNT_NOTE)


def _seq(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"seq": i, **r} for i, r in enumerate(rows, start=1)]


# --- 单位 / 说明 (key-value sheets)

COVER_ROWS: Final = (
    KvRow("case.case", "案例编号", note="案例目录名，如 liucheng-2021-self；留空时取文件名"),
    KvRow("case.title", "标题", note="如 柳城县应急管理局2021年度部门整体支出绩效自评"),
    KvRow(
        "case.framework",
        "指标体系",
        note="评分用的指标体系编号（jixiao frameworks list 查看），如 national-2020-10-project-self",
    ),
    KvRow("case.source", "来源", note="数据来源，如报告名称、文号"),
    KvRow("case.notes", "备注", note="对数据的说明"),
)

UNIT_SHEET = KvSheet(
    "单位",
    "单位基本信息",
    "每行填一项；“字段”列是程序识别用的名称，请勿修改。带 * 的为必填。",
    (
        KvRow("unit.name", "单位名称", required=True),
        KvRow("unit.code", "单位编码"),
        KvRow("unit.level", "级次", "choice", choices=LEVELS),
        KvRow("unit.department", "主管部门"),
        KvRow("year", "年度", "int", required=True, note="评价年度，如 2021"),
        KvRow(
            "amount_unit",
            "金额单位",
            "choice",
            choices=UNITS,
            required=True,
            note="本案例金额的单位；各表金额列可用其他单位，导入时精确折算",
        ),
        KvRow("subject", "评价对象（项目名称）", note="项目自评时填项目名称；部门整体评价留空"),
        KvRow("overall_goal.planned", "年度总体目标（预期目标）"),
        KvRow("overall_goal.achieved", "年度总体目标（实际完成情况）"),
    ),
)

OTHER_FINANCE = KvSheet(
    "其他财务",
    "预算调整、收入、日常公用经费、政府采购、固定资产、结转结余",
    "金额的单位见“单位”列（元或万元，可改）；调减的预算调整数填负数。",
    (
        KvRow("budget.adjustment", "预算调整数", "signed_amount", "追加为正、调减为负"),
        KvRow(
            "budget.adjustment_excluded",
            "不计入调整率的调整数",
            "signed_amount",
            "因落实国家政策、不可抗力、上级或本级党委政府临时交办等不计入调整率的部分",
        ),
        KvRow("budget.revenue", "预算收入", "amount"),
        KvRow("public_funds.budget", "日常公用经费预算", "amount"),
        KvRow("public_funds.actual", "日常公用经费实际支出", "amount"),
        KvRow("public_funds.prior_year_actual", "上年日常公用经费实际支出", "amount"),
        KvRow("procurement.budget", "政府采购预算", "amount"),
        KvRow("procurement.actual", "政府采购实际金额", "amount"),
        KvRow("procurement.prior_year_actual", "上年政府采购实际金额", "amount"),
        KvRow("fixed_assets.total", "固定资产总额", "amount"),
        KvRow("fixed_assets.in_use", "在用固定资产", "amount"),
        KvRow("fixed_assets.prior_total", "上年末固定资产总额", "amount"),
        KvRow("carry_over.current", "本年结转结余", "amount"),
        KvRow("carry_over.prior", "上年结转结余", "amount"),
    ),
)

SATISFACTION_SHEET = KvSheet(
    "满意度与信访",
    "满意度调查与群众信访",
    "满意度填百分数（如 95%）或小数（0.95）。",
    (
        KvRow("satisfaction.respondents", "有效调查人数", "count"),
        KvRow("satisfaction.satisfied", "满意人数", "count"),
        KvRow("satisfaction.rate", "满意度", "rate"),
        KvRow("petitions.received", "信访受理件数", "count"),
        KvRow("petitions.answered", "信访办结件数", "count"),
        KvRow("petitions.answered_on_time", "按时办结件数", "count"),
    ),
)

DISCLOSURE_SHEET = KvSheet(
    "信息公开",
    "预决算与绩效信息公开日期",
    "请输入为日期（如 2020-02-12），不要写成“2020年2月12日”这样的文字。",
    (
        KvRow("disclosure.budget", "部门预算公开日期", "date"),
        KvRow("disclosure.final_accounts", "部门决算公开日期", "date"),
        KvRow("disclosure.performance", "绩效评价结果公开日期", "date"),
    ),
)

KV_SHEETS: Final = (UNIT_SHEET, OTHER_FINANCE, SATISFACTION_SHEET, DISCLOSURE_SHEET)
KV_COLUMNS: Final = (
    Col("label", "项目", width=30),
    Col("value", "值", "value", width=40),
    Col("unit", "单位", width=8),
    Col("note", "说明", width=60),
    Col("path", "字段", width=30),
)
KV_UNITS: Final = {"count": "人/件", "rate": "%", "date": "日期", "int": "", "choice": ""}


# --- tables: export and import functions


def _x_bodies(e: Export) -> list[dict[str, Any]]:
    return _seq({"name": n} for n in (e.facts.unit.internal_bodies if e.facts else []))


def _i_bodies(rows: Pairs, ctx: Ctx) -> None:
    found: list[str] = []
    for row, got in rows:
        name = got["name"]
        if name is not None:
            ctx.locate(f"unit.internal_bodies[{len(found)}]", row, "name")
            found.append(name)
    if found:
        ctx.facts.setdefault("unit", {})["internal_bodies"] = found


_STAFF_FIELDS: Final = {
    "核定编制": ("authorized", "authorized_by_type"),
    "在编": ("on_payroll", "on_payroll_by_type"),
    "实际在职": ("in_post", None),
    "编外": ("outside", "outside_by_type"),
}


def _x_staffing(e: Export) -> list[dict[str, Any]]:
    if e.facts is None:
        return [{"kind": k, "type": None, "count": None} for k in STAFF_KINDS]
    staffing = e.facts.staffing
    rows: list[dict[str, Any]] = []
    for kind, (total, by_type) in _STAFF_FIELDS.items():
        value = getattr(staffing, total)
        if value is not None:
            rows.append({"kind": kind, "type": None, "count": value})
        for name, count in (getattr(staffing, by_type) if by_type else {}).items():
            rows.append({"kind": kind, "type": name, "count": count})
    return rows


def _i_staffing(rows: Pairs, ctx: Ctx) -> None:
    seen: set[tuple[str, str]] = set()
    staffing: dict[str, Any] = {}
    for row, got in rows:
        kind, name, count = got["kind"], got["type"], got["count"]
        if kind is None or count is None:
            continue
        if (kind, name or "") in seen:
            ctx.problem(
                row, "kind", "excel.duplicate", f"“{kind}{('·' + name) if name else ''}”重复填写"
            )
            continue
        seen.add((kind, name or ""))
        total, by_type = _STAFF_FIELDS[kind]
        if name is None:
            staffing[total] = count
            ctx.locate(f"staffing.{total}", row, "count")
        elif by_type is None:
            ctx.problem(row, "type", "excel.invalid", f"“{kind}”不分类别，请把“类别”留空")
        else:
            staffing.setdefault(by_type, {})[name] = count
            ctx.locate(f"staffing.{by_type}.{name}", row, "count")
    if staffing:
        ctx.facts["staffing"] = staffing


PART_FIELDS: Final = ("initial", "adjusted", "actual", "prior_year_actual", "note")


def _part_row(part: Any) -> dict[str, Any]:
    return {k: getattr(part, k) for k in PART_FIELDS} if part is not None else {}


def _x_budget(e: Export) -> list[dict[str, Any]]:
    if e.facts is None:
        return [{"item": label} for label in BUDGET_ROWS]
    budget = e.facts.budget
    rows = []
    for label, key in BUDGET_KEYS.items():
        part = budget if not key else getattr(budget, key)
        values = _part_row(part)
        if any(v is not None for v in values.values()):
            rows.append({"item": label, **values})
    return rows


def _i_budget(rows: Pairs, ctx: Ctx) -> None:
    seen: set[str] = set()
    budget = ctx.facts.setdefault("budget", {})
    for row, got in rows:
        label = got["item"]
        values = {k: got[k] for k in PART_FIELDS if got[k] is not None}
        if label is None or not values:
            continue
        if label in seen:
            ctx.problem(row, "item", "excel.duplicate", f"“{label}”重复填写")
            continue
        seen.add(label)
        key = BUDGET_KEYS[label]
        target = budget if not key else budget.setdefault(key, {})
        for name, value in values.items():
            target[name] = value
            ctx.locate(f"budget.{key + '.' if key else ''}{name}", row, name)
    if not budget:
        del ctx.facts["budget"]


def _x_parts(attr: str) -> ExportFn:
    def export(e: Export) -> list[dict[str, Any]]:
        if e.facts is None:
            return []
        parts = getattr(e.facts.budget, attr)
        return [{"name": name, **_part_row(part)} for name, part in parts.items()]

    return export


def _i_parts(sheet: str, attr: str) -> ImportFn:
    def load(rows: Pairs, ctx: Ctx) -> None:
        parts: dict[str, Any] = {}
        for row, got in rows:
            name = got["name"]
            if name is None:
                if not row.blank():
                    ctx.problem(row, "name", "excel.required", "“名称”不能为空")
                continue
            if name in parts:
                ctx.problem(row, "name", "excel.duplicate", f"“{name}”重复填写")
                continue
            parts[name] = {k: got[k] for k in PART_FIELDS if got[k] is not None}
            ctx.locate(f"budget.{attr}.{name}", row, "name")
            for key in parts[name]:
                ctx.locate(f"budget.{attr}.{name}.{key}", row, key)
        if parts:
            ctx.facts.setdefault("budget", {})[attr] = parts

    return load


def _x_three_public(e: Export) -> list[dict[str, Any]]:
    if e.facts is None:
        return [{"item": THREE_PUBLIC_TOTAL}] + [{"item": p} for p in THREE_PUBLIC_PARTS]
    tp = e.facts.three_public
    rows: list[dict[str, Any]] = []
    total = {
        "initial": tp.budget,
        "actual": tp.actual,
        "prior_year_actual": tp.prior_year_actual,
        "prior_year_budget": tp.prior_year_budget,
    }
    if any(v is not None for v in total.values()):
        rows.append({"item": THREE_PUBLIC_TOTAL, **total})
    rows += [{"item": name, **_part_row(part)} for name, part in tp.parts.items()]
    return rows


_TP_TOTAL_KEYS: Final = {
    "initial": "budget",
    "actual": "actual",
    "prior_year_actual": "prior_year_actual",
    "prior_year_budget": "prior_year_budget",
}


def _i_three_public(rows: Pairs, ctx: Ctx) -> None:
    table = TABLES_BY_SHEET["三公经费"]
    tp: dict[str, Any] = {}
    parts: dict[str, Any] = {}
    for row, got in rows:
        name = got["item"]
        values = {k: v for k, v in got.items() if k != "item" and v is not None}
        if name is None or (not values and name in (THREE_PUBLIC_TOTAL, *THREE_PUBLIC_PARTS)):
            continue
        if name == THREE_PUBLIC_TOTAL:
            if "total" in tp:
                ctx.problem(row, "item", "excel.duplicate", "“合计”重复填写")
                continue
            tp["total"] = True
            for key, value in values.items():
                if key not in _TP_TOTAL_KEYS:
                    ctx.problem(
                        row, key, "excel.invalid", f"“合计”行不填“{table.column(key).header}”"
                    )
                    continue
                tp[_TP_TOTAL_KEYS[key]] = value
                ctx.locate(f"three_public.{_TP_TOTAL_KEYS[key]}", row, key)
        else:
            if name in parts:
                ctx.problem(row, "item", "excel.duplicate", f"“{name}”重复填写")
                continue
            if "prior_year_budget" in values:
                ctx.problem(row, "prior_year_budget", "excel.invalid", "分项不填“上年预算”")
                values.pop("prior_year_budget")
            parts[name] = values
            ctx.locate(f"three_public.parts.{name}", row, "item")
            for key in values:
                ctx.locate(f"three_public.parts.{name}.{key}", row, key)
    tp.pop("total", None)
    if parts:
        tp["parts"] = parts
    if tp:
        ctx.facts["three_public"] = tp


def month_label(key: str) -> str:
    found = re.fullmatch(r"m(\d{1,2})", key)
    return f"{int(found.group(1))}月" if found else key


def month_key(text: str) -> str:
    found = _MONTH.match(cells.nfkc(text).strip())
    return f"m{int(found.group(1))}" if found and 1 <= int(found.group(1)) <= 12 else text


def _x_execution(e: Export) -> list[dict[str, Any]]:
    if e.facts is None:
        return [{"month": f"{m}月"} for m in (3, 6, 9, 12)]
    ex = e.facts.execution
    keys: list[str] = []
    for series in (ex.cumulative_spend, ex.progress, ex.planned_progress):
        keys += [k for k in series if k not in keys]
    return [
        {
            "month": month_label(k),
            "spend": ex.cumulative_spend.get(k),
            "progress": ex.progress.get(k),
            "planned": ex.planned_progress.get(k),
        }
        for k in keys
    ]


def _i_execution(rows: Pairs, ctx: Ctx) -> None:
    series: dict[str, dict[str, Any]] = {}
    names = {"spend": "cumulative_spend", "progress": "progress", "planned": "planned_progress"}
    seen: set[str] = set()
    for row, got in rows:
        if got["month"] is None:
            continue
        key = month_key(got["month"])
        if key in seen:
            ctx.problem(row, "month", "excel.duplicate", f"“{got['month']}”重复填写")
            continue
        seen.add(key)
        for column, name in names.items():
            if got[column] is not None:
                series.setdefault(name, {})[key] = got[column]
                ctx.locate(f"execution.{name}.{key}", row, column)
    if series:
        ctx.facts["execution"] = series


def _x_projects(e: Export) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def walk(items: list[Any], parent: str | None) -> None:
        for index, project in enumerate(items, start=1):
            seq = f"{parent}.{index}" if parent else str(index)
            rows.append(
                {
                    "seq": seq,
                    "parent": parent,
                    "code": project.code,
                    "name": project.name,
                    "initial_budget": project.initial_budget,
                    "budget": project.budget,
                    "spent": project.spent,
                    "on_time": project.on_time,
                }
            )
            walk(project.sub_projects, seq)

    walk(e.facts.projects if e.facts else [], None)
    return rows


_PROJECT_AMOUNTS: Final = ("initial_budget", "budget", "spent")
_PROJECT_FIELDS: Final = ("code", "name", *_PROJECT_AMOUNTS, "on_time")


def _i_projects(rows: Pairs, ctx: Ctx) -> None:
    """Row by row (the generic path); long tables go through ``_c_projects``."""
    keys = [col.key for col in TABLES_BY_SHEET["项目"].columns]
    columns = {key: [got[key] for _, got in rows] for key in keys}
    _c_projects([row for row, _ in rows], columns, ctx)


def _c_projects(rows: list[Row], columns: dict[str, list[Any]], ctx: Ctx) -> None:
    """The project table, read column-wise: it may have 100 000 rows."""
    top: list[dict[str, Any]] = []
    top_rows: list[Row] = []
    by_seq: dict[str, tuple[dict[str, Any], int, str]] = {}  # 序号 → project, top index, path
    names, seqs, parents = columns["name"], columns["seq"], columns["parent"]
    fields = [
        (key, columns[key])
        for key in _PROJECT_FIELDS
        if key != "name" and any(v is not None for v in columns[key])
    ]
    for index, row in enumerate(rows):
        name = names[index]
        if name is None or name in _TOTAL_KEYS or name.replace(" ", "") in _TOTAL_KEYS:
            got = {key: values[index] for key, values in columns.items()}
            if name is not None:
                _check_total_row(row, got, top, ctx)
            elif not row.blank("code", *_PROJECT_AMOUNTS):
                ctx.problem(row, "name", "excel.required", "“项目名称”不能为空")
            continue
        seq = seqs[index] or str(len(by_seq) + 1)
        if seq in by_seq:
            ctx.problem(row, "seq", "excel.duplicate", f"序号“{seq}”重复")
            continue
        project: dict[str, Any] = {"name": name}
        for key, values in fields:
            value = values[index]
            if value is not None:
                project[key] = value
        parent = parents[index]
        if parent:
            if parent not in by_seq:
                ctx.problem(row, "parent", "excel.invalid", f"上级序号“{parent}”不在本表前面的行中")
                continue
            holder, top_index, prefix = by_seq[parent]
            prefix = prefix or f"projects[{top_index}]"
            siblings = holder.setdefault("sub_projects", [])
            path = f"{prefix}.sub_projects[{len(siblings)}]"
            siblings.append(project)
            by_seq[seq] = (project, -1, path)
            ctx.locations.put_row(path, row, _SAME_FIELDS, "name")
        else:
            by_seq[seq] = (project, len(top), "")
            top.append(project)
            top_rows.append(row)
    if top:
        ctx.facts["projects"] = top
        ctx.locations.put_list("projects", top_rows, "name")


def _check_total_row(row: Row, got: dict[str, Any], top: list[dict[str, Any]], ctx: Ctx) -> None:
    """A 合计 row is not a project: check it against the projects above it, then leave it out."""
    for key in _PROJECT_AMOUNTS:
        total = got.get(key)
        values = [p[key] for p in top if p.get(key) is not None]
        if total is None or not values:
            continue
        summed = sum(values, Decimal(0))
        if summed == total or abs(summed - total) <= Decimal("0.01"):
            continue
        header = TABLES_BY_SHEET["项目"].column(key).header
        if (
            summed
            and total
            and Decimal(9900) <= max(total, summed) / min(total, summed) <= Decimal(10100)
        ):
            ctx.problem(
                row,
                key,
                "excel.unit_mix",
                f"合计行“{header}”为{format_number(total)}，各项目之和为{format_number(summed)}，"
                "相差约10000倍，疑似元与万元混用；请统一金额单位（表头注明“元”或“万元”）",
            )
        else:
            ctx.problem(
                row,
                key,
                "excel.invalid",
                f"合计行“{header}”为{format_number(total)}，与各项目之和{format_number(summed)}不符",
            )


TARGET_FIELDS: Final = (
    ("project", "project"),
    ("level1", "level1"),
    ("category", "category"),
    ("name", "name"),
    ("code", "code"),
    ("comparator", "comparator"),
    ("target", "target"),
    ("unit", "unit"),
    ("adjusted_target", "adjusted_target"),
    ("actual", "actual"),
    ("polarity", "polarity"),
    ("points", "points"),
    ("tier", "tier"),
    ("share", "share"),
    ("score", "score"),
    ("core", "core"),
    ("deviation_reason", "deviation_reason"),
)


def _x_targets(e: Export) -> list[dict[str, Any]]:
    if e.facts is None:
        return []
    return _seq({k: getattr(t, attr) for k, attr in TARGET_FIELDS} for t in e.facts.targets)


def _i_list(sheet: str, fact: str, keys: tuple[str, ...], name_key: str = "name") -> ImportFn:
    def load(rows: Pairs, ctx: Ctx) -> None:
        table = TABLES_BY_SHEET[sheet]
        found: list[dict[str, Any]] = []
        for row, got in rows:
            if got[name_key] is None:
                if not row.blank(*(k for k in keys if k != name_key)):
                    ctx.problem(
                        row,
                        name_key,
                        "excel.required",
                        f"“{table.column(name_key).header}”不能为空",
                    )
                continue
            item = {k: got[k] for k in keys if got[k] is not None}
            path = f"{fact}[{len(found)}]"
            ctx.locations.put_row(path, row, _SAME_FIELDS, name_key)
            found.append(item)
        if found:
            ctx.facts[fact] = found

    return load


def _x_tasks(e: Export) -> list[dict[str, Any]]:
    if e.facts is None:
        return []
    return _seq(
        {
            "name": t.name,
            "planned": t.planned,
            "result": t.result,
            "done": t.done,
            "on_time": t.on_time,
        }
        for t in e.facts.key_tasks
    )


def _x_checklists(e: Export) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for key, answers in (e.facts.checklists if e.facts else {}).items():
        if not answers:
            rows.append({"key": key})
        elif isinstance(answers, dict):
            rows += [
                {"key": key, "seq": i, "point": p, "ok": v}
                for i, (p, v) in enumerate(answers.items(), start=1)
            ]
        else:
            rows += [{"key": key, "seq": i, "ok": v} for i, v in enumerate(answers, start=1)]
    return rows


def _i_checklists(rows: Pairs, ctx: Ctx) -> None:
    groups: dict[str, list[tuple[Row, dict[str, Any]]]] = {}
    for row, got in rows:
        if got["key"] is None:
            if not row.blank():
                ctx.problem(row, "key", "excel.required", "“名称”不能为空")
            continue
        groups.setdefault(got["key"], []).append((row, got))
    result: dict[str, Any] = {}
    for key, items in groups.items():
        answered = [(r, g) for r, g in items if g["ok"] is not None or g["point"] is not None]
        named = [g["point"] is not None for _, g in answered]
        if any(named) and not all(named):
            ctx.problem(
                items[0][0],
                "point",
                "excel.invalid",
                f"评价要点“{key}”有的行写了要点、有的没写，须统一",
            )
            continue
        if any(named):
            result[key] = {}
            for row, got in answered:
                if got["ok"] is None:
                    ctx.problem(row, "ok", "excel.required", "“是否符合”不能为空")
                    continue
                result[key][got["point"]] = got["ok"]
                ctx.locate(f"checklists.{key}.{got['point']}", row, "ok")
        else:
            result[key] = []
            for row, got in answered:
                ctx.locate(f"checklists.{key}[{len(result[key])}]", row, "ok")
                result[key].append(got["ok"])
        ctx.locate(f"checklists.{key}", items[0][0], "key")
    if result:
        ctx.facts["checklists"] = result


def _x_judgments(e: Export) -> list[dict[str, Any]]:
    rows = []
    for key, value in (e.facts.judgments if e.facts else {}).items():
        if isinstance(value, str):
            rows.append({"key": key, "level": value})
        else:
            rows.append({"key": key, "yaml": _flow(value)})
    return rows


def _flow(value: Any) -> str:
    return dump_yaml(value).strip()


def _i_judgments(rows: Pairs, ctx: Ctx) -> None:
    found: dict[str, Any] = {}
    for row, got in rows:
        if got["key"] is None:
            if not row.blank():
                ctx.problem(row, "key", "excel.required", "“名称”不能为空")
            continue
        if got["key"] in found:
            ctx.problem(row, "key", "excel.duplicate", f"“{got['key']}”重复填写")
            continue
        if (got["level"] is None) == (got["yaml"] is None):
            ctx.problem(row, "level", "excel.invalid", "“等级”与“其他内容”须填且只填一项")
            continue
        found[got["key"]] = got["level"] if got["level"] is not None else got["yaml"]
        ctx.locate(f"judgments.{got['key']}", row, "level" if got["level"] is not None else "yaml")
    if found:
        ctx.facts["judgments"] = found


def _x_issues(e: Export) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for key, items in (e.facts.issues if e.facts else {}).items():
        if not items:
            rows.append({"key": key})
        for index, item in enumerate(items, start=1):
            if isinstance(item, str):
                rows.append({"key": key, "seq": index, "text": item})
            elif (
                set(item) <= {"text", "deduct"} and "text" in item and isinstance(item["text"], str)
            ):
                rows.append(
                    {
                        "key": key,
                        "seq": index,
                        "text": item["text"],
                        "deduct": _decimal(item.get("deduct")),
                    }
                )
            else:
                rows.append({"key": key, "seq": index, "yaml": _flow(item)})
    return rows


def _decimal(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


def _yaml_number(value: Decimal) -> Decimal | int:
    """A number where any value is allowed, typed as YAML would give it (``1`` → int)."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0 and not isinstance(value, Percent):
        return int(value)
    return value


def _i_issues(rows: Pairs, ctx: Ctx) -> None:
    found: dict[str, list[Any]] = {}
    for row, got in rows:
        key = got["key"]
        if key is None:
            if not row.blank():
                ctx.problem(row, "key", "excel.required", "“名称”不能为空")
            continue
        items = found.setdefault(key, [])
        if got["text"] is None and got["yaml"] is None:
            if got["deduct"] is not None:
                ctx.problem(row, "text", "excel.required", "写了扣分但没写问题")
            continue
        if got["yaml"] is not None:
            if got["text"] is not None:
                ctx.problem(row, "yaml", "excel.invalid", "“问题”与“其他内容”只填一项")
                continue
            item: Any = got["yaml"]
            column = "yaml"
        elif got["deduct"] is not None:
            item, column = {"text": got["text"], "deduct": _yaml_number(got["deduct"])}, "text"
        else:
            item, column = got["text"], "text"
        ctx.locate(f"issues.{key}[{len(items)}]", row, column)
        items.append(item)
    if found:
        ctx.facts["issues"] = found


def _x_given(e: Export) -> list[dict[str, Any]]:
    if e.case is None:
        return []
    return [
        {"indicator": k, "score": v.score, "reason": v.reason, "source": v.source}
        for k, v in e.case.given.items()
    ]


def _i_keyed(
    sheet: str, section: str, key_col: str, value_cols: tuple[str, ...], facts: bool
) -> ImportFn:
    """Rows keyed by one column into a mapping (one value, or a dict of several)."""

    def load(rows: Pairs, ctx: Ctx) -> None:
        table = TABLES_BY_SHEET[sheet]
        found: dict[str, Any] = {}
        for row, got in rows:
            key = got[key_col]
            if key is None:
                if not row.blank():
                    ctx.problem(
                        row, key_col, "excel.required", f"“{table.column(key_col).header}”不能为空"
                    )
                continue
            if key in found:
                ctx.problem(row, key_col, "excel.duplicate", f"“{key}”重复填写")
                continue
            if len(value_cols) == 1:
                if got[value_cols[0]] is None:
                    continue
                found[key] = got[value_cols[0]]
                ctx.locate(f"{section}.{key}", row, value_cols[0])
            else:
                found[key] = {c: got[c] for c in value_cols if got[c] is not None}
                ctx.locate(f"{section}.{key}", row, key_col)
                for c in found[key]:
                    ctx.locate(f"{section}.{key}.{c}", row, c)
        if found:
            (ctx.facts if facts else ctx.raw)[section] = found

    return load


def _x_not_applicable(e: Export) -> list[dict[str, Any]]:
    return [
        {"indicator": k, "reason": v} for k, v in (e.case.not_applicable if e.case else {}).items()
    ]


CLAIM_FIELDS: Final = (
    "indicator",
    "total",
    "grade",
    "score",
    "value",
    "max",
    "label",
    "expression",
    "printed",
    "where",
)


def _x_claims(e: Export) -> list[dict[str, Any]]:
    if e.case is None:
        return []
    return _seq({k: getattr(c, k) or None for k in CLAIM_FIELDS} for c in e.case.claims)


def _i_claims(rows: Pairs, ctx: Ctx) -> None:
    found: list[dict[str, Any]] = []
    for row, got in rows:
        claim = {k: got[k] for k in CLAIM_FIELDS if got[k] is not None}
        if not claim:
            continue
        ctx.locate(f"claims[{len(found)}]", row, next(iter(claim)))
        found.append(claim)
    if found:
        ctx.raw["claims"] = found


def _x_extra(e: Export) -> list[dict[str, Any]]:
    return [{"name": k, "value": v} for k, v in (e.facts.extra if e.facts else {}).items()]


def _x_narrative(e: Export) -> list[dict[str, Any]]:
    return [{"key": k, "text": v} for k, v in (e.case.narrative if e.case else {}).items()]


def _x_evidence(e: Export) -> list[dict[str, Any]]:
    return [{"key": k, "text": v} for k, v in (e.facts.evidence if e.facts else {}).items()]


def _x_comments(e: Export) -> list[dict[str, Any]]:
    return [{"key": k, "text": v} for k, v in (e.facts.comments if e.facts else {}).items()]


def _x_sources(e: Export) -> list[dict[str, Any]]:
    return [{"path": k, "source": v} for k, v in e.sources.items()]


def _i_sources(rows: Pairs, ctx: Ctx) -> None:
    for row, got in rows:
        if got["path"] is None or got["source"] is None:
            if not row.blank():
                ctx.problem(row, "path", "excel.required", "“事实”与“出处”都须填写")
            continue
        if got["path"] in ctx.sources:
            ctx.problem(row, "path", "excel.duplicate", f"“{got['path']}”的出处重复填写")
            continue
        ctx.sources[got["path"]] = got["source"]


def _budget_cols(initial: str, adjusted: str, actual: str) -> tuple[Col, ...]:
    return (
        _amount("initial", initial),
        _amount("adjusted", adjusted),
        _amount("actual", actual),
        _amount("prior_year_actual", "上年实际"),
        Col("note", "偏差原因", width=30),
    )


TABLES: Final[tuple[Table, ...]] = (
    Table(
        "内设机构",
        "内设机构",
        "每行一个内设机构。",
        (Col("seq", "序号", "int", width=6), Col("name", "名称", required=True, width=40)),
        _x_bodies,
        _i_bodies,
    ),
    Table(
        "人员编制",
        "人员编制与在职人数",
        "“口径”选核定编制/在编/实际在职/编外；“类别”留空的行是该口径的总数，填了类别的行是分类数（如 行政编制、事业编制、劳务派遣）。",
        (
            Col("kind", "口径", "choice", required=True, choices=STAFF_KINDS, width=12),
            Col("type", "类别", width=20, note="留空表示该口径的总数"),
            Col("count", "人数", "count", required=True, width=10),
        ),
        _x_staffing,
        _i_staffing,
        prefilled="kind",
    ),
    Table(
        "预算",
        "预算与支出（按阶段和经济分类）",
        "每行一类：支出合计、基本支出、人员经费、公用经费、项目支出；列为年初预算、调整后（全年）预算、实际支出（决算）和上年实际。",
        (
            Col("item", "项目", "choice", required=True, choices=BUDGET_ROWS, width=14),
            *_budget_cols("年初预算", "调整后预算", "实际支出"),
        ),
        _x_budget,
        _i_budget,
        prefilled="item",
    ),
    Table(
        "资金来源",
        "资金来源（按资金性质）",
        "如 本年财政拨款、上年结转资金、其他资金（四川表：财政资金、财政专户管理资金、单位资金、其他资金）。",
        (
            Col("name", "名称", required=True, width=24),
            *_budget_cols("年初预算", "全年预算", "全年执行数"),
        ),
        _x_parts("funds"),
        _i_parts("资金来源", "funds"),
    ),
    Table(
        "收入来源",
        "收入来源（按财政级次）",
        "如 中央财政、省（自治区）财政、市财政、县财政、其他。",
        (
            Col("name", "名称", required=True, width=24),
            *_budget_cols("年初预算", "计划安排", "实际到位"),
        ),
        _x_parts("revenue_sources"),
        _i_parts("收入来源", "revenue_sources"),
    ),
    Table(
        "功能分类",
        "支出功能分类",
        "按支出功能分类科目填写，如 社会保障和就业支出、灾害防治及应急管理支出。",
        (
            Col("name", "名称", required=True, width=30),
            *_budget_cols("年初预算", "调整后预算", "实际支出"),
        ),
        _x_parts("functions"),
        _i_parts("功能分类", "functions"),
    ),
    Table(
        "三公经费",
        "“三公”经费",
        "“合计”行填“三公”经费总数（含上年预算）；其余各行为分项。",
        (
            Col("item", "项目", required=True, width=24),
            _amount("initial", "预算"),
            _amount("adjusted", "调整后预算"),
            _amount("actual", "实际支出"),
            _amount("prior_year_actual", "上年实际"),
            _amount("prior_year_budget", "上年预算"),
            Col("note", "偏差原因", width=30),
        ),
        _x_three_public,
        _i_three_public,
        prefilled="item",
    ),
    Table(
        "支出进度",
        "支付进度（月末累计）",
        "每行一个月末：累计支出（金额）、实际支付进度与既定（序时）支付进度（百分数，如 64%）。",
        (
            Col("month", "月份", required=True, width=10, note="如 6月；也可写 6"),
            _amount("spend", "累计支出"),
            Col("progress", "实际支付进度", "rate", note="百分数，如 64% 或 0.64；不要写 64"),
            Col("planned", "既定支付进度", "rate", note="百分数，如 50%"),
        ),
        _x_execution,
        _i_execution,
        prefilled="month",
    ),
    Table(
        "项目",
        "项目支出",
        "每行一个项目；子项目填“上级序号”。“完成及时”填 是/否。不要在表中加“合计”行（如有，导入时只用来核对）。",
        (
            Col("seq", "序号", width=8, note="可写 1、2 或 1.1（子项目）"),
            Col("parent", "上级序号", width=8, note="子项目填所属项目的序号"),
            Col("code", "项目编码", width=16),
            Col("name", "项目名称", required=True, width=36),
            _amount("initial_budget", "年初预算"),
            _amount("budget", "全年预算"),
            _amount("spent", "执行数"),
            Col("on_time", "完成及时", "bool", choices=YES_NO, width=10),
        ),
        _x_projects,
        _i_projects,
    ),
    Table(
        "绩效指标",
        "绩效指标（绩效目标表 / 自评表）",
        "指标值与实际完成值只写数字或百分数（如 400、95%），单位写在“度量单位”；定性指标“指标性质”选“定性”。",
        (
            Col("seq", "序号", "int", width=6),
            Col("project", "所属项目", width=16, note="部门整体案例中属于某个项目的指标填项目名称"),
            Col("level1", "一级指标", width=12, choices=LEVEL1),
            Col("category", "二级指标", width=14, choices=CATEGORIES),
            Col("name", "三级指标", required=True, width=30),
            Col("code", "指标编码", width=10),
            Col(
                "comparator",
                "指标性质",
                "choice",
                choices=COMPARATORS,
                width=8,
                note="≥ ≤ = > < 或 定性",
            ),
            Col("target", "指标值", "value", width=12),
            Col("unit", "度量单位", width=8),
            Col("adjusted_target", "调整后指标值", "value", width=12),
            Col("actual", "实际完成值", "value", width=12),
            Col(
                "polarity",
                "方向",
                "choice",
                choices=POLARITIES,
                width=8,
                note="不填时按指标性质判断",
            ),
            Col("points", "分值", "number", width=8),
            Col("tier", "达成等级", width=10, note="定性指标：达成/部分达成/未达成"),
            Col("share", "得分比例", "rate", width=10, note="定性指标评价人给的得分比例，如 70%"),
            Col("score", "得分", "number", width=8, note="表上印出的得分"),
            Col("core", "核心指标", "bool", choices=YES_NO, width=8),
            Col("deviation_reason", "偏差原因分析及改进措施", width=36),
        ),
        _x_targets,
        _i_list("绩效指标", "targets", tuple(k for k, _ in TARGET_FIELDS)),
    ),
    Table(
        "重点工作",
        "年度重点工作",
        "每行一项重点工作；是否完成、是否按时填 是/否。",
        (
            Col("seq", "序号", "int", width=6),
            Col("name", "名称", required=True, width=36),
            Col("planned", "计划目标", width=30),
            Col("result", "完成情况", width=30),
            Col("done", "是否完成", "bool", choices=YES_NO, width=10),
            Col("on_time", "是否按时", "bool", choices=YES_NO, width=10),
        ),
        _x_tasks,
        _i_list("重点工作", "key_tasks", ("name", "planned", "result", "done", "on_time")),
    ),
    Table(
        "评价要点",
        "评价要点核对（checklists）",
        "“名称”为指标体系规定的事实名（如 fund_compliance）；按要点顺序每行一个，填 是/否。也可在“要点”列写要点名称。",
        (
            Col("key", "名称", required=True, width=24),
            Col("seq", "序号", "int", width=6),
            Col("point", "要点", width=30),
            Col("ok", "是否符合", "bool", choices=YES_NO, width=10),
        ),
        _x_checklists,
        _i_checklists,
    ),
    Table(
        "等级判定",
        "等级判定（judgments）",
        "“名称”为指标体系规定的事实名；“等级”须与指标体系中的等级完全一致。需要同时给分时在“其他内容”写 {level: 部分达成, score: 7.5}。",
        (
            Col("key", "名称", required=True, width=24),
            Col("level", "等级", width=16),
            Col("yaml", "其他内容（YAML）", "yaml", width=40),
        ),
        _x_judgments,
        _i_judgments,
    ),
    Table(
        "问题清单",
        "问题清单（issues）",
        "每个问题一行；核查过没有问题时只填“名称”一栏（表示空清单）。个别问题另注扣分时填“扣分”。",
        (
            Col("key", "名称", required=True, width=24),
            Col("seq", "序号", "int", width=6),
            Col("text", "问题", width=50),
            Col("deduct", "扣分", "number", width=8),
            Col("yaml", "其他内容（YAML）", "yaml", width=30),
        ),
        _x_issues,
        _i_issues,
    ),
    Table(
        "评价人给分",
        "评价人给分（given）",
        "“指标”写指标体系中的指标名称、编码或路径；理由与依据都须填写。",
        (
            Col("indicator", "指标", required=True, width=30),
            Col("score", "得分", "number", required=True, width=8),
            Col("reason", "理由", required=True, width=50),
            Col("source", "依据", required=True, width=40),
        ),
        _x_given,
        _i_keyed("评价人给分", "given", "indicator", ("score", "reason", "source"), facts=False),
    ),
    Table(
        "不适用",
        "不适用的指标（not_applicable）",
        "确属不适用的指标及理由；其分值按指标体系的规定处理。",
        (
            Col("indicator", "指标", required=True, width=30),
            Col("reason", "理由", required=True, width=60),
        ),
        _x_not_applicable,
        _i_keyed("不适用", "not_applicable", "indicator", ("reason",), facts=False),
    ),
    Table(
        "报告所称",
        "报告所称（claims，核对原报告印出的数字）",
        "每行一条：指标得分/取值/分值，或总分、等级，或“标签+公式+印出值”。数字照报告原样写（如 100.00%）。",
        (
            Col("seq", "序号", "int", width=6),
            Col("indicator", "指标", width=24),
            Col("total", "总分", width=8),
            Col("grade", "等级", width=6),
            Col("score", "得分", width=8),
            Col("value", "取值", width=10),
            Col("max", "分值", width=6),
            Col("label", "标签", width=20),
            Col("expression", "公式", width=30),
            Col("printed", "印出值", width=10),
            Col("where", "出处", width=40),
        ),
        _x_claims,
        _i_claims,
    ),
    Table(
        "补充数据",
        "补充数据（extra）",
        "指标体系需要而其他表没有的数字；“名称”由指标体系规定。",
        (
            Col("name", "名称", required=True, width=30),
            Col("value", "数值", "number", required=True, width=14),
        ),
        _x_extra,
        _i_keyed("补充数据", "extra", "name", ("value",), facts=True),
    ),
    Table(
        "叙述",
        "报告叙述（narrative）",
        "报告中只能由单位填写的文字，如 functions（部门职能）、measures（改进措施）。",
        (Col("key", "章节", required=True, width=20), Col("text", "内容", required=True, width=80)),
        _x_narrative,
        _i_keyed("叙述", "narrative", "key", ("text",), facts=False),
    ),
    Table(
        "佐证材料",
        "佐证材料",
        "佐证材料的编号与名称（或文件名），出处中可引用编号。",
        (
            Col("key", "编号", required=True, width=12),
            Col("text", "名称或文件", required=True, width=60),
        ),
        _x_evidence,
        _i_keyed("佐证材料", "evidence", "key", ("text",), facts=True),
    ),
    Table(
        "核查说明",
        "对核查提示的说明（comments）",
        "jixiao check 的“须说明”提示按规则编码在此写明原因（如 compare.over_budget）。",
        (
            Col("key", "规则编码", required=True, width=30),
            Col("text", "说明", required=True, width=70),
        ),
        _x_comments,
        _i_keyed("核查说明", "comments", "key", ("text",), facts=True),
    ),
    Table(
        "出处",
        "数据出处",
        "“事实”为事实名（如 budget.initial、projects[0].budget），“出处”为报告中的位置或原文。",
        (
            Col("path", "事实", required=True, width=40),
            Col("source", "出处", required=True, width=80),
        ),
        _x_sources,
        _i_sources,
    ),
)
TABLES_BY_SHEET: Final = {t.sheet: t for t in TABLES}
SHEET_ORDER: Final = (
    COVER,
    UNIT_SHEET.sheet,
    "内设机构",
    "人员编制",
    "预算",
    "资金来源",
    "收入来源",
    "功能分类",
    "三公经费",
    "支出进度",
    OTHER_FINANCE.sheet,
    "项目",
    "绩效指标",
    "重点工作",
    SATISFACTION_SHEET.sheet,
    DISCLOSURE_SHEET.sheet,
    "评价要点",
    "等级判定",
    "问题清单",
    "评价人给分",
    "不适用",
    "报告所称",
    "补充数据",
    "叙述",
    "佐证材料",
    "核查说明",
    "出处",
)


# ------------------------------------------------------------------------------------ writing


class _Writer:
    def __init__(self, path: str, export: Export) -> None:
        self.book = new_workbook(path)
        self.styles = Styles(self.book, {"font_size": 10})
        self.export = export

    def close(self) -> None:
        self.book.close()

    def unlocked(self, **props: Any) -> Any:
        return self.styles.get(locked=False, border=1, border_color="#BFBFBF", **props)

    def title(self, sheet: Worksheet, text: str, note: str, width: int) -> None:
        sheet.merge_range(
            0, 0, 0, max(width - 1, 0), text, self.styles.get(bold=True, font_size=14)
        )
        sheet.set_row(0, 24)
        rows = max(1, len(note) // (width * 12) + 1)
        sheet.merge_range(
            1,
            0,
            1,
            max(width - 1, 0),
            note,
            self.styles.get(text_wrap=True, font_color="#595959", italic=True),
        )
        sheet.set_row(1, 15 * min(rows + 1, 4))

    def header(self, sheet: Worksheet, row: int, columns: Iterable[Col], unit: str) -> None:
        for index, col in enumerate(columns):
            text = col.header
            if col.kind in ("amount", "signed_amount"):
                text += f"（{unit}）"
            if col.required:
                text = "*" + text
            sheet.write_string(
                row,
                index,
                text,
                self.styles.get(
                    bold=True, bg_color="#DDEBF7", border=1, text_wrap=True, align="center"
                ),
            )
            note = col.note or _KIND_NOTES.get(col.kind, "")
            if col.choices:
                note = (note + "；" if note else "") + "可选：" + "、".join(col.choices)
            if note:
                sheet.write_comment(row, index, note, {"x_scale": 2, "y_scale": 1.2})
        sheet.set_row(row, 30)

    def column_format(self, col: Col) -> Any:
        if col.kind in ("amount", "signed_amount"):
            return self.unlocked(num_format="#,##0.00")
        if col.kind == "rate":
            return self.unlocked(num_format="0.00%")
        if col.kind == "date":
            return self.unlocked(num_format="yyyy-mm-dd")
        if col.kind in ("text", "yaml"):
            return self.unlocked(text_wrap=True, num_format="@")
        return self.unlocked()

    def protect(self, sheet: Worksheet) -> None:
        sheet.protect(
            "",
            {
                "insert_rows": True,
                "delete_rows": True,
                "format_cells": True,
                "format_columns": True,
                "format_rows": True,
                "sort": True,
                "autofilter": True,
                "select_locked_cells": True,
                "select_unlocked_cells": True,
            },
        )

    def validation(self, sheet: Worksheet, first: int, col_index: int, col: Col, last: int) -> None:
        choices = col.choices or (YES_NO if col.kind == "bool" else ())
        if not choices:
            return
        strict = col.kind in ("choice", "bool")
        sheet.data_validation(
            first,
            col_index,
            last,
            col_index,
            {
                "validate": "list",
                "source": list(choices),
                "error_type": "stop" if strict else "information",
                "error_title": "请从下拉列表中选择",
                "error_message": "可选：" + "、".join(choices),
                "ignore_blank": True,
            },
        )

    def cell(self, sheet: Worksheet, row: int, index: int, col: Col, value: Any) -> None:
        props: dict[str, Any] = {"locked": False, "border": 1, "border_color": "#BFBFBF"}
        if isinstance(value, Decimal):
            if col.kind == "rate" and not isinstance(value, Percent):
                value = Percent(value)
            write_value(sheet, row, index, value, self.styles, **props)
        elif isinstance(value, bool):
            write_value(sheet, row, index, value, self.styles, **props)
        elif isinstance(value, int) and not isinstance(value, bool):
            write_value(sheet, row, index, Decimal(value), self.styles, num_format="0", **props)
        elif isinstance(value, str):
            write_text(
                sheet,
                row,
                index,
                value,
                self.styles,
                text_wrap=col.kind in ("text", "yaml"),
                **props,
            )
        else:
            write_value(sheet, row, index, value, self.styles, **props)

    def table(self, table: Table) -> None:
        sheet = self.book.add_worksheet(table.sheet)
        columns = table.columns
        self.title(sheet, table.title, table.note, len(columns))
        for index, col in enumerate(columns):
            sheet.set_column(index, index, col.width, self.column_format(col))
        self.header(sheet, 2, columns, self.export.unit)
        rows = table.export(self.export)
        for r, data in enumerate(rows, start=3):
            for index, col in enumerate(columns):
                value = data.get(col.key)
                if value is not None:
                    self.cell(sheet, r, index, col, value)
        last = 3 + max(DATA_ROWS, len(rows) + 200)
        for index, col in enumerate(columns):
            self.validation(sheet, 3, index, col, last)
        sheet.freeze_panes(3, 0)
        self.protect(sheet)

    def kv(self, kv: KvSheet, values: Mapping[str, Any]) -> None:
        sheet = self.book.add_worksheet(kv.sheet)
        self.title(sheet, kv.title, kv.note, len(KV_COLUMNS))
        for index, col in enumerate(KV_COLUMNS):
            sheet.set_column(index, index, col.width)
        self.header(sheet, 2, KV_COLUMNS, "")
        locked = self.styles.get(
            border=1, border_color="#BFBFBF", text_wrap=True, bg_color="#F2F2F2"
        )
        note_fmt = self.styles.get(
            border=1, border_color="#BFBFBF", text_wrap=True, font_color="#595959"
        )
        for r, item in enumerate(kv.rows, start=3):
            label = ("*" if item.required else "") + item.label
            sheet.write_string(r, 0, label, locked)
            value = values.get(item.path)
            value_col = Col(
                "value", "值", item.kind if item.kind != "choice" else "text", choices=item.choices
            )
            if value is None:
                sheet.write_blank(r, 1, None, self.column_format(value_col))
            else:
                self.cell(sheet, r, 1, value_col, value)
            if item.kind in ("amount", "signed_amount"):
                sheet.write_string(r, 2, self.export.unit, self.unlocked(align="center"))
                sheet.data_validation(r, 2, r, 2, {"validate": "list", "source": list(UNITS)})
            else:
                sheet.write_string(r, 2, KV_UNITS.get(item.kind, ""), locked)
            note = item.note or (AMOUNT_NOTE if item.kind in ("amount", "signed_amount") else "")
            if item.choices:
                note = (note + "；" if note else "") + "可选：" + "、".join(item.choices)
                sheet.data_validation(
                    r, 1, r, 1, {"validate": "list", "source": list(item.choices)}
                )
            elif item.kind == "bool":
                sheet.data_validation(r, 1, r, 1, {"validate": "list", "source": list(YES_NO)})
            sheet.write_string(r, 3, note, note_fmt)
            sheet.write_string(r, 4, item.path, locked)
        sheet.freeze_panes(3, 0)
        self.protect(sheet)

    def cover(self) -> None:
        case = self.export.case
        values: dict[str, Any] = {}
        if case is not None:
            values = {
                "case.case": case.case,
                "case.title": case.title,
                "case.framework": case.framework,
                "case.source": case.source or None,
                "case.notes": case.notes or None,
            }
        self.kv(
            KvSheet(
                COVER,
                FACTS_MARK,
                "本工作簿记录一个单位一个年度的事实，供 jixiao 评分与核查（jixiao import 文件.xlsx --out 案例目录）。"
                "每张表第3行为表头（已锁定，勿改名）；表头单元格的批注说明填写要求；带 * 的列必填。"
                "金额列表头括号内为单位，可改为“元”或“万元”，导入时精确折算。下面“工作表一览”列出各表。",
                COVER_ROWS,
            ),
            values,
        )
        sheet = self.book.get_worksheet_by_name(COVER)
        assert sheet is not None
        start = 3 + len(COVER_ROWS) + 2
        sheet.write_string(start, 0, "工作表一览", self.styles.get(bold=True))
        for offset, name in enumerate(SHEET_ORDER[1:], start=1):
            spec: Table | KvSheet | None = TABLES_BY_SHEET.get(name) or next(
                (k for k in KV_SHEETS if k.sheet == name), None
            )
            if spec is None:
                continue
            sheet.write_url(start + offset, 0, f"internal:'{name}'!A1", string=name)
            sheet.write_string(start + offset, 1, spec.title)
            sheet.write_string(
                start + offset, 3, spec.note, self.styles.get(text_wrap=True, font_color="#595959")
            )

    def write(self) -> None:
        facts = self.export.facts
        self.cover()
        for name in SHEET_ORDER[1:]:
            kv = next((k for k in KV_SHEETS if k.sheet == name), None)
            if kv is not None:
                self.kv(kv, _kv_values(kv, facts))
            else:
                self.table(TABLES_BY_SHEET[name])


_KIND_NOTES: Final = {
    "amount": AMOUNT_NOTE,
    "rate": "百分数，如 95% 或 0.95；不要写成 95",
    "bool": "填 是 或 否",
    "date": "日期，如 2020-02-12",
    "count": "人数或件数",
    "yaml": "YAML 写法，如 {level: 部分达成, score: 7.5}",
    "text": "文字",
    "int": "整数",
    "number": "数字",
    "value": "数字、百分数（如 95%）或文字（定性指标）",
    "choice": "从下拉列表中选择",
    "signed_amount": AMOUNT_NOTE + "；可为负数",
}


def _kv_values(kv: KvSheet, facts: Any) -> dict[str, Any]:
    if facts is None:
        return {"amount_unit": "万元"} if kv is UNIT_SHEET else {}
    return {row.path: _get(facts, row.path) for row in kv.rows}


def write_facts_workbook(
    path: str | Path, case: Case | None = None, sources: Mapping[str, str] | None = None
) -> Path:
    """Write the facts workbook for ``case`` (or the blank template when ``case`` is None)."""
    target = Path(path)
    writer = _Writer(str(target), Export(case, sources or {}))
    try:
        writer.write()
    finally:
        writer.close()
    return target


# ------------------------------------------------------------------------------------ reading


def is_facts_workbook(book: Book) -> bool:
    names = set(book.sheet_names)
    if COVER in names:
        first = cells.read_text(book.sheet(COVER).value(0, 0)) or ""
        if FACTS_MARK in first:
            return True
    return {UNIT_SHEET.sheet, "预算", "绩效指标"} <= names


@dataclass(slots=True)
class FactsImport:
    case: Case
    sources: dict[str, str]
    locations: Locations
    data: dict[str, Any] | None = None  # the facts as validated plain data (for the checks)


def _header_row(
    sheet: Sheet, columns: tuple[Col, ...], limit: int = 15
) -> tuple[int, dict[str, int], dict[str, str]] | None:
    """The header row (best match in the first rows), column key → index, key → unit."""
    wanted = {header_key(strip_unit(c.header)): c.key for c in columns}
    for col in columns:
        for alias in col.aliases:
            wanted[header_key(alias)] = col.key
    best: tuple[int, dict[str, int], dict[str, str]] | None = None
    for r in range(min(limit, sheet.height)):
        found: dict[str, int] = {}
        units: dict[str, str] = {}
        for c in range(sheet.width):
            text = sheet.value(r, c)
            if not isinstance(text, str) or not text.strip():
                continue
            raw = header_key(text)
            key = wanted.get(header_key(strip_unit(raw)))
            if key is not None and key not in found:
                found[key] = c
                suffix = raw[len(strip_unit(raw)) :]
                unit = parse_unit(suffix)
                if unit:
                    units[key] = unit
                elif names_other_unit(suffix):
                    units[key] = "?" + suffix
        if found and (best is None or len(found) > len(best[1])):
            best = (r, found, units)
    return best


def _rows(sheet: Sheet, start: int, columns: dict[str, int], problems: Problems) -> list[Row]:
    """The non-blank rows below the header (blank spacer rows are skipped)."""
    if sheet.height - start > MAX_ROWS:
        problems.add("excel.too_many_rows", f"数据超过{MAX_ROWS}行", sheet.name)
        return []
    _merged_spill(sheet, start, problems)
    flagged = {r for r, _ in sheet.no_value} | {r for r, _ in sheet.errors}
    rows: list[Row] = []
    append = rows.append
    wanted = sorted(set(columns.values()))
    name = sheet.name
    for r in range(start, sheet.height):
        line = sheet.rows[r]
        if r in flagged:
            append(Row(r, line, columns, name))
            continue
        width = len(line)
        for c in wanted:
            if c < width:
                value = line[c]
                if value != "" and (type(value) is not str or value.strip()):
                    append(Row(r, line, columns, name))
                    break
    return rows


def _flagged(sheet: Sheet) -> set[int]:
    return {r for r, _ in sheet.no_value} | {r for r, _ in sheet.errors}


def _merged_spill(sheet: Sheet, start: int, problems: Problems) -> None:
    for r1, c1, r2, c2 in sheet.merged:
        if r2 < start:
            continue
        area = f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}"
        if r2 > r1:
            problems.add(
                "excel.merged",
                f"合并单元格{area}跨越{r2 - r1 + 1}行数据，只有第一行有值；每行须单独填写，请取消合并后再导入",
                sheet.name,
                cell_ref(r1, c1),
            )
        elif c2 > c1:
            problems.add(
                "excel.merged",
                f"合并单元格{area}跨越{c2 - c1 + 1}列，数据表中不能合并单元格；请取消合并",
                sheet.name,
                cell_ref(r1, c1),
            )


def _read_table(book: Book, table: Table, ctx: Ctx) -> None:
    if table.sheet not in book.sheet_names:
        return  # an absent table is an empty one
    sheet = book.sheet(table.sheet)
    ctx.sheets[table.sheet] = sheet
    found = _header_row(sheet, table.columns)
    if found is None:
        if any(not sheet.is_blank_row(r) for r in range(sheet.height)):
            ctx.problems.add(
                "excel.header_missing", "找不到表头行（第3行应为表头）", table.sheet, "A3"
            )
        return
    header, columns, units = found
    missing = [c.header for c in table.columns if c.required and c.key not in columns]
    if missing:
        ctx.problems.add(
            "excel.header_missing",
            f"缺少必需的列：{'、'.join(missing)}",
            table.sheet,
            cell_ref(header, 0),
        )
        return
    for key, unit in units.items():
        col = table.column(key)
        if col.kind not in ("amount", "signed_amount"):
            continue
        if unit.startswith("?"):
            ctx.problems.add(
                "excel.unit",
                f"表头“{col.header}{unit[1:]}”的金额单位只能是元或万元",
                table.sheet,
                cell_ref(header, columns[key]),
            )
            continue
        ctx.column_units[(table.sheet, key)] = unit
    rows = _rows(sheet, header + 1, columns, ctx.problems)
    if table.prefilled is not None:
        others = [key for key in columns if key != table.prefilled]
        rows = [row for row in rows if not row.blank(*others) or row.number in _flagged(sheet)]
    if table.load is _i_projects:  # long: read column-wise, no dict per row
        lines = [row.line for row in rows]
        values = {col.key: ctx.column(sheet, rows, lines, col) for col in table.columns}
        _c_projects(rows, values, ctx)
        return
    table.load(ctx.pairs(sheet, rows, table), ctx)


def _read_kv(book: Book, kv: KvSheet, ctx: Ctx, required_sheet: bool) -> dict[str, tuple[Any, str]]:
    """Path → (typed value, cell) of a key-value sheet (by the 字段 column, else by label)."""
    if kv.sheet not in book.sheet_names:
        if required_sheet:
            ctx.problems.add("excel.sheet_missing", f"缺少工作表「{kv.sheet}」", kv.sheet)
        return {}
    sheet = book.sheet(kv.sheet)
    ctx.sheets[kv.sheet] = sheet
    found = _header_row(sheet, KV_COLUMNS)
    if found is None or "value" not in found[1]:
        ctx.problems.add("excel.header_missing", "找不到“项目/值/字段”表头", kv.sheet, "A3")
        return {}
    header, columns, _ = found
    by_path = {row.path: row for row in kv.rows}
    by_label = {header_key(row.label): row for row in kv.rows}
    values: dict[str, tuple[Any, str]] = {}
    seen: set[str] = set()
    for r in range(header + 1, sheet.height):
        path = cells.read_text(sheet.value(r, columns["path"])) if "path" in columns else None
        label = cells.read_text(sheet.value(r, columns["label"])) if "label" in columns else None
        spec = by_path.get(path) if path else by_label.get(header_key(label or ""))
        value_ref = cell_ref(r, columns["value"])
        if spec is None:
            if path and not sheet.is_blank_row(r):
                ctx.problems.add(
                    "excel.unknown_field",
                    f"未知的字段「{path}」",
                    kv.sheet,
                    cell_ref(r, columns["path"]),
                )
            continue
        if spec.path in seen:
            ctx.problems.add("excel.duplicate", f"“{spec.label}”重复填写", kv.sheet, value_ref)
            continue
        seen.add(spec.path)
        value = _kv_value(sheet, r, columns, spec, ctx)
        if value is not None:
            values[spec.path] = (value, f"{kv.sheet}!{value_ref}")
    for spec in kv.rows:
        if spec.required and spec.path not in seen:
            ctx.problems.add("excel.required", f"缺少“{spec.label}”一行", kv.sheet)
    return values


def _kv_value(sheet: Sheet, r: int, columns: dict[str, int], spec: KvRow, ctx: Ctx) -> Any:
    """One key-value row's value; an amount in the unit its 单位 cell names."""
    row = Row(r, sheet.rows[r], {"value": columns["value"]}, sheet.name)
    col = Col("value", spec.label, spec.kind, required=spec.required, choices=spec.choices)
    if spec.kind in ("amount", "signed_amount") and "unit" in columns:
        unit_text = cells.read_text(sheet.value(r, columns["unit"])) or ""
        unit = parse_unit(unit_text)
        if unit_text and unit is None:
            ctx.problems.add(
                "excel.unit",
                f"单位「{unit_text}」应为元或万元",
                sheet.name,
                cell_ref(r, columns["unit"]),
            )
            return None
        ctx.column_units[(sheet.name, "value")] = unit or ctx.unit
    try:
        return ctx.read(row, col)
    finally:
        ctx.column_units.pop((sheet.name, "value"), None)


def _put(root: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    node = root
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value


def read_facts_workbook(
    book: Book, framework: str | None = None, case_id: str | None = None
) -> FactsImport:
    """Read a facts workbook into a validated ``Case``; raises ``WorkbookError`` listing all problems."""
    problems = Problems(Path(book.path).name)
    ctx = Ctx(problems)
    cover = _read_kv(book, KvSheet(COVER, "", "", COVER_ROWS), ctx, required_sheet=False)
    unit_values = _read_kv(book, UNIT_SHEET, ctx, required_sheet=True)
    unit = unit_values.get("amount_unit", ("万元", ""))[0]
    ctx.unit = unit
    for path, (value, where) in unit_values.items():
        _put(ctx.facts, path, value)
        ctx.locations[path] = where
    for kv in KV_SHEETS[1:]:
        for path, (value, where) in _read_kv(book, kv, ctx, required_sheet=False).items():
            _put(ctx.facts, path, value)
            ctx.locations[path] = where
    for table in TABLES:
        _read_table(book, table, ctx)
    meta = {path.removeprefix("case."): value for path, (value, _) in cover.items()}
    chosen_framework = framework or meta.get("framework")
    if not chosen_framework:
        problems.add(
            "excel.framework_missing",
            "工作簿未注明指标体系：请在「说明」表“指标体系”一栏填写指标体系编号，或在命令中用 --framework 指定",
            COVER,
        )
    problems.raise_if_any()
    name = ctx.facts.get("unit", {}).get("name", "")
    year = ctx.facts.get("year", "")
    ctx.raw["case"] = case_id or meta.get("case") or Path(book.path).stem
    ctx.raw["title"] = meta.get("title") or f"{name}{year}年度绩效评价"
    ctx.raw["framework"] = chosen_framework
    for key in ("source", "notes"):
        if meta.get(key):
            ctx.raw[key] = meta[key]
    for path, (_, where) in cover.items():
        ctx.locations[path.removeprefix("case.")] = where
    data = ctx.raw.get("facts")
    _prevalidate_projects(ctx.raw)
    case = validate_case(ctx.raw, ctx.locations, problems)
    return FactsImport(case, ctx.sources, ctx.locations, data)


_PROJECTS: Final = TypeAdapter(list[Project])


def _prevalidate_projects(raw: dict[str, Any]) -> None:
    """Validate a long project table on its own (faster than as part of the case); on any
    problem leave the dicts to the case's validation, which reports it at its cell."""
    facts = raw.get("facts") or {}
    projects = facts.get("projects")
    if not isinstance(projects, list) or len(projects) < 1000:
        return
    try:
        validated = _PROJECTS.validate_python(projects)
    except ValidationError:
        return
    raw["facts"] = {**facts, "projects": validated}


def validate_case(raw: dict[str, Any], locations: Mapping[str, str], problems: Problems) -> Case:
    """``Case.model_validate`` with its errors reported at the cells they concern."""
    try:
        return Case.model_validate(raw)
    except ValidationError as exc:
        messages = validation_problems(exc, raw, "工作簿")
        for error, message in zip(exc.errors(), messages, strict=True):
            path = _loc_path(tuple(error["loc"]))
            place = _place_of(path, locations)
            sheet, _, cell = place.partition("!")
            problems.add("excel.invalid", message.message, sheet, cell)
        problems.raise_if_any()
        raise AssertionError("unreachable") from None


def _loc_path(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text.removeprefix("facts.")


def _place_of(path: str, locations: Mapping[str, str]) -> str:
    probe = path
    while probe:
        if probe in locations:
            return locations[probe]
        cut = max(probe.rfind("."), probe.rfind("["))
        if cut <= 0:
            break
        probe = probe[:cut]
    return ""
