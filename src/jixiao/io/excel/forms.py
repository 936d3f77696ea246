"""The official self-evaluation forms (自评表), in and out.

Three layouts, described as data (``FormLayout``) and handled by one reader and one writer:

* ``mof10-project`` — 财预〔2020〕10号 附件 项目支出绩效自评表: 项目资金 block (年初预算数、
  全年预算数（A）、全年执行数（B）、分值、执行率（B/A）、得分) and 绩效指标 block (一级/二级/三级指标、
  年度指标值、实际完成值、分值、得分、偏差原因分析及改进措施);
* ``mof10-unit`` — 部门整体支出绩效自评表 in the same style (年度预算 rows 年度资金总额 / 基本支出 /
  人员经费 / 公用经费 / 项目支出);
* ``sichuan-project`` — 四川 部门预算项目支出绩效自评表 (预算执行情况 with 调整后预算数 and 原因;
  绩效指标 with 指标性质、指标值、度量单位、完成值、权重、得分、未完成原因分析; 评价结论、存在问题、
  改进措施).

The reader finds the blocks by their headers, not by fixed positions: merged cells (一级/二级
指标 spanning rows) are inherited, blank spacer rows skipped, full-width characters and a unit in
a header (``项目资金（万元）``) understood. A layout carries only part of a case's facts
(``carried_facts`` says which); the 执行率 and 总分 printed on a form are kept as claims, to be
checked against the computation when the case is evaluated.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from xlsxwriter.worksheet import Worksheet

from jixiao.engine import Result
from jixiao.engine.numbers import HUNDRED, ONE, Percent, format_number, format_percent, round_to
from jixiao.engine.rules.target_attainment import TEN_HAO_TIERS, attainment
from jixiao.facts.case import Case
from jixiao.facts.units import parse_unit
from jixiao.io.excel import cells
from jixiao.io.excel.cells import CellError, header_key, is_blank
from jixiao.io.excel.factsbook import (
    COMPARATOR_ALIASES,
    COMPARATORS,
    COVER,
    COVER_ROWS,
    Ctx,
    KvSheet,
    _read_kv,
    validate_case,
)
from jixiao.io.excel.problems import Problems
from jixiao.io.excel.reader import Book, Sheet, cell_ref
from jixiao.io.excel.writer import Styles, merge_text, new_workbook, write_text, write_value

PLACEHOLDERS: Final = frozenset({"—", "——", "-", "－", "/", "／", "*", "＊", "无", "\\"})
TOTAL_LABELS: Final = frozenset({"年度资金总额", "资金总额", "总额", "合计", "年度预算总额"})
CLASS_LABELS: Final = {
    "基本支出": "basic",
    "人员经费": "personnel",
    "公用经费": "public_funds",
    "项目支出": "project",
}
EXECUTION_RATE_EXPRESSION: Final = "budget.actual / budget.adjusted"
_TOTAL_KEYS: Final = frozenset(re.sub(r"\s+", "", t) for t in TOTAL_LABELS)
_POINTS_SUFFIX = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")
_COMBINED = re.compile(
    r"^(?P<cmp>≥|≤|=|>|<|>=|<=|大于等于|小于等于|不低于|不少于|不高于|不超过|等于|大于|小于)?\s*"
    r"(?P<num>[-+]?\d[\d,]*(?:\.\d+)?)\s*(?P<pct>%)?\s*(?P<unit>\S{0,12}?)\s*$"
)


@dataclass(frozen=True, slots=True)
class FormLayout:
    name: str
    title: str
    sheet: str
    description: str
    subject_label: str
    unit_label: str | None  # 实施单位 (project forms) — None when the subject is the unit
    funds_title: str
    funds_columns: tuple[tuple[str, str], ...]
    funds_rows: tuple[tuple[str, str], ...]
    targets_columns: tuple[tuple[str, str], ...]
    goal_labels: tuple[str, str, str]  # block label, planned, achieved
    goal_first: bool
    narrative: tuple[tuple[str, str], ...] = ()
    signatures: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()
    width: int = 9
    widths: tuple[float, ...] = (10, 11, 13, 30, 13, 13, 8, 9, 26)
    funds_points_label: str = "分值"
    execution_points: int = 10
    targets_title: str = "绩效指标"


MOF10_PROJECT: Final = FormLayout(
    name="mof10-project",
    title="项目支出绩效自评表",
    sheet="项目支出绩效自评表",
    description="财预〔2020〕10号附件 项目支出绩效自评表",
    subject_label="项目名称",
    unit_label="实施单位",
    funds_title="项目资金",
    funds_columns=(
        ("initial", "年初预算数"),
        ("adjusted", "全年预算数（A）"),
        ("actual", "全年执行数（B）"),
        ("points", "分值"),
        ("rate", "执行率（B/A）"),
        ("score", "得分"),
    ),
    funds_rows=(
        ("total", "年度资金总额"),
        ("funds:本年财政拨款", "其中：本年财政拨款"),
        ("funds:上年结转资金", "上年结转资金"),
        ("funds:其他资金", "其他资金"),
    ),
    targets_columns=(
        ("level1", "一级指标"),
        ("category", "二级指标"),
        ("name", "三级指标"),
        ("combined", "年度指标值"),
        ("actual", "实际完成值"),
        ("points", "分值"),
        ("score", "得分"),
        ("deviation_reason", "偏差原因分析及改进措施"),
    ),
    goal_labels=("年度总体目标", "预期目标", "实际完成情况"),
    goal_first=False,
    notes=(
        "注：1. 一级指标分值统一设置为：产出指标50分、效益指标30分、服务对象满意度指标10分、预算资金执行率10分。"
        "如有特殊情况，一级指标权重可做适当调整。二、三级指标应当根据指标重要程度、项目实施阶段等因素确定。",
        "2. 定量指标若为正向指标，则得分计算方法应用全年实际值（B）/年度指标值（A）×该指标分值；"
        "若为反向指标，则得分计算方法应用年度指标值（A）/全年实际值（B）×该指标分值。",
    ),
)

MOF10_UNIT: Final = FormLayout(
    name="mof10-unit",
    title="部门整体支出绩效自评表",
    sheet="部门整体支出绩效自评表",
    description="部门整体支出绩效自评表（财预〔2020〕10号项目自评表同式）",
    subject_label="部门（单位）名称",
    unit_label=None,
    funds_title="年度预算",
    funds_columns=MOF10_PROJECT.funds_columns,
    funds_rows=(
        ("total", "年度资金总额"),
        ("class:basic", "其中：基本支出"),
        ("class:personnel", "人员经费"),
        ("class:public_funds", "公用经费"),
        ("class:project", "项目支出"),
    ),
    targets_columns=MOF10_PROJECT.targets_columns,
    goal_labels=("年度总体目标", "预期目标", "实际完成情况"),
    goal_first=False,
    notes=MOF10_PROJECT.notes,
)

SICHUAN_PROJECT: Final = FormLayout(
    name="sichuan-project",
    title="部门预算项目支出绩效自评表",
    sheet="项目支出绩效自评表",
    description="四川省 部门预算项目支出绩效自评表（含指标性质、度量单位、调整后预算数）",
    subject_label="项目名称",
    unit_label="实施单位（盖章）",
    funds_title="预算执行情况",
    funds_columns=(
        ("initial", "年初预算"),
        ("adjusted", "调整后预算数"),
        ("actual", "预算执行数"),
        ("rate", "预算执行率"),
        ("points", "权重"),
        ("score", "得分"),
        ("note", "原因"),
    ),
    funds_rows=(
        ("total", "总额"),
        ("funds:财政资金", "其中：财政资金"),
        ("funds:财政专户管理资金", "财政专户管理资金"),
        ("funds:单位资金", "单位资金"),
        ("funds:其他资金", "其他资金"),
    ),
    targets_columns=(
        ("level1", "一级指标"),
        ("category", "二级指标"),
        ("name", "三级指标"),
        ("comparator", "指标性质"),
        ("target", "指标值"),
        ("unit", "度量单位"),
        ("actual", "完成值"),
        ("points", "权重"),
        ("score", "得分"),
        ("deviation_reason", "未完成原因分析"),
    ),
    goal_labels=("项目年度目标", "项目年度目标", "年度目标完成情况"),
    goal_first=True,
    narrative=(
        ("implementation", "项目实施内容及过程概述"),
        ("conclusion", "评价结论"),
        ("problems", "存在问题"),
        ("measures", "改进措施"),
    ),
    signatures=(("project_leader", "项目负责人"), ("finance_leader", "财务负责人")),
    notes=(
        "注：1. 预算执行率=预算执行数/调整后预算数×100%；预算执行率低于90%的须说明原因；年中预算调整的须说明原因。",
        "2. 评价结论、存在问题、改进措施每项不超过200字。",
    ),
    width=11,
    widths=(10, 11, 13, 28, 9, 11, 9, 11, 8, 9, 24),
    funds_points_label="权重",
)

LAYOUTS: Final[dict[str, FormLayout]] = {
    layout.name: layout for layout in (MOF10_PROJECT, MOF10_UNIT, SICHUAN_PROJECT)
}

_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "initial": ("年初预算数", "年初预算"),
    "adjusted": ("全年预算数", "调整后预算数", "全年预算", "调整后预算", "全年(调整)预算数"),
    "actual": ("全年执行数", "预算执行数", "执行数", "全年执行", "实际执行数"),
    "points": ("分值", "权重"),
    "rate": ("执行率", "预算执行率"),
    "score": ("得分",),
    "note": ("原因", "偏差原因"),
    "level1": ("一级指标",),
    "category": ("二级指标",),
    "name": ("三级指标",),
    "combined": ("年度指标值",),
    "comparator": ("指标性质", "计算符号"),
    "target": ("指标值",),
    "unit": ("度量单位", "计量单位"),
    "deviation_reason": ("偏差原因分析及改进措施", "未完成原因分析", "偏差原因分析"),
    "actual_value": ("实际完成值", "完成值", "全年完成值"),
}


def _hk(text: str) -> str:
    """A header as compared: half-width, no spaces, no bracketed suffix such as （A） or （万元）."""
    key = header_key(text)
    return re.sub(r"\([^()]*\)$", "", key)


def _match_header(text: Any, names: tuple[str, ...]) -> bool:
    return isinstance(text, str) and _hk(text) in {_hk(n) for n in names}


# ------------------------------------------------------------------------------------ reading


@dataclass(slots=True)
class FormImport:
    case: Case
    sources: dict[str, str]
    locations: MutableMapping[str, str]
    layout: str
    warnings: list[str]


def detect_form(book: Book) -> tuple[FormLayout, Sheet, int] | None:
    """The layout, sheet and targets-header row of the first sheet that is an official form."""
    for sheet_name in book.sheet_names:
        if sheet_name == COVER:
            continue
        sheet = book.sheet(sheet_name)
        header = _find_row(sheet, ("一级指标", "三级指标"))
        funds = _find_row(sheet, ("年初预算",), loose=True)
        if header is None and funds is None:
            continue
        title = _title(sheet)
        row_texts = {_hk(str(v)) for v in (sheet.rows[header] if header is not None else [])}
        if header is not None and {"指标性质", "度量单位"} & row_texts:
            return SICHUAN_PROJECT, sheet, header
        if (
            "部门整体" in title
            or "部门(单位)整体" in cells.nfkc(title)
            or _find_label(sheet, ("部门(单位)名称", "部门名称", "单位名称"))
        ):
            return MOF10_UNIT, sheet, header if header is not None else -1
        if "项目" in title or _find_label(sheet, ("项目名称",)):
            return MOF10_PROJECT, sheet, header if header is not None else -1
    return None


def _title(sheet: Sheet) -> str:
    for r in range(min(6, sheet.height)):
        for value in sheet.rows[r]:
            if isinstance(value, str) and "自评表" in value:
                return value.strip()
    return ""


def _find_row(sheet: Sheet, names: tuple[str, ...], loose: bool = False) -> int | None:
    for r in range(min(sheet.height, 400)):
        texts = [_hk(v) for v in sheet.rows[r] if isinstance(v, str) and v.strip()]
        if loose:
            if all(any(n in t for t in texts) for n in names):
                return r
        elif all(n in texts for n in names):
            return r
    return None


def _find_label(sheet: Sheet, labels: tuple[str, ...]) -> tuple[int, int] | None:
    wanted = {_hk(label) for label in labels}
    for r in range(min(sheet.height, 400)):
        for c, value in enumerate(sheet.rows[r]):
            if isinstance(value, str) and _hk(value) in wanted:
                return r, c
    return None


def _right_of(sheet: Sheet, row: int, col: int, stop: set[str]) -> tuple[Any, int] | None:
    """The first non-blank value right of (row, col) in the same row, unless it is another label."""
    area = sheet.merge_at(row, col)
    start = (area[3] if area else col) + 1
    for c in range(start, sheet.width):
        value = sheet.value(row, c)
        if is_blank(value):
            continue
        if isinstance(value, str) and _hk(value) in stop:
            return None
        return value, c
    return None


def read_form(
    book: Book,
    framework: str | None = None,
    case_id: str | None = None,
    detected: tuple[FormLayout, Sheet, int] | None = None,
) -> FormImport:
    problems = Problems(Path(book.path).name)
    found = detected or detect_form(book)
    if found is None:
        problems.add(
            "excel.layout_unknown", "认不出自评表格式（找不到“一级指标/三级指标”表头或资金表）"
        )
        problems.raise_if_any()
        raise AssertionError("unreachable")
    layout, sheet, targets_header = found
    ctx = Ctx(problems)
    reader = _FormReader(layout, sheet, ctx)
    reader.read(targets_header)
    cover = _read_kv(book, KvSheet(COVER, "", "", COVER_ROWS), ctx, required_sheet=False)
    meta = {path.removeprefix("case."): value for path, (value, _) in cover.items()}
    chosen = framework or meta.get("framework")
    if not chosen:
        problems.add(
            "excel.framework_missing",
            "自评表未注明指标体系：请用 --framework 指定（如 national-2020-10-project-self），"
            "或在工作簿中加一张「说明」表，在“指标体系”一栏填写",
            sheet.name,
        )
    problems.raise_if_any()
    facts = ctx.facts
    subject = facts.get("subject") or facts.get("unit", {}).get("name", "")
    ctx.raw["case"] = case_id or meta.get("case") or Path(book.path).stem
    ctx.raw["title"] = (
        meta.get("title")
        or f"{subject}{facts.get('year', '')}年度{layout.title.removesuffix('表')}"
    )
    ctx.raw["framework"] = chosen
    for key in ("source", "notes"):
        if meta.get(key):
            ctx.raw[key] = meta[key]
    case = validate_case(ctx.raw, ctx.locations, problems)
    return FormImport(case, {}, ctx.locations, layout.name, reader.warnings)


class _FormReader:
    def __init__(self, layout: FormLayout, sheet: Sheet, ctx: Ctx) -> None:
        self.layout = layout
        self.sheet = sheet
        self.ctx = ctx
        self.warnings: list[str] = []
        self.unit: str | None = None
        labels = [
            layout.subject_label,
            "主管部门",
            layout.unit_label or "实施单位",
            "实施单位",
            "实施单位(盖章)",
        ]
        labels += [label for _, label in (*layout.narrative, *layout.signatures)]
        labels += ["部门(单位)名称", "部门名称", "单位名称", "项目名称"]
        self.labels = {_hk(label) for label in labels}

    def where(self, row: int, col: int) -> str:
        return f"{self.sheet.name}!{cell_ref(row, col)}"

    def problem(self, row: int, col: int, code: str, message: str) -> None:
        self.ctx.problems.add(code, message, self.sheet.name, cell_ref(row, col))

    def trouble(self, row: int, col: int) -> bool:
        found = self.sheet.cell_problem(row, col)
        if found is not None:
            self.problem(row, col, *found)
            return True
        return False

    def read(self, targets_header: int) -> None:
        facts = self.ctx.facts
        year = self._year()
        if year is not None:
            facts["year"] = year
        else:
            self.problem(0, 0, "excel.required", "标题中找不到年度（如“（2021年度）”）")
        self._header_fields()
        funds_header = _find_row(self.sheet, ("年初预算",), loose=True)
        if funds_header is not None:
            self._funds(funds_header)
        facts["amount_unit"] = self.unit or "万元"
        if self.unit is None:
            self.warnings.append("表中未注明金额单位，按万元读取")
        self._goals()
        if targets_header >= 0:
            self._targets(targets_header)
        self._narrative()

    def _year(self) -> int | None:
        for r in range(min(6, self.sheet.height)):
            for value in self.sheet.rows[r]:
                if isinstance(value, str):
                    found = re.search(r"(\d{4})\s*年", cells.nfkc(value))
                    if found:
                        return int(found.group(1))
        return None

    def _labelled(self, names: tuple[str, ...]) -> tuple[Any, int, int] | None:
        spot = _find_label(self.sheet, names)
        if spot is None:
            return None
        got = _right_of(self.sheet, spot[0], spot[1], self.labels)
        if got is None:
            return None
        return got[0], spot[0], got[1]

    def _text(self, names: tuple[str, ...], path: str) -> str | None:
        got = self._labelled(names)
        if got is None:
            return None
        value, row, col = got
        if self.trouble(row, col):
            return None
        text = cells.read_text(value)
        if text is not None:
            self.ctx.locations[path] = self.where(row, col)
        return text

    def _header_fields(self) -> None:
        layout, facts = self.layout, self.ctx.facts
        subject = self._text((layout.subject_label,), "subject")
        department = self._text(("主管部门",), "unit.department")
        unit_name = (
            self._text((layout.unit_label, "实施单位", "实施单位(盖章)"), "unit.name")
            if layout.unit_label
            else None
        )
        unit: dict[str, Any] = {}
        if layout.unit_label is None:
            unit["name"] = subject
            if subject is not None:
                self.ctx.locations["unit.name"] = self.ctx.locations.pop("subject")
        else:
            unit["name"] = unit_name or department or subject
            if subject and subject != unit["name"]:
                facts["subject"] = subject
        if department is not None:
            unit["department"] = department
        if unit.get("name") is None:
            label = layout.unit_label or layout.subject_label
            self.problem(2, 0, "excel.required", f"“{label}”不能为空")
            unit["name"] = ""
        facts["unit"] = unit

    # ---- funds

    def _funds_columns(self, header: int) -> dict[str, int]:
        columns: dict[str, int] = {}
        for c in range(self.sheet.width):
            text = self.sheet.value(header, c)
            if not isinstance(text, str) or not text.strip():
                continue
            key = _funds_key(text, columns)
            if key is not None:
                columns[key] = c
                self._note_unit(text)
        return columns

    def _note_unit(self, text: str) -> None:
        unit = parse_unit(text) if "元" in text else None
        if unit and self.unit is None:
            self.unit = unit

    def _funds(self, header: int) -> None:
        columns = self._funds_columns(header)
        amounts = [columns[k] for k in ("initial", "adjusted", "actual") if k in columns]
        if not amounts:
            return
        first = min(amounts)
        block_titles = set()
        for c in range(first):
            for r in (header, header - 1):
                value = self.sheet.merged_value(r, c) if r >= 0 else ""
                if isinstance(value, str) and value.strip():
                    block_titles.add(_hk(value))
                    self._note_unit(value)
        budget = self.ctx.facts.setdefault("budget", {})
        end = self._funds_end(header, first)
        self._spill(header + 1, end, list(columns.values()))
        for r in range(header + 1, end):
            label = self._row_label(r, first, block_titles)
            if label is not None:
                self._fund_row(r, label, columns, budget)
        if not budget:
            del self.ctx.facts["budget"]

    def _funds_end(self, header: int, first: int) -> int:
        stops = {
            _hk(x)
            for x in (
                *self.layout.goal_labels,
                self.layout.targets_title,
                "年度总体目标",
                "项目年度目标",
            )
        }
        for r in range(header + 1, self.sheet.height):
            for c in range(self.sheet.width):
                value = self.sheet.value(r, c)
                if isinstance(value, str) and _hk(value) in stops:
                    return r
            if any(
                _hk(str(v)) in ("一级指标", "三级指标")
                for v in self.sheet.rows[r]
                if isinstance(v, str)
            ):
                return r
        return self.sheet.height

    def _row_label(self, row: int, first: int, block_titles: set[str]) -> str | None:
        for c in range(first):
            value = self.sheet.value(row, c)
            if isinstance(value, str) and value.strip() and _hk(value) not in block_titles:
                text = cells.nfkc(value).strip()
                return re.sub(r"^其中\s*[:：]?\s*", "", text)
        return None

    def _fund_amounts(self, row: int, columns: dict[str, int]) -> dict[str, tuple[Decimal, int]]:
        values: dict[str, tuple[Decimal, int]] = {}
        for name in ("initial", "adjusted", "actual"):
            c = columns.get(name)
            if c is None or self.trouble(row, c):
                continue
            raw = self.sheet.value(row, c)
            if isinstance(raw, str) and raw.strip() in PLACEHOLDERS:
                continue
            try:
                value = cells.read_amount(raw, self.sheet.format_of(row, c))
            except CellError as exc:
                self.problem(row, c, exc.code, exc.reason)
                continue
            if value is not None:
                values[name] = (value, c)
        return values

    def _fund_note(self, row: int, columns: dict[str, int]) -> str | None:
        if "note" not in columns or self.trouble(row, columns["note"]):
            return None
        note = cells.read_text(self.sheet.value(row, columns["note"]))
        return None if note in PLACEHOLDERS else note

    def _fund_row(
        self, row: int, label: str, columns: dict[str, int], budget: dict[str, Any]
    ) -> None:
        key = _hk(label)
        values = self._fund_amounts(row, columns)
        note = self._fund_note(row, columns)
        if key in _TOTAL_KEYS:
            target, prefix = budget, "budget"
            self._rate_claim(row, columns, values)
        elif key in CLASS_LABELS:
            if not values:
                return
            name = CLASS_LABELS[key]
            target, prefix = budget.setdefault(name, {}), f"budget.{name}"
        else:
            if not values and note is None:
                return
            original = label.strip()
            target = budget.setdefault("funds", {}).setdefault(original, {})
            prefix = f"budget.funds.{original}"
        for name, (value, c) in values.items():
            target[name] = value
            self.ctx.locations[f"{prefix}.{name}"] = self.where(row, c)
        if note is not None:
            target["note"] = note
            self.ctx.locations[f"{prefix}.note"] = self.where(row, columns["note"])

    def _rate_claim(self, row: int, columns: dict[str, int], values: dict[str, Any]) -> None:
        if "rate" not in columns:
            return
        c = columns["rate"]
        if self.trouble(row, c):
            return
        raw = self.sheet.value(row, c)
        if is_blank(raw) or (isinstance(raw, str) and raw.strip() in PLACEHOLDERS):
            return
        header = str(self.sheet.value(row - 1, c) or "")
        try:
            printed = _printed_rate(raw, self.sheet.format_of(row, c), "%" in cells.nfkc(header))
        except CellError as exc:
            self.problem(row, c, exc.code, exc.reason)
            return
        claims = self.ctx.raw.setdefault("claims", [])
        claims.append(
            {
                "label": "预算执行率",
                "expression": EXECUTION_RATE_EXPRESSION,
                "printed": printed,
                "where": self.where(row, c),
            }
        )

    # ---- goals

    def _goals(self) -> None:
        _, planned_label, achieved_label = self.layout.goal_labels
        goal: dict[str, str] = {}
        for key, label in (("planned", planned_label), ("achieved", achieved_label)):
            spot = _find_label(self.sheet, (label,))
            if spot is None:
                continue
            row, col = spot
            area = self.sheet.merge_at(row, col)
            below = (area[2] if area else row) + 1
            if self.trouble(below, col):
                continue
            text = cells.read_text(self.sheet.value(below, col))
            if text is not None and _hk(text) not in self.labels:
                goal[key] = text
                self.ctx.locations[f"overall_goal.{key}"] = self.where(below, col)
        if goal:
            self.ctx.facts["overall_goal"] = goal

    # ---- targets

    def _targets_columns(self, header: int) -> dict[str, int]:
        columns: dict[str, int] = {}
        for c in range(self.sheet.width):
            text = self.sheet.value(header, c)
            if not isinstance(text, str):
                continue
            for key in _TARGET_KEYS:
                if key not in columns and _match_header(text, _SYNONYMS[key]):
                    columns[key] = c
                    break
        return columns

    def _inherit(self, r: int, columns: dict[str, int], inherited: dict[str, str | None]) -> None:
        """一级/二级指标 merged over rows (or left blank under the first) belong to every row."""
        for key in ("level1", "category"):
            if key in columns:
                value = cells.read_text(self.sheet.merged_value(r, columns[key]))
                if value is not None and value not in PLACEHOLDERS:
                    inherited[key] = _POINTS_SUFFIX.sub("", cells.nfkc(value)).strip()

    def _targets(self, header: int) -> None:
        columns = self._targets_columns(header)
        if "name" not in columns:
            self.problem(header, 0, "excel.header_missing", "绩效指标表缺少“三级指标”列")
            return
        end, total = self._targets_end(header)
        if total is not None and "score" in columns:
            self._total_row(total, columns["score"])
        self._spill(
            header + 1, end, [c for k, c in columns.items() if k not in ("level1", "category")]
        )
        targets: list[dict[str, Any]] = []
        inherited: dict[str, str | None] = {"level1": None, "category": None}
        for r in range(header + 1, end):
            self._inherit(r, columns, inherited)
            name_raw = self.sheet.value(r, columns["name"])
            name = cells.read_text(name_raw)
            others = [k for k in columns if k not in ("level1", "category", "name")]
            if name is None or name in PLACEHOLDERS:
                if any(not is_blank(self.sheet.value(r, columns[k])) for k in others):
                    self.problem(r, columns["name"], "excel.required", "“三级指标”不能为空")
                continue
            target: dict[str, Any] = {"name": name}
            path = f"targets[{len(targets)}]"
            self.ctx.locations[path] = self.where(r, columns["name"])
            self.ctx.locations[f"{path}.name"] = self.where(r, columns["name"])
            for key in ("level1", "category"):
                if inherited.get(key):
                    target[key] = inherited[key]
            self._target_values(r, columns, target, path)
            targets.append(target)
        if targets:
            self.ctx.facts["targets"] = targets

    def _targets_end(self, header: int) -> tuple[int, int | None]:
        """The row after the last target, and the 总分 row if there is one."""
        totals = {_hk(x) for x in ("总分", "合计", "总计")}
        stops = totals | {
            _hk(label) for _, label in (*self.layout.narrative, *self.layout.signatures)
        }
        for r in range(header + 1, self.sheet.height):
            for value in self.sheet.rows[r]:
                if not isinstance(value, str):
                    continue
                key = _hk(value)
                if key in totals:
                    return r, r
                if key in stops or value.strip().startswith("注"):
                    return r, None
        return self.sheet.height, None

    def _total_row(self, row: int, col: int) -> None:
        raw = self.sheet.value(row, col)
        if is_blank(raw) or self.trouble(row, col):
            return
        try:
            value = cells.read_number(raw, self.sheet.format_of(row, col))
        except CellError as exc:
            self.problem(row, col, exc.code, exc.reason)
            return
        if value is not None:
            self.ctx.raw.setdefault("claims", []).append(
                {"total": format_number(value), "where": self.where(row, col)}
            )

    def _target_values(
        self, row: int, columns: dict[str, int], target: dict[str, Any], path: str
    ) -> None:
        def raw(key: str) -> Any:
            if key not in columns or self.trouble(row, columns[key]):
                return None
            value = self.sheet.value(row, columns[key])
            if isinstance(value, str) and value.strip() in PLACEHOLDERS:
                return None
            return value

        def put(field: str, value: Any, key: str) -> None:
            if value is not None:
                target[field] = value
                self.ctx.locations[f"{path}.{field}"] = self.where(row, columns[key])

        def fmt(key: str) -> Any:
            return self.sheet.format_of(row, columns[key]) if key in columns else None

        self._target_value(row, columns, raw, fmt, put)
        for field, key, reader in _TARGET_READERS:
            value = raw(key)
            if value is None:
                continue
            try:
                put(field, reader(value, fmt(key)), key)
            except CellError as exc:
                self.problem(row, columns[key], exc.code, exc.reason)
        _actual_without_unit(target)

    def _target_value(
        self,
        row: int,
        columns: dict[str, int],
        raw: Callable[[str], Any],
        fmt: Callable[[str], Any],
        put: Callable[[str, Any, str], None],
    ) -> None:
        """指标性质, 指标值 and 度量单位: in one cell (10号 年度指标值 ``≥95%``) or in three."""
        try:
            if "combined" in columns:
                comparator, value, unit = split_combined(raw("combined"), fmt("combined"))
                for name, found in (("comparator", comparator), ("target", value), ("unit", unit)):
                    put(name, found, "combined")
            else:
                self._separate_target(raw, fmt, put)
        except CellError as exc:
            key = "combined" if "combined" in columns else "comparator"
            self.problem(row, columns.get(key, 0), exc.code, exc.reason)

    @staticmethod
    def _separate_target(
        raw: Callable[[str], Any], fmt: Callable[[str], Any], put: Callable[[str, Any, str], None]
    ) -> None:
        """指标性质, 指标值 and 度量单位 in columns of their own (四川 form)."""
        comparator = None
        if raw("comparator") is not None:
            comparator = cells.read_choice(raw("comparator"), COMPARATORS, COMPARATOR_ALIASES)
        put("comparator", comparator, "comparator")
        put("target", cells.read_value(raw("target"), fmt("target")), "target")
        put("unit", cells.read_text(raw("unit")), "unit")

    # ---- narrative

    def _narrative(self) -> None:
        found: dict[str, str] = {}
        for key, label in (*self.layout.narrative, *self.layout.signatures):
            text = self._text((label,), f"narrative.{key}")
            if text is not None and text not in PLACEHOLDERS:
                found[key] = text
        if found:
            self.ctx.raw["narrative"] = found

    def _spill(self, start: int, end: int, value_columns: list[int]) -> None:
        for r1, c1, r2, c2 in self.sheet.merged:
            if r2 <= r1 or r1 < start or r1 >= end:
                continue
            if any(c1 <= c <= c2 for c in value_columns):
                area = f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}"
                self.problem(
                    r1,
                    c1,
                    "excel.merged",
                    f"合并单元格{area}跨越{r2 - r1 + 1}行：各行的数值须分别填写，请取消合并",
                )


_FUNDS_KEYS: Final = ("initial", "adjusted", "actual", "points", "rate", "score", "note")


def _funds_key(text: str, taken: dict[str, int]) -> str | None:
    """Which funds column a header names (``全年预算数（A）`` → adjusted)."""
    key_text = _hk(text)
    for key in _FUNDS_KEYS:
        if key in taken or not any(key_text.startswith(_hk(n)) for n in _SYNONYMS[key]):
            continue
        if (key == "actual" and "率" in text) or (key == "adjusted" and "执行" in text):
            continue
        return key
    return None


_TARGET_READERS: Final[tuple[tuple[str, str, Callable[[Any, Any], Any]], ...]] = (
    ("actual", "actual_value", cells.read_value),
    ("points", "points", cells.read_number),
    ("score", "score", cells.read_number),
    ("deviation_reason", "deviation_reason", lambda value, fmt: cells.read_text(value)),
)


def _actual_without_unit(target: dict[str, Any]) -> None:
    """``120次`` as 实际完成值 of a target measured in 次 is the number 120."""
    if "unit" in target and "actual" in target and isinstance(target["actual"], str):
        stripped = target["actual"].removesuffix(str(target["unit"])).strip()
        with contextlib.suppress(CellError):
            target["actual"] = cells.read_number(stripped)


_TARGET_KEYS: Final = (
    "level1",
    "category",
    "name",
    "combined",
    "comparator",
    "target",
    "unit",
    "points",
    "score",
    "deviation_reason",
    "actual_value",
)


def _printed_rate(raw: Any, fmt: Any, header_percent: bool) -> str:
    """The rate as printed on the form: ``95.88%``; a bare 95.88 only under a (%) header."""
    if isinstance(raw, str):
        text = cells.nfkc(raw).strip()
        value = cells.read_number(text)
        if value is None:
            raise CellError("excel.not_number", f"「{raw}」不是比率")
        if isinstance(value, Percent):
            return text
        raw = float(value)
    number = cells.read_number(raw, fmt)
    assert number is not None
    if isinstance(number, Percent):
        if number > cells.RATE_MAX:
            raise CellError("excel.percent", cells.percent_format_reason(number))
        places = max(fmt.decimals, 0) if fmt is not None else 2
        return f"{round_to(number * HUNDRED, places):.{places}f}%"
    if header_percent:
        return format_number(number) + "%"
    if number <= cells.RATE_MAX:
        return format_percent(number, 2)
    raise CellError(
        "excel.percent",
        f"执行率「{format_number(number)}」有歧义：若指{format_number(number)}%，请写“{format_number(number)}%”"
        f"或{format_number(number / HUNDRED)}，或在表头注明（%）",
    )


def split_combined(
    raw: Any, fmt: Any = None
) -> tuple[str | None, Decimal | str | None, str | None]:
    """``≥95%`` → (≥, 95%, None); ``≥100次`` → (≥, 100, 次); ``达到预期`` → (定性, 达到预期, None)."""
    if is_blank(raw):
        return None, None, None
    if not isinstance(raw, str):
        return None, cells.read_number(raw, fmt), None
    text = cells.nfkc(raw).strip()
    if text == "定性":
        return "定性", None, None
    found = _COMBINED.match(text)
    if found is None:
        return "定性", raw.strip(), None
    comparator = found.group("cmp")
    if comparator is not None:
        comparator = COMPARATOR_ALIASES.get(comparator, comparator)
    number = Decimal(found.group("num").replace(",", ""))
    value: Decimal = Percent(number / HUNDRED) if found.group("pct") else number
    unit = found.group("unit") or None
    return comparator, value, unit


def combined_text(comparator: str | None, value: Any, unit: str | None) -> str | Decimal | None:
    """The inverse of ``split_combined`` (what the 10号 form prints in 年度指标值)."""
    if comparator == "定性":
        if value is None:
            return "定性"
        return value if isinstance(value, str) else _value_text(value) + (unit or "")
    if value is None:
        return None
    text = value if isinstance(value, str) else _value_text(value)
    if (
        comparator is None
        and not unit
        and isinstance(value, Decimal)
        and not isinstance(value, Percent)
    ):
        return value
    return f"{comparator or ''}{text}{unit or ''}"


def _value_text(value: Decimal) -> str:
    if isinstance(value, Percent):
        return format_number(value * HUNDRED) + "%"
    return format(value, "f")


# ------------------------------------------------------------------------------------ writing


def write_form(
    path: str | Path, case: Case, layout: FormLayout | str, result: Result | None = None
) -> Path:
    """Write ``case`` into an official form, filling scores from ``result`` when given."""
    chosen = LAYOUTS[layout] if isinstance(layout, str) else layout
    target = Path(path)
    book = new_workbook(str(target))
    try:
        _FormWriter(book, chosen, case, result).write()
    finally:
        book.close()
    return target


class _FormWriter:
    def __init__(self, book: Any, layout: FormLayout, case: Case, result: Result | None) -> None:
        self.book = book
        self.layout = layout
        self.case = case
        self.facts = case.facts
        self.result = result
        self.styles = Styles(book, {"font_size": 10, "border": 1, "text_wrap": True})
        self.sheet: Worksheet = book.add_worksheet(layout.sheet)
        self.row = 0
        self.lines: dict[int, int] = {}

    # --- helpers
    def fit(self, r1: int, c1: int, r2: int, c2: int, value: Any) -> None:
        """Remember how many lines ``value`` needs, so the row is made tall enough."""
        if value is None:
            return
        text = value if isinstance(value, str) else str(value)
        width = sum(self.layout.widths[c1 : c2 + 1]) * 0.9
        length = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
        lines = max(1, -(-length // max(int(width), 1)))
        rows = r2 - r1 + 1
        per_row = -(-lines // rows)
        for r in range(r1, r2 + 1):
            self.lines[r] = max(self.lines.get(r, 1), per_row)

    def label(self, r1: int, c1: int, r2: int, c2: int, text: str, **props: Any) -> None:
        self.fit(r1, c1, r2, c2, text)
        merge_text(
            self.sheet,
            r1,
            c1,
            r2,
            c2,
            text,
            self.styles,
            bold=True,
            align="center",
            bg_color="#F2F2F2",
            **props,
        )

    def text(self, r1: int, c1: int, r2: int, c2: int, value: Any, **props: Any) -> None:
        self.fit(r1, c1, r2, c2, value)
        merge_text(
            self.sheet,
            r1,
            c1,
            r2,
            c2,
            value,
            self.styles,
            align=props.pop("align", "left"),
            **props,
        )

    def number(self, r: int, c: int, value: Decimal | None, **props: Any) -> None:
        write_value(self.sheet, r, c, value, self.styles, align="right", **props)

    def write(self) -> None:
        layout, sheet, width = self.layout, self.sheet, self.layout.width
        for index, column_width in enumerate(layout.widths):
            sheet.set_column(index, index, column_width)
        plain = {"border": 0}
        merge_text(
            sheet,
            0,
            0,
            0,
            width - 1,
            layout.title,
            self.styles,
            bold=True,
            font_size=16,
            align="center",
            **plain,
        )
        sheet.set_row(0, 30)
        merge_text(
            sheet,
            1,
            0,
            1,
            width - 1,
            f"（{self.facts.year}年度）",
            self.styles,
            align="center",
            **plain,
        )
        self.row = 2
        self._header()
        if layout.goal_first:
            self._goals()
            self._implementation()
            self._funds()
        else:
            self._funds()
            self._goals()
        self._targets()
        self._narrative()
        self._notes()
        for row, lines in self.lines.items():
            if lines > 1 and row > 1:
                sheet.set_row(row, 14 * lines + 4)
        self._page_setup()
        self._cover()

    def _header(self) -> None:
        layout, facts, width = self.layout, self.facts, self.layout.width
        r = self.row
        subject = (
            facts.unit.name if layout.unit_label is None else (facts.subject or facts.unit.name)
        )
        self.label(r, 0, r, 0, layout.subject_label)
        self.text(r, 1, r, width - 1, subject)
        r += 1
        half = width // 2
        self.label(r, 0, r, 0, "主管部门")
        if layout.unit_label is not None:
            self.text(r, 1, r, half - 1, facts.unit.department)
            self.label(r, half, r, half, layout.unit_label)
            self.text(r, half + 1, r, width - 1, facts.unit.name)
        else:
            self.text(r, 1, r, width - 1, facts.unit.department)
        self.row = r + 1

    def _fund_values(self, key: str) -> Any:
        budget = self.facts.budget
        if key == "total":
            return budget
        kind, _, name = key.partition(":")
        if kind == "class":
            return getattr(budget, name)
        return budget.funds.get(name)

    def _funds(self) -> None:
        layout, width = self.layout, self.layout.width
        budget = self.facts.budget
        rows: list[tuple[str, str, Any]] = []
        for key, label in layout.funds_rows:
            rows.append((key, label, self._fund_values(key)))
        standard = {
            key.partition(":")[2] for key, _ in layout.funds_rows if key.startswith("funds:")
        }
        extra = [(f"funds:{n}", n, p) for n, p in budget.funds.items() if n not in standard]
        if not any(k.startswith("funds:") for k, _ in layout.funds_rows) and budget.funds:
            extra = [(f"funds:{n}", n, p) for n, p in budget.funds.items()]
        rows += extra
        if len(rows) > 1 and not rows[1][1].startswith("其中"):
            rows[1] = (rows[1][0], "其中：" + rows[1][1], rows[1][2])
        top = self.row
        columns = layout.funds_columns
        first = 3
        unit = self.facts.amount_unit
        self.label(top, 0, top + len(rows), 0, f"{layout.funds_title}（{unit}）")
        self.label(top, 1, top, first - 1, "")
        col_of: dict[str, int] = {}
        c = first
        for key, header in columns:
            last = c if not (key == "note" and c < width - 1) else width - 1
            self.label(top, c, top, last, header)
            col_of[key] = c
            c = last + 1
        for offset, (key, label, part) in enumerate(rows, start=1):
            r = top + offset
            self.text(r, 1, r, first - 1, label)
            for name in ("initial", "adjusted", "actual"):
                self.number(
                    r, col_of[name], getattr(part, name, None) if part is not None else None
                )
            is_total = key == "total"
            points = Decimal(layout.execution_points) if is_total else None
            self.text(
                r,
                col_of["points"],
                r,
                col_of["points"],
                points if is_total else "—",
                align="center",
            )
            rate = _rate(part) if is_total and part is not None else None
            if rate is not None:
                write_value(
                    self.sheet,
                    r,
                    col_of["rate"],
                    Percent(round_to(rate, 4)),
                    self.styles,
                    num_format="0.00%",
                    align="right",
                )
            else:
                self.text(
                    r, col_of["rate"], r, col_of["rate"], "" if is_total else "—", align="center"
                )
            score = self._execution_score() if is_total else None
            if is_total:
                self.number(r, col_of["score"], score)
            else:
                self.text(r, col_of["score"], r, col_of["score"], "—", align="center")
            if "note" in col_of:
                note = part.note if part is not None else None
                self.text(r, col_of["note"], r, width - 1, note)
        self.row = top + len(rows) + 1

    def _execution_score(self) -> Decimal | None:
        if self.result is None:
            return None
        for item in self.result.leaves():
            if item.code == "execution_rate" or item.name in ("预算执行率", "预算资金执行率"):
                return item.score
        return None

    def _goals(self) -> None:
        layout, width = self.layout, self.layout.width
        goal = self.facts.overall_goal
        block, planned, achieved = layout.goal_labels
        r = self.row
        half = (width + 1) // 2
        if layout.goal_first:
            self.label(r, 0, r, half - 1, planned)
            self.label(r, half, r, width - 1, achieved)
            self.text(r + 1, 0, r + 1, half - 1, goal.planned)
            self.text(r + 1, half, r + 1, width - 1, goal.achieved)
        else:
            self.label(r, 0, r + 1, 0, block)
            self.label(r, 1, r, half - 1, planned)
            self.label(r, half, r, width - 1, achieved)
            self.text(r + 1, 1, r + 1, half - 1, goal.planned)
            self.text(r + 1, half, r + 1, width - 1, goal.achieved)
        self.lines[r + 1] = max(self.lines.get(r + 1, 1), 3)
        self.row = r + 2

    def _implementation(self) -> None:
        text = self.case.narrative.get("implementation")
        label = dict(self.layout.narrative).get("implementation")
        if label is None:
            return
        r = self.row
        self.label(r, 0, r, 1, label)
        self.text(r, 2, r, self.layout.width - 1, text)
        self.lines[r] = max(self.lines.get(r, 1), 3)
        self.row = r + 1

    def _targets(self) -> None:
        layout, width = self.layout, self.layout.width
        targets = list(self.facts.targets)
        top = self.row
        scores = _target_scores(self.case, self.result)
        self.label(top, 0, top + max(len(targets), 1) + 1, 0, f"{layout.targets_title}")
        for offset, (_, header) in enumerate(layout.targets_columns, start=1):
            self.label(top, offset, top, offset, header)
        col_of = {key: offset for offset, (key, _) in enumerate(layout.targets_columns, start=1)}
        r = top + 1
        for first, last, level1 in _runs([t.level1 for t in targets]):
            self.text(
                r + first, col_of["level1"], r + last, col_of["level1"], level1, align="center"
            )
        for first, last, category in _runs([(t.level1, t.category) for t in targets]):
            self.text(
                r + first,
                col_of["category"],
                r + last,
                col_of["category"],
                category[1],
                align="center",
            )
        for index, target in enumerate(targets):
            row = r + index
            self.text(row, col_of["name"], row, col_of["name"], target.name)
            actual = target.actual
            if "combined" in col_of:
                shown = _carried_target(target, layout.name)
                value = combined_text(shown["comparator"], shown["target"], shown["unit"])
                self._value(row, col_of["combined"], value)
                actual = shown["actual"]
            else:
                self.text(
                    row,
                    col_of["comparator"],
                    row,
                    col_of["comparator"],
                    target.comparator,
                    align="center",
                )
                self._value(row, col_of["target"], target.target)
                self.text(row, col_of["unit"], row, col_of["unit"], target.unit, align="center")
            self._value(row, col_of["actual"], actual)
            self.number(row, col_of["points"], target.points)
            score = target.score if target.score is not None else scores.get(index)
            self.number(row, col_of["score"], score)
            self.text(
                row,
                col_of["deviation_reason"],
                row,
                col_of["deviation_reason"],
                target.deviation_reason,
            )
        if not targets:
            for c in range(1, width):
                self.text(r, c, r, c, None)
        total_row = r + max(len(targets), 1)
        self.label(total_row, 1, total_row, col_of["points"] - 1, "总分")
        total_points = self.result.max if self.result is not None else Decimal(100)
        self.number(total_row, col_of["points"], total_points)
        self.number(
            total_row, col_of["score"], self.result.total if self.result is not None else None
        )
        self.text(
            total_row,
            col_of["score"] + 1,
            total_row,
            width - 1,
            self.result.grade if self.result else None,
            align="center",
        )
        self.row = total_row + 1

    def _value(self, row: int, col: int, value: Any) -> None:
        if isinstance(value, Decimal):
            self.number(row, col, value)
        else:
            self.text(row, col, row, col, value, align="center")

    def _narrative(self) -> None:
        width = self.layout.width
        for key, label in self.layout.narrative:
            if key == "implementation":
                continue
            r = self.row
            self.label(r, 0, r, 1, label)
            self.text(r, 2, r, width - 1, self.case.narrative.get(key))
            self.lines[r] = max(self.lines.get(r, 1), 3)
            self.row += 1
        if self.layout.signatures:
            r = self.row
            half = width // 2
            (k1, l1), (k2, l2) = self.layout.signatures
            self.label(r, 0, r, 1, l1)
            self.text(r, 2, r, half - 1, self.case.narrative.get(k1))
            self.label(r, half, r, half + 1, l2)
            self.text(r, half + 2, r, width - 1, self.case.narrative.get(k2))
            self.row += 1

    def _notes(self) -> None:
        for note in self.layout.notes:
            merge_text(
                self.sheet,
                self.row,
                0,
                self.row,
                self.layout.width - 1,
                note,
                self.styles,
                border=0,
                font_size=9,
            )
            self.fit(self.row, 0, self.row, self.layout.width - 1, note)
            self.row += 1

    def _page_setup(self) -> None:
        sheet = self.sheet
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        sheet.center_horizontally()
        sheet.fit_to_pages(1, 0)
        sheet.print_area(0, 0, self.row - 1, self.layout.width - 1)
        sheet.set_footer("&C第 &P 页，共 &N 页")

    def _cover(self) -> None:
        sheet = self.book.add_worksheet(COVER)
        styles = Styles(self.book, {"font_size": 10})
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, 1, 60)
        sheet.set_column(4, 4, 16)
        sheet.write_string(0, 0, "jixiao 导出说明", styles.get(bold=True, font_size=12))
        sheet.write_string(
            1,
            0,
            f"本工作簿由 jixiao 按“{self.layout.description}”导出；重新导入时据此确定指标体系。",
            styles.get(),
        )
        for c, header in enumerate(("项目", "值", "单位", "说明", "字段")):
            sheet.write_string(2, c, header, styles.get(bold=True, bg_color="#DDEBF7"))
        rows = (
            ("案例编号", self.case.case, "case.case"),
            ("标题", self.case.title, "case.title"),
            ("指标体系", self.case.framework, "case.framework"),
            ("来源", self.case.source or "", "case.source"),
        )
        for r, (label, value, path) in enumerate(rows, start=3):
            sheet.write_string(r, 0, label)
            if value:
                write_text(sheet, r, 1, value, styles)
            sheet.write_string(r, 4, path)


def _rate(part: Any) -> Decimal | None:
    actual, adjusted = getattr(part, "actual", None), getattr(part, "adjusted", None)
    if actual is None or not adjusted:
        return None
    return Decimal(actual) / Decimal(adjusted)


def _runs(values: list[Any]) -> list[tuple[int, int, Any]]:
    """Runs of equal consecutive values: (first index, last index, value)."""
    runs: list[tuple[int, int, Any]] = []
    for index, value in enumerate(values):
        if runs and runs[-1][2] == value and value is not None and value != (None, None):
            runs[-1] = (runs[-1][0], index, value)
        else:
            runs.append((index, index, value))
    return runs


def _target_scores(case: Case, result: Result | None) -> dict[int, Decimal]:
    """Per-target scores for the 得分 column, from the framework's category results."""
    if result is None:
        return {}
    scores: dict[int, Decimal] = {}
    tiers = {t.tier: t for t in TEN_HAO_TIERS}
    groups: dict[str, list[int]] = {}
    for index, target in enumerate(case.facts.targets):
        if target.category:
            groups.setdefault(target.category, []).append(index)
    for category, indexes in groups.items():
        try:
            item = result.indicator(category)
        except KeyError:
            continue
        if not item.is_leaf or str(item.status) != "scored":
            continue
        default = item.max / len(indexes)
        for index in indexes:
            target = case.facts.targets[index]
            share, _ = attainment(target.model_dump(exclude_none=True), tiers)
            if share is None:
                continue
            points = target.points if target.points is not None else default
            scores[index] = round_to(points * min(share, ONE), 2)
    return scores


def carried_facts(case: Case, layout: str) -> dict[str, Any]:
    """The part of a case's facts that a layout carries, as plain data (the round-trip identity).

    Equivalences the forms cannot tell apart are normalised: on the 10号 forms a percentage
    with unit “%” (``95`` + ``%``) is the same as ``95%``, and a non-numeric target is 定性.
    """
    facts = case.facts
    budget = facts.budget
    data: dict[str, Any] = {
        "year": facts.year,
        "amount_unit": facts.amount_unit,
        "unit.name": facts.unit.name,
        "unit.department": facts.unit.department,
        "overall_goal": facts.overall_goal.model_dump(exclude_none=True),
        "budget.total": {k: getattr(budget, k) for k in ("initial", "adjusted", "actual")},
        "budget.funds": {
            n: {
                k: v
                for k, v in p.model_dump(exclude_none=True).items()
                if k
                in (
                    "initial",
                    "adjusted",
                    "actual",
                    *(("note",) if layout == SICHUAN_PROJECT.name else ()),
                )
            }
            for n, p in budget.funds.items()
        },
    }
    if layout == SICHUAN_PROJECT.name:
        data["budget.total"]["note"] = budget.note
        data["narrative"] = {
            k: v
            for k, v in case.narrative.items()
            if k in {k for k, _ in (*SICHUAN_PROJECT.narrative, *SICHUAN_PROJECT.signatures)}
        }
    if layout == MOF10_UNIT.name:
        for name in CLASS_LABELS.values():
            part = getattr(budget, name)
            data[f"budget.{name}"] = (
                None
                if part is None
                else {k: getattr(part, k) for k in ("initial", "adjusted", "actual")}
            )
    else:
        data["subject"] = facts.subject if facts.subject != facts.unit.name else None
    data["budget.funds"] = {n: p for n, p in data["budget.funds"].items() if p}
    data["targets"] = [_carried_target(t, layout) for t in facts.targets]
    return data


def _carried_target(target: Any, layout: str) -> dict[str, Any]:
    fields = (
        "level1",
        "category",
        "name",
        "comparator",
        "target",
        "unit",
        "actual",
        "points",
        "score",
        "deviation_reason",
    )
    item = {k: getattr(target, k) for k in fields}
    if layout != SICHUAN_PROJECT.name:
        for key in ("target", "actual"):
            if (
                item["unit"] in ("%", "％")
                and isinstance(item[key], Decimal)
                and not isinstance(item[key], Percent)
            ):
                item[key] = Percent(item[key] / HUNDRED)
        if item["unit"] in ("%", "％"):
            item["unit"] = None
        numeric = isinstance(item["target"], Decimal)
        if item["comparator"] is None and item["target"] is not None and not numeric:
            item["comparator"] = "定性"
        elif item["comparator"] == "定性" and numeric:
            item["comparator"] = None  # 95% on a form reads as a value without comparator
        elif item["comparator"] not in (None, "定性") and item["target"] is None:
            item["comparator"] = None  # a comparator without a value is not printed
    return item


__all__ = [
    "LAYOUTS",
    "FormImport",
    "FormLayout",
    "carried_facts",
    "combined_text",
    "detect_form",
    "read_form",
    "split_combined",
    "write_form",
]
