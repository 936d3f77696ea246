"""Deterministic synthetic unit-years for the 柳城 framework (``liucheng-2021-reeval``).

``generate(n, seed)`` returns ``n`` engine ``Facts``: each unit-year is built as the plain dict a
``case.yaml`` would hold, validated through ``jixiao.facts.case.Case`` and flattened by
``Case.to_engine()``, so the engine sees exactly what it sees for a real case. All of that
happens here, before any timing; the benchmark measures ``evaluate`` only.

Amounts are in 万元 with two decimals and keep the relations a real 决算 shows: initial budget
below the adjusted one, spending at or below the adjusted budget for most units, 三公经费 near
its budget, staff in post near the authorised establishment, payment progress rising from June
to December. Judgment levels, checklist lengths and issue facts are read from the framework
itself, so they always match its rules. A few units get evaluator-given scores (with reason and
source), a few have no government procurement (marked not applicable) and about 1% lack a fact,
which exercises the missing-data path the way real case files do.

Unit ``i`` depends only on ``(seed, i)``: the first 1,000 of 20,000 units are the 1,000 units.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from jixiao.engine import CompiledFramework, Facts, compile_framework
from jixiao.engine.compiled import Node
from jixiao.engine.rules import RuleSpec, parse_rule
from jixiao.engine.rules.checklist import Checklist
from jixiao.engine.rules.composite import Composite
from jixiao.engine.rules.issue_deduction import IssueDeduction
from jixiao.engine.rules.judgment import Judgment
from jixiao.facts.case import Case
from jixiao.frameworks import load_framework

FRAMEWORK_ID = "liucheng-2021-reeval"
DEFAULT_SEED = 20210

COUNTIES = [
    "柳城县", "鹿寨县", "融安县", "融水县", "三江县", "柳江区", "城中区", "鱼峰区", "柳南区",
    "柳北区", "宾阳县", "横州市", "隆安县", "马山县", "上林县", "武鸣区", "灵川县", "阳朔县",
]  # fmt: skip
BUREAUS = [
    "应急管理局", "财政局", "教育局", "卫生健康局", "民政局", "自然资源局", "住房和城乡建设局",
    "交通运输局", "水利局", "农业农村局", "文化广电体育和旅游局", "市场监督管理局", "统计局",
    "司法局", "人力资源和社会保障局", "生态环境局", "林业局", "审计局", "档案馆", "供销合作社",
]  # fmt: skip
ISSUES = [
    "指标设置不准确，未能反映工作完成的数量",
    "指标值未量化，无法衡量完成程度",
    "指标值与指标名称一致，指标值设置不规范",
    "自评内容不完整，未说明偏离原因",
    "自评内容不规范，指标归类错误",
    "指标设置重复",
    "未设定效益持续影响的期限（长期、中期、短期）",
    "目标申报时未量化、自评时量化",
    "部分工作未按计划时间完成",
    "成本指标未反映完成该工作需要的成本",
]
PROJECTS = [
    "安全生产监管专项经费", "防汛抗旱物资储备", "森林防火专项", "应急救援队伍建设",
    "信息化系统运维", "业务培训经费", "宣传资料印制", "专项督查经费", "办公设备购置",
]  # fmt: skip
TARGET_CATEGORIES = [
    ("产出指标", "数量指标"),
    ("产出指标", "质量指标"),
    ("产出指标", "时效指标"),
    ("产出指标", "成本指标"),
    ("效益指标", "社会效益指标"),
    ("效益指标", "可持续影响指标"),
    ("满意度指标", "服务对象满意度指标"),
]
# Leaves an evaluator may score by judgment when the report does not print the figures:
# (reason at full marks, reason below full marks, source).
GIVEN = {
    "input.goals.project_budget_detail_rate": (
        "项目支出均已细分，细化率超80%（报告未印出细化金额，无法由事实计算）",
        "部分项目未细化到经济分类科目（报告未印出细化金额，无法由事实计算）",
        "报告七（一）1",
    ),
    "process.assets.fixed_asset_utilisation": (
        "固定资产利用率≥90%（报告未印出在用与全部固定资产金额）",
        "存在闲置资产，利用率低于90%（报告未印出在用与全部固定资产金额）",
        "报告七（五）3",
    ),
    "process.budget_management.self_evaluation": (
        "已按要求开展自评并及时报送，内容规范完整",
        "已按要求开展自评并及时报送，但内容不够规范和完整，评价人酌情扣分",
        "报告七（四）4",
    ),
}
PROCUREMENT_LEAF = "process.execution.procurement_rate"


@dataclass
class RuleFacts:
    """What the framework's rules expect the evaluator to have recorded."""

    judgments: dict[str, list[Any]] = field(default_factory=dict)  # key → levels
    checklists: dict[str, int] = field(default_factory=dict)  # key → number of items
    issues: list[str] = field(default_factory=list)  # keys
    weights: dict[str, Any] = field(default_factory=dict)  # leaf code → weight


def _leaves(nodes: list[Node]) -> Iterator[Node]:
    for node in nodes:
        if node.children:
            yield from _leaves(node.children)
        else:
            yield node


def _specs(spec: RuleSpec) -> Iterator[RuleSpec]:
    yield spec
    if isinstance(spec, Composite):
        for part in spec.parts:
            yield from _specs(part.rule)


def rule_facts(compiled: CompiledFramework) -> RuleFacts:
    """Read judgment levels, checklist lengths and issue facts from the compiled framework."""
    found = RuleFacts()
    for node in _leaves(compiled.roots):
        found.weights[node.code] = node.weight
        if node.indicator is None or node.indicator.rule is None:
            continue
        for spec in _specs(parse_rule(node.indicator.rule)):
            if isinstance(spec, Judgment):
                found.judgments[_key(spec.fact, "judgments")] = list(spec.levels)
            elif isinstance(spec, Checklist):
                found.checklists[_key(spec.fact, "checklists")] = len(spec.items)
            elif isinstance(spec, IssueDeduction):
                found.issues.append(_key(spec.fact, "issues"))
    return found


def _key(fact: str, section: str) -> str:
    head, _, key = fact.partition(".")
    if head != section or not key:
        raise ValueError(f"unexpected fact name {fact!r} for {section}")
    return key


def _money(x: float) -> str:
    return f"{max(x, 0.0):.2f}"


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


class _Unit:
    """One unit-year's raw case dict, drawn from its own seeded generator."""

    def __init__(self, index: int, seed: int, rules: RuleFacts) -> None:
        self.rng = random.Random(f"{seed}:{index}")
        self.index = index
        self.rules = rules
        self.given: dict[str, dict[str, Any]] = {}
        self.not_applicable: dict[str, str] = {}

    def case(self) -> dict[str, Any]:
        rng = self.rng
        adjusted = rng.lognormvariate(7.0, 0.9)  # median ≈ 1,100 万元, most 200–6,000
        facts: dict[str, Any] = {
            "unit": self._unit(),
            "year": rng.randint(2019, 2023),
            "amount_unit": "万元",
            "budget": self._budget(adjusted),
            "three_public": self._three_public(adjusted),
            "public_funds": self._plan(adjusted * rng.uniform(0.03, 0.08), 0.85, 1.02),
            "staffing": self._staffing(),
            "carry_over": self._carry_over(adjusted),
            "projects": self._projects(adjusted),
            "targets": self._targets(),
            "satisfaction": self._satisfaction(),
            "judgments": self._judgments(),
            "checklists": self._checklists(),
            "issues": self._issues(),
        }
        facts["execution"] = self._execution(facts["budget"])
        self._procurement(facts, adjusted)
        self._judged_or_measured(facts, adjusted)
        self._lose_a_fact(facts)
        return {
            "case": f"synthetic-{self.index:06d}",
            "title": f"{facts['unit']['name']}{facts['year']}年度部门整体支出绩效评价（合成）",
            "framework": FRAMEWORK_ID,
            "facts": facts,
            "given": self.given,
            "not_applicable": self.not_applicable,
        }

    def _unit(self) -> dict[str, Any]:
        county = self.rng.choice(COUNTIES)
        name = f"{county}{self.rng.choice(BUREAUS)}"
        return {"name": name, "level": county[-1], "department": name}

    def _budget(self, adjusted: float) -> dict[str, Any]:
        rng = self.rng
        initial = adjusted * rng.uniform(0.55, 0.97)
        roll = rng.random()
        if roll < 0.80:
            rate = rng.uniform(0.93, 1.0)
        elif roll < 0.97:
            rate = rng.uniform(0.70, 0.93)
        else:
            rate = rng.uniform(1.0, 1.02)  # a few spend slightly over the adjusted budget
        actual = adjusted * rate
        basic = actual * rng.uniform(0.3, 0.7)
        budget: dict[str, Any] = {
            "initial": _money(initial),
            "adjusted": _money(adjusted),
            "actual": _money(actual),
            "adjustment": _money(adjusted - initial),
            "revenue": _money(adjusted * rng.uniform(0.99, 1.02)),
            "basic": {"actual": _money(basic)},
            "project": {"actual": _money(actual - basic)},
        }
        if rng.random() < 0.3:  # part of the adjustment follows policy and is not counted
            budget["adjustment_excluded"] = _money((adjusted - initial) * rng.uniform(0.2, 0.9))
        return budget

    def _execution(self, budget: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng
        adjusted, actual = float(budget["adjusted"]), float(budget["actual"])
        m6 = rng.uniform(0.35, 0.70)
        m9 = min(m6 + rng.uniform(0.10, 0.30), 0.97)
        m12 = min(actual / adjusted, 1.0)
        m3 = m6 * rng.uniform(0.3, 0.6)
        progress = {"m3": m3, "m6": m6, "m9": m9, "m12": m12}
        return {
            "cumulative_spend": {k: _money(v * adjusted) for k, v in progress.items()},
            "progress": {k: _pct(v) for k, v in progress.items() if k != "m3"},
            "planned_progress": {"m6": "50%", "m9": "75%", "m12": "100%"},
        }

    def _three_public(self, adjusted: float) -> dict[str, Any]:
        rng = self.rng
        budget = adjusted * rng.uniform(0.004, 0.025)
        actual = budget * (rng.uniform(0.55, 1.0) if rng.random() < 0.9 else rng.uniform(1, 1.08))
        car, reception = rng.uniform(0.5, 0.8), rng.uniform(0.2, 0.5)
        return {
            "budget": _money(budget),
            "actual": _money(actual),
            "prior_year_actual": _money(actual * rng.uniform(0.8, 1.25)),
            "parts": {
                "公务用车购置及运行费": {
                    "adjusted": _money(budget * car),
                    "actual": _money(actual * car),
                },
                "公务接待费": {
                    "adjusted": _money(budget * (1 - car)),
                    "actual": _money(actual * reception),
                },
                "因公出国（境）费": {"adjusted": "0", "actual": "0"},
            },
        }

    def _plan(self, budget: float, low: float, high: float) -> dict[str, str]:
        return {"budget": _money(budget), "actual": _money(budget * self.rng.uniform(low, high))}

    def _staffing(self) -> dict[str, Any]:
        rng = self.rng
        authorized = rng.randint(8, 120)
        in_post = max(authorized + rng.randint(-6, 6 if rng.random() < 0.8 else 25), 1)
        on_payroll = min(in_post, authorized) - rng.randint(0, 2)
        administrative = rng.randint(0, on_payroll)
        return {
            "authorized": authorized,
            "in_post": in_post,
            "on_payroll": max(on_payroll, 0),
            "on_payroll_by_type": {"行政编": administrative, "事业编": on_payroll - administrative},
            "outside": rng.randint(0, 15),
        }

    def _carry_over(self, adjusted: float) -> dict[str, str]:
        rng = self.rng
        prior = adjusted * rng.uniform(0.01, 0.4)
        roll = rng.random()
        if roll < 0.4:
            current = 0.0
        elif roll < 0.85:
            current = prior * rng.uniform(0.1, 1.1)
        else:
            current = prior * rng.uniform(1.1, 2.0)
        return {"current": _money(current), "prior": _money(prior)}

    def _projects(self, adjusted: float) -> list[dict[str, Any]]:
        rng = self.rng
        count = rng.randint(2, 6)
        names = rng.sample(PROJECTS, count)
        shares = [rng.random() + 0.2 for _ in names]
        scale = adjusted * rng.uniform(0.3, 0.6) / sum(shares)
        projects = []
        for name, share in zip(names, shares, strict=True):
            budget = share * scale
            projects.append(
                {
                    "name": name,
                    "initial_budget": _money(budget * rng.uniform(0.6, 1.0)),
                    "budget": _money(budget),
                    "spent": _money(budget * rng.uniform(0.8, 1.0)),
                    "on_time": rng.random() < 0.85,
                }
            )
        return projects

    def _targets(self) -> list[dict[str, Any]]:
        rng = self.rng
        targets = []
        for number in range(rng.randint(6, 14)):
            level1, category = rng.choice(TARGET_CATEGORIES)
            if rng.random() < 0.5:
                goal = rng.randint(2, 40)
                actual = goal + rng.randint(-2, 3)
                targets.append(
                    {
                        "level1": level1,
                        "category": category,
                        "name": f"{category}{number + 1}",
                        "comparator": "≥",
                        "target": str(goal),
                        "unit": "次",
                        "actual": str(max(actual, 0)),
                    }
                )
            else:
                targets.append(
                    {
                        "level1": level1,
                        "category": category,
                        "name": f"{category}{number + 1}",
                        "comparator": "定性",
                    }
                )
        return targets

    def _satisfaction(self) -> dict[str, Any]:
        respondents = self.rng.randint(30, 400)
        rate = self.rng.uniform(0.8, 0.99)
        return {"respondents": respondents, "satisfied": round(respondents * rate)}

    def _judgments(self) -> dict[str, Any]:
        chosen: dict[str, Any] = {}
        for key, levels in self.rules.judgments.items():
            # Better levels come first in every framework; weight them accordingly.
            weights = [2 ** (len(levels) - i) for i in range(len(levels))]
            level = self.rng.choices(levels, weights)[0]
            if level.range is None:
                chosen[key] = level.level
            else:
                low, high = float(level.range[0]), float(level.range[1])
                chosen[key] = {"level": level.level, "score": f"{self.rng.uniform(low, high):.1f}"}
        return chosen

    def _checklists(self) -> dict[str, list[bool]]:
        return {
            key: [self.rng.random() < 0.9 for _ in range(count)]
            for key, count in self.rules.checklists.items()
        }

    def _issues(self) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = {}
        for key in self.rules.issues:
            count = self.rng.choices([0, 1, 2, 3], [50, 30, 15, 5])[0]
            items: list[Any] = []
            for text in self.rng.sample(ISSUES, count):
                if self.rng.random() < 0.2:
                    items.append({"text": text, "deduct": "0.5"})
                else:
                    items.append(text)
            found[key] = items
        return found

    def _procurement(self, facts: dict[str, Any], adjusted: float) -> None:
        if self.rng.random() < 0.05 and PROCUREMENT_LEAF in self.rules.weights:
            self.not_applicable[PROCUREMENT_LEAF] = "本年度无政府采购预算"
            return
        low, high = (0.9, 1.06) if self.rng.random() < 0.85 else (0.6, 1.2)
        facts["procurement"] = self._plan(adjusted * self.rng.uniform(0.02, 0.15), low, high)

    def _judged_or_measured(self, facts: dict[str, Any], adjusted: float) -> None:
        """Either record the figures a rule computes from, or have the evaluator give a score."""
        rng = self.rng
        for code, (full, partial, source) in GIVEN.items():
            weight = self.rules.weights.get(code)
            if weight is None or rng.random() >= 0.3:
                continue
            lost = rng.choices([0, 1, 2], [60, 30, 10])[0]
            self.given[code] = {
                "score": max(int(weight) - lost, 0),
                "reason": partial if lost else full,
                "source": source,
            }
        if "input.goals.project_budget_detail_rate" not in self.given:
            total = adjusted * rng.uniform(0.3, 0.6)
            detailed = total * (
                rng.uniform(0.8, 1.0) if rng.random() < 0.8 else rng.uniform(0.5, 0.8)
            )
            facts["extra"] = {
                "project_budget_total": _money(total),
                "detailed_project_budget": _money(detailed),
            }
        if "process.assets.fixed_asset_utilisation" not in self.given:
            total = adjusted * rng.uniform(0.2, 1.5)
            in_use = total * (
                rng.uniform(0.9, 1.0) if rng.random() < 0.8 else rng.uniform(0.6, 0.9)
            )
            facts["fixed_assets"] = {"total": _money(total), "in_use": _money(in_use)}

    def _lose_a_fact(self, facts: dict[str, Any]) -> None:
        """About 1% of real case files miss a figure the report never printed."""
        if self.rng.random() >= 0.01:
            return
        section, key = self.rng.choice(
            [
                ("three_public", "prior_year_actual"),
                ("carry_over", "prior"),
                ("staffing", "authorized"),
            ]
        )
        facts[section].pop(key, None)


def raw_cases(
    n: int, seed: int = DEFAULT_SEED, rules: RuleFacts | None = None
) -> list[dict[str, Any]]:
    """``n`` case dicts (the shape of ``case.yaml`` after its sources are stripped)."""
    if rules is None:
        loaded = load_framework(FRAMEWORK_ID)
        rules = rule_facts(compile_framework(loaded.framework, loaded.findings))
    return [_Unit(i, seed, rules).case() for i in range(n)]


def generate(
    n: int, seed: int = DEFAULT_SEED, compiled: CompiledFramework | None = None
) -> list[Facts]:
    """``n`` engine ``Facts``, validated through ``Case`` exactly as a case file would be."""
    if compiled is None:
        loaded = load_framework(FRAMEWORK_ID)
        compiled = compile_framework(loaded.framework, loaded.findings)
    rules = rule_facts(compiled)
    return [Case.model_validate(raw).to_engine() for raw in raw_cases(n, seed, rules)]


def _summary(n: int) -> None:
    """Print what the generated unit-years score, as a sanity check of the generator."""
    from collections import Counter

    from jixiao.engine import Status, evaluate

    loaded = load_framework(FRAMEWORK_ID)
    compiled = compile_framework(loaded.framework, loaded.findings)
    results = [evaluate(compiled, facts) for facts in generate(n, compiled=compiled)]
    statuses = Counter(i.status.value for r in results for i in r.indicators)
    grades = Counter(r.grade for r in results)
    totals = sorted(r.total for r in results)
    incomplete = sum(any(i.status is Status.MISSING_DATA for i in r.indicators) for r in results)
    print(f"{n} unit-years; totals {totals[0]}–{totals[-1]}, median {totals[n // 2]}")
    print("grades:", dict(grades))
    print("indicator statuses:", dict(statuses))
    print(f"unit-years with missing data: {incomplete}")
    sample = results[0]
    print(f"\n{sample.unit} {sample.year}: {sample.total} {sample.grade}")
    for item in sample.leaves():
        print(f"  {item.name}: {item.score} — {item.explanation}")


if __name__ == "__main__":
    _summary(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
