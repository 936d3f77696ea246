"""绩效目标质量审核: is each 绩效指标 measurable, in the right category, set at a sensible level?

``review_targets(targets, rules, peers)`` returns one ``TargetFinding`` per problem, each with a
rule code (``target.no_count`` …), a severity, the reason naming the indicator as written, and a
suggested fix. The word lists and thresholds live in ``target_rules.yaml``; a locality passes its
own file to ``load_target_rules`` to change any of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from jixiao.checks.findings import TargetFinding
from jixiao.checks.textnum import (
    Comparator,
    Quantity,
    TargetValue,
    find_dates,
    find_quantities,
    normalize,
    parse_target_value,
    unit_kind,
)
from jixiao.engine.numbers import Percent, format_number, format_percent
from jixiao.engine.result import Severity
from jixiao.facts.model import Target

DEFAULT_RULES = Path(__file__).with_name("target_rules.yaml")


class TargetRulesError(ValueError):
    """A rules file that cannot be used; the message is in Chinese and names the key."""


class TargetRules(BaseModel):
    """The data behind the review: word lists, thresholds, severities (see target_rules.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    categories: dict[str, list[str]]
    severity: dict[str, Severity]
    vague_verbs: list[str]
    frequency_words: list[str]
    action_verbs: list[str]
    deadline_words: list[str]
    period_words: list[str]
    weak_time_words: list[str]
    outcome_markers: list[str]
    money_units: list[str]
    survey_terms: list[str]
    not_survey_terms: list[str]
    horizon_words: list[str]
    fake_quantified_words: list[str]
    too_low_ratio: Decimal
    copy_min_chars: int
    common_texts: list[str]

    def kind_of(self, category: str | None) -> str | None:
        if not category:
            return None
        for kind, words in self.categories.items():
            if any(word in category for word in words):
                return kind
        return None

    def severity_of(self, code: str) -> Severity:
        return self.severity.get(code, Severity.WARNING)


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_target_rules(path: str | Path | None = None) -> TargetRules:
    """The default rules, with a locality's file (if given) merged over them."""
    data: dict[str, Any] = yaml.safe_load(DEFAULT_RULES.read_text(encoding="utf-8"))
    if path is not None:
        file = Path(path)
        try:
            override = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise TargetRulesError(f"无法读取规则文件 {file}：{exc}") from None
        if not isinstance(override, Mapping):
            raise TargetRulesError(f"规则文件 {file} 的顶层应为键值映射")
        data = _merge(data, override)
    try:
        return TargetRules.model_validate(data)
    except ValidationError as exc:
        problems = "；".join(
            f"{'.'.join(str(p) for p in err['loc'])}：{_pydantic_message(err['type'])}"
            for err in exc.errors()
        )
        raise TargetRulesError(f"规则文件有误：{problems}") from None


def _pydantic_message(kind: str) -> str:
    return {
        "extra_forbidden": "未知的键（是否拼错？）",
        "missing": "缺少此键",
        "enum": "严重程度应为 error、warning 或 info",
    }.get(kind, f"取值无效（{kind}）")


# ---------------------------------------------------------------------------------------------


_PUNCT = re.compile(r"[\s“”\"'‘’「」『』、，,；;。：:（）()《》<>【】\[\]！!？?·…—\-]|的")


def _plain_text(text: str) -> str:
    return _PUNCT.sub("", normalize(text))


@dataclass(slots=True)
class _Item:
    index: int  # 1-based
    target: Target
    kind: str | None
    text: str  # name, plus the value text when it says something else
    declared: TargetValue | None  # the 指标值 as declared in its own fields
    parsed: TargetValue | None  # a value found in the wording
    quantities: list[Quantity]

    @property
    def measure(self) -> TargetValue | None:
        return self.declared or self.parsed

    @property
    def where(self) -> str:
        category = self.target.category or "未分类"
        return f"绩效指标第{self.index}条（{category}）"

    @property
    def comparator(self) -> Comparator | None:
        declared = self.target.comparator
        if declared not in (None, "定性"):
            return declared  # type: ignore[return-value]
        measure = self.measure
        return None if measure is None else measure.comparator


def _declared(target: Target) -> TargetValue | None:
    value = target.target
    comparator = None if target.comparator in (None, "定性") else target.comparator
    if isinstance(value, Decimal):
        unit = "%" if isinstance(value, Percent) else (target.unit or "")
        return TargetValue(comparator, value, unit, unit_kind(unit), format_number(value))  # type: ignore[arg-type]
    if isinstance(value, str):
        parsed = parse_target_value(value)
        if parsed is not None and comparator is not None and parsed.comparator is None:
            return TargetValue(
                comparator,  # type: ignore[arg-type]
                parsed.value,
                parsed.unit,
                parsed.kind,
                parsed.printed,
                parsed.low,
                parsed.high,
            )
        return parsed
    return None


def _item(index: int, target: Target, rules: TargetRules) -> _Item:
    text = target.name
    if isinstance(target.target, str) and _plain_text(target.target) != _plain_text(target.name):
        text = f"{target.name}，{target.target}"
    return _Item(
        index=index,
        target=target,
        kind=rules.kind_of(target.category) or rules.kind_of(target.level1),
        text=text,
        declared=_declared(target),
        parsed=parse_target_value(target.name),
        quantities=find_quantities(text),
    )


# ---------------------------------------------------------------------------------------------


class _Review:
    def __init__(self, rules: TargetRules) -> None:
        self.rules = rules
        self.findings: list[TargetFinding] = []

    def add(self, item: _Item, code: str, reason: str, fix: str) -> None:
        self.findings.append(
            TargetFinding(
                self.rules.severity_of(code),
                code,
                f"「{item.target.name}」{reason}",
                item.where,
                target=item.target.name,
                category=item.target.category or "",
                fix=fix,
            )
        )

    # -- per indicator ------------------------------------------------------------------------

    def check(self, item: _Item) -> None:
        self.value_equals_name(item)
        self.vague_verb(item)
        check = {
            "quantity": self.quantity,
            "timeliness": self.timeliness,
            "cost": self.cost,
            "quality": self.quality,
            "satisfaction": self.satisfaction,
            "sustainability": self.sustainability,
        }.get(item.kind or "")
        if check is not None:
            check(item)
        self.fake_quantified(item)
        self.not_quantified(item)
        self.too_low(item)

    def value_equals_name(self, item: _Item) -> None:
        value = item.target.target
        if isinstance(value, str) and _plain_text(value) == _plain_text(item.target.name):
            self.add(
                item,
                "target.value_equals_name",
                f"的指标值「{value}」与指标名称相同，没有给出目标",
                "指标值应是可衡量的目标（比较符+数值+单位，如成本指标“≤X万元”），不要重复名称",
            )

    def vague_verb(self, item: _Item) -> None:
        if item.measure is not None:
            return
        verbs = [v for v in self.rules.vague_verbs if v in item.text]
        if verbs:
            shown = "、".join(f"“{v}”" for v in verbs[:3])
            self.add(
                item,
                "target.vague_verb",
                f"用{shown}描述工作，没有可衡量的量或标准",
                "改写为可衡量的结果，如“完成X次”“合格率≥95%”“N日内办结”“事故起数同比下降X%”",
            )

    def quantity(self, item: _Item) -> None:
        counted = [
            q for q in item.quantities if q.kind in ("count", "measure", "percent", "number")
        ]
        if counted or (item.declared is not None and item.declared.value is not None):
            return
        frequency = next((w for w in self.rules.frequency_words if w in item.text), None)
        if frequency is not None and self._frequency_with_action(item.text, frequency):
            return  # 每季度开展检查: the count is implied (4 per year)
        detail = ""
        if frequency is not None:
            verb = next((v for v in self.rules.vague_verbs if v in item.text), None)
            detail = f"（“{frequency}”只表示频次" + (f"，“{verb}”无法计数）" if verb else "）")
        self.add(
            item,
            "target.no_count",
            f"作为数量指标没有可计数的量{detail}",
            "写明完成的数量，如“开展应急演练≥4次”“处置救援任务N起”“培训N人次”",
        )

    def _frequency_with_action(self, text: str, frequency: str) -> bool:
        verbs = "|".join(re.escape(v) for v in self.rules.action_verbs)
        pattern = re.escape(frequency) + r"[^，,；;。]{0,4}?(?:" + verbs + ")"
        return bool(verbs) and re.search(pattern, text) is not None

    def timeliness(self, item: _Item) -> None:
        text = item.text
        declared = item.declared
        if declared is not None and declared.kind in ("duration", "percent"):
            return  # ≤30分钟; 按时完成率≥95%
        if any(q.kind == "duration" for q in item.quantities) or find_dates(text):
            return
        if any(w in text for w in (*self.rules.deadline_words, *self.rules.period_words)):
            return
        weak = [w for w in self.rules.weak_time_words if w in text]
        if weak and any(q.kind == "percent" for q in item.quantities):
            return  # 及时率≥95%
        detail = f"（只有“{weak[0]}”，没有时限）" if weak else ""
        self.add(
            item,
            "target.no_time",
            f"作为时效指标没有时间要求{detail}",
            "写明时限或完成时间，如“接报后30分钟内响应”“每季度末前完成”“12月31日前完成”",
        )

    def cost(self, item: _Item) -> None:
        money = [q for q in item.quantities if q.kind == "money"]
        unit = item.target.unit or ""
        declared_money = isinstance(item.target.target, Decimal) and any(
            u in unit for u in self.rules.money_units
        )
        if not money and not declared_money:
            self.add(
                item,
                "target.cost_no_amount",
                "作为成本指标没有金额",
                "写明完成该工作所需成本的上限，如“≤X万元”，并与预算数相匹配",
            )
        if item.comparator in ("≥", ">"):
            self.add(
                item,
                "target.cost_wrong_direction",
                f"作为成本指标使用了“{item.comparator}”，花得越多越达标",
                "成本指标应为反向指标，用“≤”（不超过）设定上限",
            )

    def quality(self, item: _Item) -> None:
        if item.measure is not None:
            return
        if any(m in item.text for m in self.rules.outcome_markers):
            return
        self.add(
            item,
            "target.no_outcome",
            "只描述了要做的工作，没有反映工作完成后应达到的质量标准或效果",
            "写明质量标准或结果，如“检查覆盖率100%”“隐患整改合格率≥95%”“事故起数同比下降”",
        )

    def satisfaction(self, item: _Item) -> None:
        text = item.text
        surveyed = any(t in text for t in self.rules.survey_terms)
        proxy = [t for t in self.rules.not_survey_terms if t in text]
        if not surveyed or (proxy and "满意" not in text):
            detail = f"（“{proxy[0]}”不是调查所得的满意比例）" if proxy else ""
            self.add(
                item,
                "target.not_survey",
                f"不是满意度指标{detail}",
                "满意度应为问卷调查的满意比例（满意人数/有效问卷数），如“服务对象满意度≥90%”；"
                "其他内容移到相应的效益指标",
            )
            return
        clauses = [c for c in re.split(r"[，,；;。]", normalize(text)) if c.strip()]
        unrelated = [
            c
            for c in clauses
            if len(_plain_text(c)) >= 4
            and not any(t in c for t in self.rules.survey_terms)
            and parse_target_value(c) is None
        ]
        if unrelated and len(unrelated) < len(clauses):
            self.add(
                item,
                "target.unrelated_clause",
                f"含与满意度无关的内容「{'，'.join(unrelated)}」",
                "满意度指标只写调查对象和满意比例；删去无关内容，需要时另设效益指标",
            )

    def sustainability(self, item: _Item) -> None:
        if any(w in item.text for w in self.rules.horizon_words):
            return
        if any(q.kind == "duration" for q in item.quantities) or find_dates(item.text):
            return
        self.add(
            item,
            "target.no_horizon",
            "作为可持续影响指标没有写明影响的期限",
            "写明履职效益持续影响的期限，如“长期”“中期（3-5年）”“持续至2025年”",
        )

    def fake_quantified(self, item: _Item) -> None:
        measure = item.measure
        if measure is None or measure.unit != "%":
            return
        rest = item.text.replace(measure.printed, "")
        if re.search(r"率|度|比例|占比|比重|同比|环比|[下上]降|增长|减少", rest):
            return
        words = [w for w in self.rules.fake_quantified_words if w in rest]
        if words:
            self.add(
                item,
                "target.fake_quantified",
                f"把“{measure.printed}”套在“{words[0]}”这类定性结论上，数字无从计量",
                "让数字度量一个可统计的量，如“事故起数同比下降10%”“群众知晓率≥90%”",
            )

    def not_quantified(self, item: _Item) -> None:
        target = item.target
        actual = target.actual
        declared_qualitative = item.declared is None or item.declared.value is None
        if declared_qualitative and isinstance(actual, Decimal) and item.declared is None:
            in_name = item.parsed
            hint = ""
            if in_name is not None:
                shown = f"{in_name.comparator or ''}{in_name.printed}"
                hint = f"；名称中的「{shown}」应作为指标值申报"
            self.add(
                item,
                "target.not_quantified",
                f"申报时未量化（指标值为定性或空），自评时却给出实际值{_show(actual)}{hint}",
                "申报绩效目标时即填写比较符、指标值和计量单位，自评时按同一口径对比",
            )
            return
        if isinstance(target.target, Decimal):
            missing = []
            if target.comparator is None:
                missing.append("比较符（≥、≤、=）")
            if not target.unit and not isinstance(target.target, Percent):
                missing.append("计量单位")
            if missing:
                self.add(
                    item,
                    "target.not_quantified",
                    f"的指标值{_show(target.target)}缺少{'和'.join(missing)}",
                    "指标值须同时写明比较符、数值和计量单位，如“≥95%”“≤30万元”",
                )
            return
        if item.kind == "satisfaction" and item.measure is None and "满意" in item.text:
            self.add(
                item,
                "target.not_quantified",
                "没有给出满意比例的目标值",
                "写明目标满意度，如“≥90%”",
            )

    def too_low(self, item: _Item) -> None:
        measure = item.measure
        actual = item.target.actual
        if measure is None or measure.value is None or not isinstance(actual, Decimal):
            return
        target_value = measure.value
        if isinstance(target_value, Percent) != isinstance(actual, Percent):
            return
        comparator = item.comparator
        ratio: Decimal | None = None
        if comparator in (None, "≥", ">", "=") and target_value > 0:
            ratio = actual / target_value
        elif comparator in ("≤", "<") and actual > 0:
            ratio = target_value / actual
        if ratio is None or ratio < self.rules.too_low_ratio:
            return
        self.add(
            item,
            "target.too_low",
            f"目标值{_show(target_value)}、实际值{_show(actual)}，完成程度{format_percent(ratio, 0)}，"
            f"超过{format_percent(self.rules.too_low_ratio, 0)}，目标设定偏低",
            "依据往年实际完成数和本年计划数重新测算目标值；超额完成较多须在自评中说明原因",
        )

    # -- across indicators --------------------------------------------------------------------

    def duplicates(self, items: Sequence[_Item]) -> None:
        first_seen: dict[str, _Item] = {}
        for item in items:
            key = _plain_text(item.target.name)
            if not key:
                continue
            earlier = first_seen.get(key)
            if earlier is None:
                first_seen[key] = item
                continue
            same = "同一类别" if earlier.target.category == item.target.category else "不同类别"
            self.add(
                item,
                "target.duplicate",
                f"与第{earlier.index}条（{earlier.target.category or '未分类'}）重复（{same}）",
                "每个指标只反映一个方面；删去重复项，按本类别的要求重新设定",
            )
        keys = list(first_seen.items())
        for key, item in keys:
            if len(key) < 6:
                continue
            for other_key, other in keys:
                if other is item or key == other_key or key not in other_key:
                    continue
                self.add(
                    item,
                    "target.overlap",
                    f"已包含在第{other.index}条「{other.target.name}」中",
                    "合并或删去被包含的指标，避免同一工作重复考核",
                )
                break

    def copied(self, items: Sequence[_Item], peers: Mapping[str, Sequence[Target]]) -> None:
        common = {_plain_text(t) for t in self.rules.common_texts}
        texts: dict[str, list[str]] = {}
        for unit, targets in peers.items():
            for target in targets:
                texts.setdefault(_plain_text(target.name), []).append(unit)
        for item in items:
            key = _plain_text(item.target.name)
            if len(key) < self.rules.copy_min_chars or key in common:
                continue
            units = sorted(set(texts.get(key, [])))
            if units:
                self.add(
                    item,
                    "target.copied_across_units",
                    f"与{'、'.join(units)}的绩效指标文字完全相同",
                    "绩效指标应依据本单位职能和本年度任务设定，核实是否照抄了其他单位",
                )


def _show(value: Decimal) -> str:
    return format_percent(value) if isinstance(value, Percent) else format_number(value)


def review_targets(
    targets: Sequence[Target],
    rules: TargetRules | None = None,
    peers: Mapping[str, Sequence[Target]] | None = None,
) -> list[TargetFinding]:
    """Review a unit's 绩效指标; ``peers`` maps other units in the round to their targets."""
    rules = rules or load_target_rules()
    review = _Review(rules)
    items = [_item(i, target, rules) for i, target in enumerate(targets, start=1)]
    for item in items:
        review.check(item)
    review.duplicates(items)
    if peers:
        review.copied(items, peers)
    order = {item.index: i for i, item in enumerate(items)}
    return sorted(
        review.findings,
        key=lambda f: (order.get(_index_of(f.where), 0), f.code),
    )


def _index_of(where: str) -> int:
    m = re.search(r"第(\d+)条", where)
    return int(m.group(1)) if m else 0
