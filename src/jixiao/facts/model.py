"""The facts of one unit-year (单位年度事实): what scoring rules read, each fact optionally sourced.

Field names are the fact names rules use (``staffing.in_post``); ``docs/glossary.md`` maps them
to the Chinese terms. Amounts are in the unit-year's ``amount_unit`` (元 or 万元).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from jixiao.engine.numbers import Number

AmountUnit = Literal["元", "万元"]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Unit(Section):
    name: str
    code: str | None = None
    level: Literal["省", "市", "县", "区", "州"] | None = None
    department: str | None = None  # 主管部门
    internal_bodies: list[str] = []  # 内设机构


class BudgetPart(Section):
    initial: Number | None = None  # 年初预算
    adjusted: Number | None = None  # 调整预算 / 全年预算
    actual: Number | None = None  # 决算 / 实际支出


class Budget(BudgetPart):
    basic: BudgetPart | None = None  # 基本支出
    personnel: BudgetPart | None = None  # 人员经费
    public_funds: BudgetPart | None = None  # 公用经费
    project: BudgetPart | None = None  # 项目支出
    adjustment: Number | None = None  # 预算调整数
    adjustment_excluded: Number | None = None  # 因政策、不可抗力等不计入调整率的部分
    revenue: Number | None = None  # 预算收入


class Execution(Section):
    """Cumulative spend at month ends (amounts) and progress rates as printed."""

    cumulative_spend: dict[str, Number] = {}  # {"m3": …, "m6": …} 累计支出
    progress: dict[str, Number] = {}  # {"m6": 64%} 实际支付进度
    planned_progress: dict[str, Number] = {}  # {"m6": 50%} 既定支付进度


class ThreePublic(Section):
    """三公经费: 因公出国(境)费、公务用车购置及运行费、公务接待费."""

    budget: Number | None = None
    actual: Number | None = None
    prior_year_actual: Number | None = None
    prior_year_budget: Number | None = None
    parts: dict[str, BudgetPart] = {}


class PlanActual(Section):
    budget: Number | None = None
    actual: Number | None = None


class FixedAssets(Section):
    total: Number | None = None
    in_use: Number | None = None


class Staffing(Section):
    authorized: Number | None = None  # 核定编制
    authorized_by_type: dict[str, Number] = {}  # {"行政编制": 52, "事业编制": 8}
    on_payroll: Number | None = None  # 在编
    on_payroll_by_type: dict[str, Number] = {}
    in_post: Number | None = None  # 实际在职
    outside: Number | None = None  # 编外 / 劳务派遣


class CarryOver(Section):
    current: Number | None = None  # 本年结转结余
    prior: Number | None = None  # 上年结转结余


class Project(Section):
    name: str
    code: str | None = None
    initial_budget: Number | None = None
    budget: Number | None = None
    spent: Number | None = None
    on_time: bool | None = None


class Target(Section):
    """A 绩效指标 with its target and actual value (定量 with comparator, or 定性 with a tier)."""

    name: str
    category: str | None = None  # 二级: 数量指标 / 质量指标 / …
    level1: str | None = None  # 一级: 产出指标 / 效益指标 / 满意度指标
    comparator: Literal["≥", "≤", "=", ">", "<", "定性"] | None = None
    target: Number | str | None = None
    unit: str | None = None
    actual: Number | str | None = None
    polarity: Literal["正向", "反向"] | None = None
    points: Number | None = None
    tier: str | None = None
    share: Number | None = None
    deviation_reason: str | None = None


class KeyTask(Section):
    name: str
    done: bool | None = None
    on_time: bool | None = None


class Satisfaction(Section):
    respondents: Number | None = None
    satisfied: Number | None = None
    rate: Number | None = None


class UnitYear(Section):
    unit: Unit
    year: int
    amount_unit: AmountUnit = "万元"
    budget: Budget = Budget()
    execution: Execution = Execution()
    three_public: ThreePublic = ThreePublic()
    public_funds: PlanActual = PlanActual()  # 日常公用经费
    procurement: PlanActual = PlanActual()  # 政府采购
    fixed_assets: FixedAssets = FixedAssets()
    staffing: Staffing = Staffing()
    carry_over: CarryOver = CarryOver()
    projects: list[Project] = []
    targets: list[Target] = []
    key_tasks: list[KeyTask] = []
    satisfaction: Satisfaction = Satisfaction()
    checklists: dict[str, list[bool] | dict[str, bool]] = {}
    judgments: dict[str, str | dict[str, Any]] = {}
    issues: dict[str, list[str | dict[str, Any]]] = {}
    extra: dict[str, Number] = Field(default_factory=dict)  # locality-specific figures
