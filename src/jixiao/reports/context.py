"""What a report says, built from a case's facts and the engine's result, and nothing else.

``build_context`` returns a ``ReportContext``: plain strings and rows for the Word template, the
Excel 评分表 and the web app. Scores, totals, grades and explanations are the engine's ``Result``
printed as it is (never recomputed here); other figures are facts or simple ratios of facts;
sentences are assembled from those figures; prose only people can write comes from the case's
``narrative`` or is a marked placeholder. The dataclass fields are the template's variables: the
template checker derives the list of valid names from them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from jixiao.engine import Finding, Framework, Indicator, IndicatorResult, Result, Status
from jixiao.engine.model import KIND_LABELS, NA_LABELS
from jixiao.engine.numbers import format_number, format_value
from jixiao.engine.result import STATUS_LABELS
from jixiao.facts.case import Case
from jixiao.facts.model import BudgetPart, Target, UnitYear
from jixiao.reports import fmt, narrative
from jixiao.reports.problems import ProblemGroup, problem_groups

LEVEL_NAMES = ("一级", "二级", "三级", "四级")
ROUNDING_LABELS = {"half_up": "四舍五入", "half_even": "四舍六入五成双", "down": "截尾"}
GENERATED_BY = (
    "本报告中的数字、得分与评分说明均由 jixiao 依据案例事实和指标体系计算生成；"
    "标有“【待填写】”的部分须由单位填写。"
)


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (for 1–99)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


# --- the template's variables -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitInfo:
    name: str
    department: str
    level: str
    internal_bodies: list[str]
    internal_bodies_text: str


@dataclass(frozen=True, slots=True)
class FrameworkInfo:
    id: str
    title: str
    source: str
    kind: str
    locality: str
    levels_text: str
    leaf_count: int
    depth: int
    max: str
    grade_bands: str
    na_policy: str
    rounding: str


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class BudgetRow:
    item: str
    initial: str
    adjusted: str
    actual: str
    rate: str


@dataclass(frozen=True, slots=True)
class ProjectRow:
    no: str
    name: str
    budget: str
    spent: str
    rate: str


@dataclass(frozen=True, slots=True)
class TargetRow:
    no: str
    level1: str
    category: str
    name: str
    target: str
    actual: str
    result: str


@dataclass(frozen=True, slots=True)
class TaskRow:
    no: str
    name: str
    done: str
    on_time: str


@dataclass(frozen=True, slots=True)
class LevelChild:
    code: str
    name: str
    max: str
    score: str
    rate: str


@dataclass(frozen=True, slots=True)
class LevelGroup:
    code: str
    name: str
    max: str
    score: str
    rate: str
    children: list[LevelChild]


@dataclass(frozen=True, slots=True)
class IndicatorItem:
    no: str
    code: str
    name: str
    path: str
    max: str
    score: str
    rate: str
    value: str
    status: str
    explanation: str
    standard: str
    definition: str
    formula: str
    source: str


@dataclass(frozen=True, slots=True)
class IndicatorGroup:
    no: str
    code: str
    name: str
    path: str
    max: str
    score: str
    intro: str
    items: list[IndicatorItem]


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One row of the 评分表: a leaf, or the subtotal of a branch after its leaves."""

    kind: str  # "leaf" | "subtotal"
    level: int
    code: str
    path: list[str]
    name: str
    max: str
    score: str
    value: str
    status: str
    definition: str
    formula: str
    standard: str
    explanation: str


@dataclass(frozen=True, slots=True)
class Charts:
    """PNG files (paths) of the report's charts; empty when a chart does not apply."""

    levels: str = ""
    projects: str = ""
    comparison: str = ""


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    no: str
    name_a: str
    name_b: str
    max_a: str
    max_b: str
    score_a: str
    score_b: str
    diff: str
    rate_a: str
    rate_b: str
    rate_diff: str
    basis: str
    note: str
    reason_a: str
    reason_b: str


@dataclass(frozen=True, slots=True)
class ComparisonContext:
    title: str
    label_a: str
    label_b: str
    title_a: str
    title_b: str
    framework_a: str
    framework_b: str
    total_a: str
    total_b: str
    max_a: str
    max_b: str
    grade_a: str
    grade_b: str
    total_diff: str
    summary: str
    mapping: str
    rows: list[ComparisonRow]
    unmapped_a: list[str]
    unmapped_b: list[str]
    unmapped_text: str


@dataclass(frozen=True, slots=True)
class ReportContext:
    title: str
    case_id: str
    case_title: str
    unit: UnitInfo
    year: str
    amount_unit: str
    framework: FrameworkInfo
    org_summary: str
    staffing_rows: list[Row]
    budget_summary: str
    budget_unit: str
    budget_rows: list[BudgetRow]
    budget_note: str
    execution_points: list[str]
    projects_summary: str
    projects_unit: str
    projects: list[ProjectRow]
    projects_total: ProjectRow | None
    projects_note: str
    targets_summary: str
    targets: list[TargetRow]
    key_tasks_summary: str
    key_tasks: list[TaskRow]
    framework_summary: str
    total: str
    max: str
    grade: str
    complete: bool
    conclusion: str
    level_groups: list[LevelGroup]
    sections: list[IndicatorGroup]
    scoresheet_title: str
    scoresheet: list[ScoreRow]
    problem_groups: list[ProblemGroup]
    problems_summary: str
    narrative: dict[str, str]
    pending: list[str]
    generated_by: str
    charts: Charts = Charts()
    comparison: ComparisonContext | None = None
    annex: Any = None  # Word only: the 评分表 as a table (filled in by the Word writer)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("annex", None)
        return data


# --- building it ---------------------------------------------------------------------------


def indicator_index(framework: Framework) -> dict[tuple[str, ...], Indicator]:
    """Framework indicators by name path (the key results carry as ``path``)."""
    found: dict[tuple[str, ...], Indicator] = {}

    def visit(items: list[Indicator], parent: tuple[str, ...]) -> None:
        for item in items:
            path = (*parent, item.name)
            found[path] = item
            visit(item.children, path)

    visit(framework.indicators, ())
    return found


def depth_of(item: IndicatorResult) -> int:
    """The indicator's level (一级 = 1), from its path."""
    return len(item.path)


def children_of(result: Result) -> dict[tuple[str, ...], list[IndicatorResult]]:
    kids: dict[tuple[str, ...], list[IndicatorResult]] = {}
    for item in result.indicators:
        kids.setdefault(tuple(item.path[:-1]), []).append(item)
    return kids


def _rate(item: IndicatorResult, places: int) -> str:
    return fmt.rate(item.score, item.max, places)


def _framework_info(framework: Framework, result: Result) -> FrameworkInfo:
    counts: dict[int, int] = {}
    for item in result.indicators:
        counts[depth_of(item)] = counts.get(depth_of(item), 0) + 1
    depth = max(counts, default=1)
    leaves = len(result.leaves())
    levels = "、".join(f"{LEVEL_NAMES[d - 1]}指标{counts[d]}个" for d in sorted(counts))
    return FrameworkInfo(
        id=framework.id,
        title=framework.title,
        source=framework.source,
        kind=KIND_LABELS.get(framework.kind, framework.kind),
        locality=framework.locality,
        levels_text=levels,
        leaf_count=leaves,
        depth=depth,
        max=fmt.score(result.max),
        grade_bands=grade_bands(framework, result.max),
        na_policy=NA_LABELS.get(framework.na_policy, ""),
        rounding=f"得分保留{framework.rounding.places}位小数，{ROUNDING_LABELS[framework.rounding.mode]}",
    )


def grade_bands(framework: Framework, top: Decimal) -> str:
    parts: list[str] = []
    upper: Decimal | None = None
    for band in framework.grades:
        low = format_number(band.min)
        if upper is None:
            parts.append(f"{low}(含)-{format_number(top)}分为{band.grade}")
        elif band.min == 0:
            parts.append(f"{format_number(upper)}分以下为{band.grade}")
        else:
            parts.append(f"{low}(含)-{format_number(upper)}分为{band.grade}")
        upper = band.min
    return "、".join(parts)


def _unit_info(facts: UnitYear) -> UnitInfo:
    unit = facts.unit
    return UnitInfo(
        name=unit.name,
        department=unit.department or unit.name,
        level=unit.level or "",
        internal_bodies=list(unit.internal_bodies),
        internal_bodies_text="、".join(unit.internal_bodies),
    )


def _by_type(parts: dict[str, Decimal]) -> str:
    return "、".join(f"{k}{format_number(v)}人" for k, v in parts.items())


def _staffing(facts: UnitYear) -> tuple[str, list[Row]]:
    s = facts.staffing
    rows: list[Row] = []
    if s.authorized is not None:
        rows.append(Row("核定编制", fmt.count(s.authorized), _by_type(s.authorized_by_type)))
    if s.on_payroll is not None:
        rows.append(Row("在编人员", fmt.count(s.on_payroll), _by_type(s.on_payroll_by_type)))
    if s.in_post is not None:
        rows.append(Row("实际在职人员", fmt.count(s.in_post)))
    if s.outside is not None:
        rows.append(Row("编外人员（含劳务派遣）", fmt.count(s.outside)))
    sentences: list[str] = []
    bodies = facts.unit.internal_bodies
    if bodies:
        sentences.append(f"{facts.unit.name}内设机构{len(bodies)}个：{'、'.join(bodies)}。")
    staff = "，".join(f"{r.label}{r.value}" + (f"（其中{r.note}）" if r.note else "") for r in rows)
    if staff:
        sentences.append(f"{facts.year}年度{staff}。")
    return "".join(sentences) or "案例未提供机构与人员数据。", rows


def _budget(facts: UnitYear, places: int) -> tuple[str, fmt.MoneyFormat, list[BudgetRow]]:
    b = facts.budget
    unit = facts.amount_unit
    parts: list[tuple[str, BudgetPart | None]] = [
        ("部门整体支出", b),
        ("基本支出", b.basic),
        ("　其中：人员经费", b.personnel),
        ("　　　　公用经费", b.public_funds),
        ("项目支出", b.project),
    ]
    present = [(label, p) for label, p in parts if p is not None]
    money = fmt.money_format(
        (v for _, p in present for v in (p.initial, p.adjusted, p.actual)), unit
    )
    rows = [
        BudgetRow(
            label,
            money(p.initial),
            money(p.adjusted),
            money(p.actual),
            fmt.rate(p.actual, p.adjusted, places),
        )
        for label, p in present
        if any(v is not None for v in (p.initial, p.adjusted, p.actual))
    ]
    said: list[str] = []
    if b.revenue is not None:
        said.append(f"预算收入{fmt.amount(b.revenue, unit)}")
    if b.initial is not None:
        said.append(f"年初预算{fmt.amount(b.initial, unit)}")
    if b.adjustment is not None:
        said.append(f"预算调整{fmt.amount(b.adjustment, unit)}")
    if b.adjusted is not None:
        said.append(f"调整后预算{fmt.amount(b.adjusted, unit)}")
    if b.actual is not None:
        split = [
            f"{label}{fmt.amount(p.actual, unit)}"
            for label, p in (("基本支出", b.basic), ("项目支出", b.project))
            if p is not None and p.actual is not None
        ]
        said.append(
            f"实际支出{fmt.amount(b.actual, unit)}"
            + (f"（其中{'、'.join(split)}）" if split else "")
        )
        if b.adjusted:
            said.append(f"预算执行率{fmt.rate(b.actual, b.adjusted, places)}")
    summary = f"{facts.year}年度" + "，".join(said) + "。" if said else "案例未提供预算收支数据。"
    return summary, money, rows


def _sentence(label: str, bits: Sequence[tuple[str, Decimal | None]], unit: str) -> str | None:
    """``label：预算12.16万元，实际支出6.74万元。`` from the figures that are present."""
    said = [f"{name}{fmt.amount(value, unit)}" for name, value in bits if value is not None]
    return f"{label}：" + "，".join(said) + "。" if said else None


def _with_rate(
    text: str | None, name: str, part: Decimal | None, whole: Decimal | None, places: int
) -> str | None:
    if text is None or not whole or part is None:
        return text
    return f"{text[:-1]}，{name}{fmt.rate(part, whole, places)}。"


def _progress_point(facts: UnitYear) -> str | None:
    e = facts.execution
    if not e.progress:
        return None
    parts = []
    for key, value in e.progress.items():
        planned = e.planned_progress.get(key)
        text = f"{key.lstrip('m')}月末实际支付进度{format_value(value)}"
        parts.append(text + (f"（既定{format_value(planned)}）" if planned is not None else ""))
    return "支付进度：" + "，".join(parts) + "。"


def _execution_points(facts: UnitYear, places: int) -> list[str]:
    """Sentences about execution: payment progress, 三公经费, 公用经费, 采购, 结转结余, assets."""
    unit = facts.amount_unit
    t, c, a = facts.three_public, facts.carry_over, facts.fixed_assets
    spend = [
        (f"{k.lstrip('m')}月末累计支出", v) for k, v in facts.execution.cumulative_spend.items()
    ]
    points = [
        _progress_point(facts),
        _sentence("支出进度", spend, unit),
        _with_rate(
            _sentence(
                "“三公”经费",
                [("预算", t.budget), ("实际支出", t.actual), ("上年实际支出", t.prior_year_actual)],
                unit,
            ),
            "控制率",
            t.actual,
            t.budget,
            places,
        ),
        *(
            _with_rate(
                _sentence(label, [("预算", pa.budget), ("实际", pa.actual)], unit),
                "执行率",
                pa.actual,
                pa.budget,
                places,
            )
            for label, pa in (("日常公用经费", facts.public_funds), ("政府采购", facts.procurement))
        ),
        _sentence("结转结余", [("本年结转结余", c.current), ("上年结转结余", c.prior)], unit),
        _with_rate(
            _sentence("固定资产", [("总额", a.total), ("其中在用", a.in_use)], unit),
            "利用率",
            a.in_use,
            a.total,
            places,
        ),
    ]
    return [p for p in points if p]


def _projects(
    facts: UnitYear, places: int
) -> tuple[str, fmt.MoneyFormat, list[ProjectRow], ProjectRow | None]:
    projects = facts.projects
    budgets = [p.budget for p in projects]
    spent = [p.spent for p in projects]
    total_budget = sum((v for v in budgets if v is not None), Decimal(0))
    total_spent = sum((v for v in spent if v is not None), Decimal(0))
    money = fmt.money_format([*budgets, *spent, total_budget, total_spent], facts.amount_unit)
    rows = [
        ProjectRow(
            str(i), p.name, money(p.budget), money(p.spent), fmt.rate(p.spent, p.budget, places)
        )
        for i, p in enumerate(projects, 1)
    ]
    if not projects:
        return "案例未列出项目支出明细。", money, rows, None
    complete = all(v is not None for v in [*budgets, *spent])
    total = ProjectRow(
        "",
        "合计",
        money(total_budget),
        money(total_spent),
        fmt.rate(total_spent, total_budget, places) if complete else fmt.DASH,
    )
    summary = (
        f"{facts.year}年度列入项目支出明细的项目{len(projects)}个，年度预算合计"
        f"{money(total_budget)}{money.unit}，实际支出合计{money(total_spent)}{money.unit}"
        + (
            f"，预算执行率{total.rate}。"
            if complete
            else "（部分项目缺少预算或支出数，未计算执行率）。"
        )
    )
    return summary, money, rows, total


def _shown(value: Decimal | str | None, unit: str | None) -> str:
    if value is None:
        return ""
    text = format_value(value) if isinstance(value, Decimal) else str(value)
    return (
        text + (unit or "")
        if isinstance(value, Decimal) and unit and not text.endswith("%")
        else text
    )


def attainment(t: Target) -> str:
    """达成情况 of a declared target from its target and actual values (no scoring)."""
    if t.tier:
        return t.tier
    if t.actual is None:
        return "未填报"
    target, actual = t.target, t.actual
    if (
        isinstance(target, Decimal)
        and isinstance(actual, Decimal)
        and t.comparator in {"≥", ">", "≤", "<", "="}
    ):
        met = {
            "≥": actual >= target,
            ">": actual > target,
            "≤": actual <= target,
            "<": actual < target,
            "=": actual == target,
        }[t.comparator]
        return "已达成" if met else "未达成"
    return "已填报（定性）"


def _targets(facts: UnitYear) -> tuple[str, list[TargetRow]]:
    rows = []
    for i, t in enumerate(facts.targets, 1):
        comparator = t.comparator if t.comparator and t.comparator != "定性" else ""
        target = _shown(t.target, t.unit)
        rows.append(
            TargetRow(
                str(i),
                t.level1 or "",
                t.category or "",
                t.name,
                (comparator + target)
                if target
                else ("定性" if t.comparator == "定性" else fmt.DASH),
                _shown(t.actual, t.unit) or fmt.DASH,
                attainment(t),
            )
        )
    if not rows:
        return "案例未列出申报的绩效指标。", rows
    by_level: dict[str, int] = {}
    for t in facts.targets:
        by_level[t.level1 or "未分类"] = by_level.get(t.level1 or "未分类", 0) + 1
    quantified = sum(1 for t in facts.targets if isinstance(t.target, Decimal))
    reported = sum(1 for t in facts.targets if t.actual is not None or t.tier)
    met = sum(1 for r in rows if r.result == "已达成")
    summary = (
        f"单位申报绩效指标{len(rows)}个（"
        + "、".join(f"{k}{v}个" for k, v in by_level.items())
        + f"），其中设定量化指标值的{quantified}个；填报实际完成值或达成等级的{reported}个，"
        f"按指标值判定已达成的{met}个。"
    )
    return summary, rows


def _key_tasks(facts: UnitYear) -> tuple[str, list[TaskRow]]:
    def yes_no(value: bool | None, yes: str, no: str) -> str:
        return "未说明" if value is None else (yes if value else no)

    rows = [
        TaskRow(
            str(i), k.name, yes_no(k.done, "已完成", "未完成"), yes_no(k.on_time, "按时", "未按时")
        )
        for i, k in enumerate(facts.key_tasks, 1)
    ]
    if not rows:
        return "", rows
    done = sum(1 for k in facts.key_tasks if k.done)
    return f"年度重点工作任务{len(rows)}项，已完成{done}项。", rows


def _level_groups(result: Result, places: int) -> list[LevelGroup]:
    kids = children_of(result)
    groups: list[LevelGroup] = []
    for top in kids.get((), []):
        children = [
            LevelChild(c.code, c.name, fmt.score(c.max), fmt.score(c.score), _rate(c, places))
            for c in kids.get(tuple(top.path), [])
        ] or [  # a 一级 indicator without 二级 still gets its row
            LevelChild(top.code, fmt.DASH, fmt.DASH, fmt.DASH, fmt.DASH)
        ]
        groups.append(
            LevelGroup(
                top.code,
                top.name,
                fmt.score(top.max),
                fmt.score(top.score),
                _rate(top, places),
                children,
            )
        )
    return groups


def _item(no: int, item: IndicatorResult, meta: Indicator | None, places: int) -> IndicatorItem:
    return IndicatorItem(
        no=str(no),
        code=item.code,
        name=item.name,
        path="/".join(item.path),
        max=fmt.score(item.max),
        score=fmt.score(item.score),
        rate=_rate(item, places),
        value=item.value_text or "",
        status=STATUS_LABELS[item.status],
        explanation=item.explanation,
        standard=(meta.standard or "") if meta else "",
        definition=(meta.definition or "") if meta else "",
        formula=(meta.formula_text or "") if meta else "",
        source=item.source,
    )


def _sections(
    result: Result, index: dict[tuple[str, ...], Indicator], places: int
) -> list[IndicatorGroup]:
    by_path = {tuple(i.path): i for i in result.indicators}
    order: list[tuple[str, ...]] = []
    members: dict[tuple[str, ...], list[IndicatorResult]] = {}
    for leaf in result.leaves():
        key = tuple(leaf.path[:-1]) or tuple(leaf.path)
        if key not in members:
            order.append(key)
            members[key] = []
        members[key].append(leaf)
    groups = []
    for n, key in enumerate(order, 1):
        head = by_path[key]
        items = [
            _item(i, leaf, index.get(tuple(leaf.path)), places)
            for i, leaf in enumerate(members[key], 1)
        ]
        intro = f"该指标分值{fmt.score(head.max)}分，得分{fmt.score(head.score)}分"
        lost = head.max - head.score
        intro += f"，扣{format_number(lost)}分。" if lost > 0 else "。"
        groups.append(
            IndicatorGroup(
                no=f"（{chinese_number(n)}）",
                code=head.code,
                name=head.name,
                path="—".join(head.path),
                max=fmt.score(head.max),
                score=fmt.score(head.score),
                intro=intro,
                items=items,
            )
        )
    return groups


def score_rows(result: Result, index: dict[tuple[str, ...], Indicator]) -> list[ScoreRow]:
    """The 评分表 rows: leaves in tree order, each branch's subtotal after its last leaf."""
    kids = children_of(result)

    def row(kind: str, item: IndicatorResult) -> ScoreRow:
        meta = index.get(tuple(item.path))
        return ScoreRow(
            kind=kind,
            level=depth_of(item),
            code=item.code,
            path=list(item.path),
            name=item.name,
            max=fmt.score(item.max),
            score=fmt.score(item.score),
            value=item.value_text or "",
            status=STATUS_LABELS[item.status],
            definition=(meta.definition or "") if meta else "",
            formula=(meta.formula_text or "") if meta else "",
            standard=(meta.standard or "") if meta else "",
            explanation=item.explanation,
        )

    def visit(items: list[IndicatorResult]) -> Iterator[ScoreRow]:
        for item in items:
            below = kids.get(tuple(item.path), [])
            if below:
                yield from visit(below)
                yield row("subtotal", item)
            else:
                yield row("leaf", item)

    return list(visit(kids.get((), [])))


def _conclusion(case: Case, result: Result, framework: Framework) -> str:
    kind = KIND_LABELS.get(framework.kind, "")
    year = f"{result.year}年度" if result.year else ""
    text = (
        f"经评价，{result.unit}{year}{kind}绩效评价综合得分{fmt.score(result.total)}分"
        f"（满分{fmt.score(result.max)}分），评价等级为“{result.grade}”。"
    )
    missing = [i for i in result.leaves() if i.status is Status.MISSING_DATA]
    given = [i for i in result.leaves() if i.status is Status.GIVEN]
    na = [i for i in result.leaves() if i.status is Status.NOT_APPLICABLE]
    if given:
        text += (
            f"{len(result.leaves())}个末级指标中，{len(given)}个为评价人给分（均注明理由与依据）"
        )
        text += "，其余按评分标准由事实计算。" if len(given) < len(result.leaves()) else "。"
    if na:
        text += f"不适用的指标{len(na)}个（{NA_LABELS.get(framework.na_policy, '')}）。"
    if missing:
        text += f"另有{len(missing)}个指标缺少数据未能评分（见第五部分），总分不完整。"
    return text


def build_context(
    case: Case,
    result: Result,
    framework: Framework,
    comparison: ComparisonContext | None = None,
    extra_findings: Sequence[Finding] = (),
) -> ReportContext:
    """Everything a report prints, from the case (facts, narrative) and the engine's result."""
    facts = case.facts
    places = framework.rounding.percent_places
    index = indicator_index(framework)
    texts, pending = narrative.resolve(case.narrative)
    org_summary, staffing_rows = _staffing(facts)
    budget_summary, money, budget_rows = _budget(facts, places)
    projects_summary, project_money, projects, projects_total = _projects(facts, places)
    targets_summary, targets = _targets(facts)
    key_tasks_summary, key_tasks = _key_tasks(facts)
    info = _framework_info(framework, result)
    groups = problem_groups(result, facts, extra_findings)
    count = sum(len(g.items) for g in groups)
    framework_summary = (
        f"本次评价采用《{framework.title}》"
        + (f"（{framework.source}）" if framework.source else "")
        + f"，共设{info.levels_text}，其中末级指标{info.leaf_count}个，满分{info.max}分。"
        + f"评价等级：{info.grade_bands}。{info.rounding}。"
    )
    title = case.title if case.title.endswith("报告") else f"{case.title}报告"
    return ReportContext(
        title=title,
        case_id=case.case,
        case_title=case.title,
        unit=_unit_info(facts),
        year=str(facts.year),
        amount_unit=facts.amount_unit,
        framework=info,
        org_summary=org_summary,
        staffing_rows=staffing_rows,
        budget_summary=budget_summary,
        budget_unit=money.unit,
        budget_rows=budget_rows,
        budget_note=money.note,
        execution_points=_execution_points(facts, places),
        projects_summary=projects_summary,
        projects_unit=project_money.unit,
        projects=projects,
        projects_total=projects_total,
        projects_note=project_money.note,
        targets_summary=targets_summary,
        targets=targets,
        key_tasks_summary=key_tasks_summary,
        key_tasks=key_tasks,
        framework_summary=framework_summary,
        total=fmt.score(result.total),
        max=fmt.score(result.max),
        grade=result.grade,
        complete=result.complete,
        conclusion=_conclusion(case, result, framework),
        level_groups=_level_groups(result, places),
        sections=_sections(result, index, places),
        scoresheet_title=f"{case.title.removesuffix('报告')}指标评分表",
        scoresheet=score_rows(result, index),
        problem_groups=groups,
        problems_summary=(
            f"根据评分结果、数据核对和绩效目标审查，发现以下{count}项问题："
            if count
            else "评分结果、数据核对和绩效目标审查均未发现问题。"
        ),
        narrative=texts,
        pending=pending,
        generated_by=GENERATED_BY,
        comparison=comparison,
    )
