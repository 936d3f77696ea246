"""``evaluate(framework, facts) -> Result``: score every leaf, roll totals up, grade, check claims."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TypeVar, cast

from jixiao.engine.claims import check_claims
from jixiao.engine.compiled import CompiledFramework, Node, compile_framework
from jixiao.engine.inputs import Facts, GivenScore
from jixiao.engine.loader import LoadedFramework
from jixiao.engine.model import NA_LABELS, Framework, GradeBand
from jixiao.engine.numbers import ZERO, format_number, round_to
from jixiao.engine.result import Finding, IndicatorResult, Result, Severity, Status
from jixiao.engine.rules.base import Outcome, remembered
from jixiao.engine.rules.given import NEEDS_SCORE

_GIVEN = Status.GIVEN
_MISSING_DATA = Status.MISSING_DATA
_NOT_APPLICABLE = Status.NOT_APPLICABLE
_SCORED = Status.SCORED


# What a node passes up: (score, the points it counts for after N/A handling, dropped from the
# total under the rescale policy, its weight lent to siblings under redistribute, status).
# A plain tuple: one is made per node, and tuples are several times cheaper than objects.
_Rolled = tuple[Decimal, Decimal, bool, bool, Status]
_UNSET: _Rolled = (ZERO, ZERO, False, False, _NOT_APPLICABLE)  # below a not-applicable node
_Entry = TypeVar("_Entry")


def grade_for(total: Decimal, grades: list[GradeBand]) -> str:
    for band in grades:
        if total >= band.min:
            return band.grade
    return grades[-1].grade


def evaluate(framework: CompiledFramework | LoadedFramework | Framework, facts: Facts) -> Result:
    """Score ``facts`` against ``framework``. Pure: no I/O, no mutation of its inputs.

    (A compiled framework remembers its branches' roll-ups, see ``_Run._branch``; that only
    saves work and never changes a result.)
    """
    compiled = _compiled(framework)
    run = _Run(compiled, facts)
    rolled = run.walk()
    total, maximum = run.total([rolled[root.index] for root in compiled.roots])
    fw = compiled.framework
    result = Result(
        framework_id=fw.id,
        framework_title=fw.title,
        unit=facts.unit,
        year=facts.year,
        total=total,
        max=maximum,
        grade=grade_for(total, fw.grades),
        indicators=run.results,
        findings=[*compiled.findings, *run.findings],
    )
    if facts.claims:
        result.findings += check_claims(
            result, facts.claims, facts.values, fw.rounding.percent_places
        )
    return result


def evaluate_many(
    framework: CompiledFramework | LoadedFramework | Framework, batch: Iterable[Facts]
) -> list[Result]:
    """Evaluate many unit-years against one framework, compiled once.

    The cyclic garbage collector is paused for the batch: results hold no reference cycles, and
    re-scanning hundreds of thousands of fresh result objects otherwise costs about a tenth of
    the time.
    """
    compiled = _compiled(framework)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return [evaluate(compiled, facts) for facts in batch]
    finally:
        if was_enabled:
            gc.enable()


def _index(node: Node) -> int:
    return node.index


def _compiled(framework: CompiledFramework | LoadedFramework | Framework) -> CompiledFramework:
    if isinstance(framework, CompiledFramework):
        return framework
    if isinstance(framework, LoadedFramework):
        return compile_framework(framework.framework, framework.findings)
    return compile_framework(framework)


class _Run:
    def __init__(self, compiled: CompiledFramework, facts: Facts) -> None:
        self.compiled = compiled
        self.env = facts.values
        rounding = compiled.framework.rounding
        self.places, self.mode = rounding.places, rounding.mode
        self.zero = round_to(ZERO, self.places, self.mode)
        self.results: list[IndicatorResult] = []
        self.findings: list[Finding] = []
        self.given: dict[str, GivenScore] = (
            self._by_node(facts.given, "given") if facts.given else {}
        )
        self.not_applicable: dict[str, str] = (
            self._by_node(facts.not_applicable, "not_applicable") if facts.not_applicable else {}
        )

    def _by_node(self, entries: Mapping[str, _Entry], what: str) -> dict[str, _Entry]:
        found: dict[str, _Entry] = {}
        for key, value in entries.items():
            node = self.compiled.node(key)
            if node is None:
                paths = [n.where for n in self.compiled.order if n.name == key]
                message = (
                    f"案例中的指标名称「{key}」不唯一，请改用路径：{'；'.join(paths)}"
                    if len(paths) > 1
                    else f"案例中的「{key}」不是本指标体系中的指标"
                )
                self.findings.append(
                    Finding(Severity.ERROR, f"{what}.unknown_indicator", message, key)
                )
            elif node.children and what == "given":
                message = f"「{key}」有下级指标，只能对末级指标给分（上级得分由下级汇总）"
                self.findings.append(Finding(Severity.ERROR, "given.not_leaf", message, key))
            else:
                found[node.code] = value
        return found

    def round(self, value: Decimal) -> Decimal:
        return round_to(value, self.places, self.mode)

    def walk(self) -> list[_Rolled]:
        """Evaluate every node without recursion: leaves first, in order, then branches upwards.

        Results sit at each node's pre-order index, the order ``Result.indicators`` keeps; leaves
        are scored in that order so that their findings are too.
        """
        size = len(self.compiled.order)
        results: list[IndicatorResult | None] = [None] * size
        rolled: list[_Rolled] = [_UNSET] * size
        if self.not_applicable:
            self._set_aside(results, rolled)
        env, given = self.env, self.given
        for node in self.compiled.leaves:
            index = node.index
            if results[index] is not None:  # set aside: not applicable, or below such a node
                continue
            assert node.scorer is not None  # the loader requires a rule on every leaf
            outcome = node.scorer(env)
            chosen = given.get(node.code) if given else None
            result = (
                self._scored(node, outcome)
                if chosen is None
                else self._given(node, outcome, chosen)
            )
            results[index] = result
            rolled[index] = (result.score, node.weight, False, False, result.status)
        for node in self.compiled.branches_upwards:
            index = node.index
            if results[index] is None:
                results[index], rolled[index] = self._branch(node, node.from_children(rolled))
        self.results = cast(list[IndicatorResult], results)
        return rolled

    def _set_aside(self, results: list[IndicatorResult | None], rolled: list[_Rolled]) -> None:
        """Not-applicable nodes, outermost first; the nodes below one are shown, not scored."""
        order = self.compiled.order
        for node in sorted((self.compiled.by_key[c] for c in self.not_applicable), key=_index):
            if results[node.index] is not None:  # below another not-applicable node
                continue
            reason = str(self.not_applicable[node.code])
            results[node.index], rolled[node.index] = self._not_applicable(node, reason)
            for below in order[node.index + 1 : node.end]:
                results[below.index] = self._skipped(below)

    def _skipped(self, node: Node) -> IndicatorResult:
        return node.result(
            self.zero, _NOT_APPLICABLE, "上级指标不适用", None, None, not node.children
        )

    def _not_applicable(self, node: Node, reason: str) -> tuple[IndicatorResult, _Rolled]:
        result = self._skipped(node)
        result.explanation = f"不适用：{reason}；{NA_LABELS[node.na_policy]}"
        if node.na_policy == "full_marks":
            result.score = self.round(node.weight)
            return result, (result.score, node.weight, False, False, _NOT_APPLICABLE)
        rolled = (
            ZERO,
            ZERO,
            node.na_policy == "rescale",
            node.na_policy == "redistribute",
            _NOT_APPLICABLE,
        )
        return result, rolled

    def _scored(self, node: Node, outcome: Outcome) -> IndicatorResult:
        status, explanation = outcome.status, outcome.explanation
        if node.rule_kind == "given" and outcome.value_text:
            explanation = f"{explanation.split('；')[0]}；{NEEDS_SCORE}"
        score = self.zero if status is _MISSING_DATA else outcome.score
        result: IndicatorResult = node.result(
            score, status, explanation, outcome.value, outcome.value_text, True, outcome.missing
        )
        if status is _MISSING_DATA:
            message = f"「{node.name}」无法评分：{explanation}"
            self.findings.append(Finding(Severity.WARNING, "data.missing", message, node.where))
        if outcome.notes:
            for note in outcome.notes:
                self.findings.append(Finding(Severity.WARNING, "rule.note", note, node.where))
        return result

    def _given(self, node: Node, outcome: Outcome, given: GivenScore) -> IndicatorResult:
        where = node.where
        score = given.score
        if not ZERO <= score <= node.weight:
            self.findings.append(
                Finding(
                    Severity.ERROR,
                    "given.out_of_range",
                    f"「{node.name}」给分{format_number(score)}超出0-{format_number(node.weight)}分",
                    where,
                )
            )
            score = min(max(score, ZERO), node.weight)
        score = self.round(score)
        text = f"评价人给分{format_number(score)}分：{given.reason}（依据：{given.source}）"
        if node.rule_kind == "given":
            if outcome.value_text:
                text = f"{outcome.explanation.split('（供参考）')[0]}；{text}"
        elif outcome.status is _MISSING_DATA:
            text += f"；按评分标准无法计算（{outcome.explanation}）"
        else:
            text += f"；按评分标准计算：{outcome.explanation}"
            if outcome.score != score:
                self.findings.append(
                    Finding(
                        Severity.INFO,
                        "given.differs_from_rule",
                        f"「{node.name}」评价人给分{format_number(score)}分，按评分标准计算为{format_number(outcome.score)}分",
                        where,
                    )
                )
        result: IndicatorResult = node.result(
            score, _GIVEN, text, outcome.value, outcome.value_text, True, (), given.source
        )
        return result

    def _branch(self, node: Node, rolled: tuple[_Rolled, ...]) -> tuple[IndicatorResult, _Rolled]:
        # A branch's outcome depends only on what its children pass up, and children's scores
        # take few distinct values: most unit-years reuse an explanation already written.
        text, up = remembered(node.memo, rolled, self._roll_up, node, rolled)
        return node.result(up[0], up[4], text, None, None, False), up

    def _roll_up(self, node: Node, rolled: tuple[_Rolled, ...]) -> tuple[str, _Rolled]:
        score = maximum = lent = dropped = ZERO
        parts: list[str] = []
        missing = False
        for child, (r_score, r_max, r_dropped, r_lent, r_status) in zip(
            node.children, rolled, strict=True
        ):
            missing = missing or r_status is _MISSING_DATA
            if r_lent:
                lent += child.weight
            elif r_dropped:
                dropped += child.weight
            else:
                score += r_score
                maximum += r_max
                parts.append(format_number(r_score))
        if not parts and (lent or dropped):
            # Every child is not applicable: the branch passes the same treatment up.
            return "下级指标均不适用", (self.zero, ZERO, bool(dropped), bool(lent), _NOT_APPLICABLE)
        if len(parts) > 1:
            text = f"下级指标得分合计{'+'.join(parts)}={format_number(score)}分"
        else:
            text = f"下级指标得分{format_number(score)}分"
        if node.children_weight != node.weight and node.children_weight > 0:
            policy = self.compiled.framework.weight_mismatch
            score, maximum, note = self._mismatch(
                node, score, maximum, node.children_weight, policy
            )
            text += note
        if lent and maximum:
            factor = (maximum + lent) / maximum
            score, maximum = score * factor, maximum + lent
            text += f"；不适用指标的{format_number(lent)}分按比例分给同级指标"
        # A plain sum of rounded scores needs no rounding; a rescaled one does.
        if lent or node.children_weight != node.weight:
            score = self.round(score)
        status = _MISSING_DATA if missing else _SCORED
        text = f"{text}，得{format_number(score)}分"
        if dropped:
            text += f"（{format_number(dropped)}分的不适用指标不计入）"
        return text, (score, maximum, False, False, status)

    def _mismatch(
        self, node: Node, score: Decimal, maximum: Decimal, declared: Decimal, policy: str
    ) -> tuple[Decimal, Decimal, str]:
        head = f"；下级分值合计{format_number(declared)}分与本项分值{format_number(node.weight)}分不一致"
        if policy == "rescale":
            factor = node.weight / declared
            return (
                score * factor,
                maximum * factor,
                f"{head}，按{format_number(node.weight)}/{format_number(declared)}折算",
            )
        if policy == "cap":
            return min(score, node.weight), min(maximum, node.weight), f"{head}，以本项分值为上限"
        return score, maximum, f"{head}，按下级合计计"

    def total(self, rolled: list[_Rolled]) -> tuple[Decimal, Decimal]:
        declared = self.compiled.total
        score = counted = lent = ZERO
        for root, (r_score, r_max, r_dropped, r_lent, _) in zip(
            self.compiled.roots, rolled, strict=True
        ):
            if r_lent:
                lent += root.weight
            elif not r_dropped:
                score += r_score
                counted += r_max
        if lent and counted:
            score = score * (counted + lent) / counted
            counted += lent
        if counted and counted != declared and any(self._dropped_anywhere()):
            scaled = score * declared / counted  # 按百分制折算
            self.findings.append(
                Finding(
                    Severity.INFO,
                    "total.rescaled",
                    f"不适用指标不计分，按适用指标折算：{format_number(self.round(score))}/"
                    f"{format_number(counted)}×{format_number(declared)}={format_number(self.round(scaled))}分",
                    "总分",
                )
            )
            score = scaled
        return self.round(score), declared

    def _dropped_anywhere(self) -> list[bool]:
        return [
            r.status is _NOT_APPLICABLE and self.compiled.by_key[r.code].na_policy == "rescale"
            for r in self.results
        ]
