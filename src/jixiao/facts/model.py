"""The facts of one unit-year (单位年度事实): what scoring rules read, each fact optionally sourced.

Field names are the fact names rules use (``staffing.in_post``); ``docs/glossary.md`` maps them
to the Chinese terms. Amounts (fields typed ``Amount``) are in the unit-year's ``amount_unit``
(元 or 万元); ``jixiao.facts.units`` converts them exactly.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from jixiao.engine.numbers import Number, parse_decimal
from jixiao.facts.units import Amount, AmountUnit, SignedAmount


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Unit(Section):
    name: str
    code: str | None = None
    level: Literal["省", "市", "县", "区", "州"] | None = None
    department: str | None = None  # 主管部门
    internal_bodies: list[str] = []  # 内设机构


class BudgetPart(Section):
    initial: Amount | None = None  # 年初预算
    adjusted: Amount | None = None  # 调整预算 / 全年预算
    actual: Amount | None = None  # 决算 / 实际支出
    prior_year_actual: Amount | None = None  # 上年决算 / 上年实际支出
    note: str | None = None  # 执行偏差原因（四川表“原因”栏）


class Budget(BudgetPart):
    basic: BudgetPart | None = None  # 基本支出
    personnel: BudgetPart | None = None  # 人员经费
    public_funds: BudgetPart | None = None  # 公用经费
    project: BudgetPart | None = None  # 项目支出
    adjustment: SignedAmount | None = None  # 预算调整数（调减为负）
    adjustment_excluded: SignedAmount | None = None  # 因政策、不可抗力等不计入调整率的部分
    revenue: Amount | None = None  # 预算收入
    funds: dict[str, BudgetPart] = {}  # 资金性质：本年财政拨款 / 上年结转资金 / 其他资金 …
    revenue_sources: dict[str, BudgetPart] = {}  # 收入来源：中央 / 省 / 市 / 县 / 其他
    functions: dict[str, BudgetPart] = {}  # 支出功能分类：灾害防治及应急管理支出 …


class Execution(Section):
    """Cumulative spend at month ends (amounts) and progress rates as printed."""

    cumulative_spend: dict[str, Amount] = {}  # {"m3": …, "m6": …} 累计支出
    progress: dict[str, Number] = {}  # {"m6": 64%} 实际支付进度
    planned_progress: dict[str, Number] = {}  # {"m6": 50%} 既定支付进度


class ThreePublic(Section):
    """三公经费: 因公出国(境)费、公务用车购置及运行费、公务接待费."""

    budget: Amount | None = None
    actual: Amount | None = None
    prior_year_actual: Amount | None = None
    prior_year_budget: Amount | None = None
    parts: dict[
        str, BudgetPart
    ] = {}  # 分项：initial 为预算数，actual 实际，prior_year_actual 上年实际


class PlanActual(Section):
    budget: Amount | None = None
    actual: Amount | None = None
    prior_year_actual: Amount | None = None


class FixedAssets(Section):
    total: Amount | None = None
    in_use: Amount | None = None
    prior_total: Amount | None = None  # 上年末固定资产总额


class Staffing(Section):
    authorized: Number | None = None  # 核定编制
    authorized_by_type: dict[str, Number] = {}  # {"行政编制": 52, "事业编制": 8}
    on_payroll: Number | None = None  # 在编
    on_payroll_by_type: dict[str, Number] = {}
    in_post: Number | None = None  # 实际在职
    outside: Number | None = None  # 编外 / 劳务派遣
    outside_by_type: dict[str, Number] = {}  # {"编外聘用": 10, "劳务派遣": 14}


class CarryOver(Section):
    current: Amount | None = None  # 本年结转结余
    prior: Amount | None = None  # 上年结转结余


class Project(Section):
    name: str
    code: str | None = None
    initial_budget: Amount | None = None  # 年初预算
    budget: Amount | None = None  # 全年（调整后）预算
    spent: Amount | None = None  # 执行数
    on_time: bool | None = None  # 完成及时
    sub_projects: list[Project] = Field(
        default_factory=list
    )  # 子项目（工厂默认值：十万行项目表也快）


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
    score: Number | None = None  # 表上印出的得分（自评得分）
    code: str | None = None  # 指标编码
    project: str | None = None  # 所属项目（部门整体案例中的项目指标）
    adjusted_target: Number | str | None = None  # 调整后指标值（重庆表“调整指标值”）
    core: bool | None = None  # 是否核心指标


class KeyTask(Section):
    name: str
    done: bool | None = None
    on_time: bool | None = None
    planned: str | None = None  # 计划目标
    result: str | None = None  # 完成情况


class Satisfaction(Section):
    respondents: Number | None = None
    satisfied: Number | None = None
    rate: Number | None = None


class Petitions(Section):
    """群众信访：受理件数、按时办结（答复）件数."""

    received: Number | None = None
    answered_on_time: Number | None = None
    answered: Number | None = None


class Disclosure(Section):
    """预决算与绩效信息公开日期."""

    budget: date | None = None  # 部门预算公开日期
    final_accounts: date | None = None  # 部门决算公开日期
    performance: date | None = None  # 绩效自评（评价）结果公开日期


class OverallGoal(Section):
    """年度总体目标：预期目标与实际完成情况."""

    planned: str | None = None
    achieved: str | None = None


class UnitYear(Section):
    unit: Unit
    year: int
    amount_unit: AmountUnit = "万元"
    subject: str | None = None  # 评价对象：项目自评时为项目名称
    overall_goal: OverallGoal = OverallGoal()
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
    petitions: Petitions = Petitions()
    disclosure: Disclosure = Disclosure()
    checklists: dict[str, list[bool] | dict[str, bool]] = {}
    judgments: dict[str, str | dict[str, Any]] = {}
    issues: dict[str, list[str | dict[str, Any]]] = {}
    extra: dict[str, Number] = Field(default_factory=dict)  # locality-specific figures
    evidence: dict[str, str] = {}  # 佐证材料：编号 → 名称或文件
    comments: dict[str, str] = {}  # 对核查提示的说明：核查规则编码 → 说明（如支出大增的原因）

    @field_validator("issues")
    @classmethod
    def _issues_are_text_and_deduction(
        cls, issues: dict[str, list[str | dict[str, Any]]]
    ) -> dict[str, list[str | dict[str, Any]]]:
        """A problem is its text, or ``{text: …, deduct: 0.5}`` when it costs its own points."""
        for key, items in issues.items():
            for number, item in enumerate(items, start=1):
                if not isinstance(item, dict):
                    continue
                where = f"issues.{key} 第{number}项"
                if set(item) - {"text", "deduct"} or not isinstance(item.get("text"), str):
                    raise ValueError(f"{where}只能写 text（问题，必填）和 deduct（扣分）")
                if item.get("deduct") is not None:
                    try:
                        parse_decimal(item["deduct"])
                    except ValueError as exc:
                        raise ValueError(f"{where}的扣分{exc}") from None
        return issues
