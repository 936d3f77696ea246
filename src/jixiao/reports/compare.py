"""Comparing two evaluations of a unit: self vs re-evaluation, this year vs last.

Indicators are paired by a declared mapping (YAML, see ``mappings/``) and, unless the mapping
says ``auto: false``, by identical codes and then identical unique leaf names. A pair may join
several indicators on a side (``a: [benefit, satisfaction]``); their scores and 分值 are added.
Everything a side has that no pair covers is listed as unmapped, with its points. Differences
are B − A, in points and, since the two frameworks rarely give an indicator the same 分值, in
score rate (percentage points). Scores and reasons are the engine's; nothing is re-scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from jixiao.engine import IndicatorResult, Result
from jixiao.engine.numbers import format_number
from jixiao.engine.yamltext import LocatedDict, LocatedList, Place, YamlError, parse_yaml
from jixiao.facts.case import Case
from jixiao.reports import fmt
from jixiao.reports.context import ComparisonContext, ComparisonRow

MAPPINGS_DIR = Path(__file__).parent / "mappings"
DECLARED, SAME_CODE, SAME_NAME = "声明映射", "编码相同", "名称相同"


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Pair:
    a: tuple[str, ...]
    b: tuple[str, ...]
    basis: str = DECLARED
    note: str = ""


@dataclass(frozen=True, slots=True)
class Mapping:
    framework_a: str
    framework_b: str
    pairs: list[Pair]
    auto: bool = True
    source: str = ""
    note: str = ""

    def swapped(self) -> Mapping:
        return Mapping(
            self.framework_b,
            self.framework_a,
            [Pair(p.b, p.a, p.basis, p.note) for p in self.pairs],
            self.auto,
            self.source,
            self.note,
        )


@dataclass(frozen=True, slots=True)
class Side:
    items: tuple[IndicatorResult, ...]

    @property
    def name(self) -> str:
        return "+".join(i.name for i in self.items)

    @property
    def score(self) -> Decimal:
        return sum((i.score for i in self.items), Decimal(0))

    @property
    def max(self) -> Decimal:
        return sum((i.max for i in self.items), Decimal(0))

    @property
    def reason(self) -> str:
        if len(self.items) == 1:
            return self.items[0].explanation
        return "；".join(f"{i.name}：{i.explanation}" for i in self.items)


@dataclass(frozen=True, slots=True)
class ComparedPair:
    a: Side
    b: Side
    basis: str
    note: str = ""

    @property
    def diff(self) -> Decimal:
        return self.b.score - self.a.score

    @property
    def rate_diff(self) -> Decimal | None:
        ra = fmt.percent_value(self.a.score, self.a.max)
        rb = fmt.percent_value(self.b.score, self.b.max)
        return None if ra is None or rb is None else rb - ra


@dataclass(frozen=True, slots=True)
class Comparison:
    label_a: str
    label_b: str
    title_a: str
    title_b: str
    a: Result
    b: Result
    pairs: list[ComparedPair]
    unmapped_a: list[IndicatorResult]
    unmapped_b: list[IndicatorResult]
    mapping_source: str
    notes: list[str] = field(default_factory=list)

    @property
    def total_diff(self) -> Decimal:
        return self.b.total - self.a.total


# --- mapping files -------------------------------------------------------------------------


def mapping_file_names(framework_a: str, framework_b: str) -> tuple[str, str]:
    return f"{framework_a}__{framework_b}.yaml", f"{framework_b}__{framework_a}.yaml"


def find_mapping(framework_a: str, framework_b: str, directories: Iterable[Path]) -> Mapping | None:
    """The declared mapping for the two frameworks in ``directories`` or the shipped ones."""
    forward, backward = mapping_file_names(framework_a, framework_b)
    for directory in [*directories, MAPPINGS_DIR]:
        if (directory / forward).exists():
            return load_mapping(directory / forward)
        if (directory / backward).exists():
            return load_mapping(directory / backward).swapped()
    return None


def _codes(raw: object, where: Place) -> tuple[str, ...]:
    if isinstance(raw, str) and raw.strip():
        return (raw.strip(),)
    if isinstance(raw, list) and raw and all(isinstance(x, str) and x.strip() for x in raw):
        return tuple(x.strip() for x in raw)
    raise MappingError(f"{where}：应为指标编码（或名称路径），或其列表")


def load_mapping(path: Path) -> Mapping:
    name = str(path)
    try:
        raw = parse_yaml(path.read_text(encoding="utf-8"), name)
    except YamlError as exc:
        raise MappingError(str(exc)) from None
    if not isinstance(raw, LocatedDict):
        raise MappingError(f"{name}：映射文件的顶层应为键值映射（a、b、pairs）")
    unknown = set(raw) - {"a", "b", "pairs", "auto", "note"}
    if unknown:
        key = sorted(unknown)[0]
        raise MappingError(
            f"{raw.key_places[key]}：未知的键「{key}」（可用：a、b、pairs、auto、note）"
        )
    for key in ("a", "b", "pairs"):
        if key not in raw:
            raise MappingError(f"{raw.place}：缺少「{key}」")
    pairs_raw = raw["pairs"]
    if not isinstance(pairs_raw, LocatedList):
        raise MappingError(f"{raw.key_places['pairs']}：pairs 应为列表")
    pairs = []
    for item, place in zip(pairs_raw, pairs_raw.item_places, strict=True):
        if not isinstance(item, LocatedDict) or not {"a", "b"} <= set(item):
            raise MappingError(f"{place}：每一项须有 a 和 b")
        extra = set(item) - {"a", "b", "note"}
        if extra:
            raise MappingError(f"{place}：未知的键「{sorted(extra)[0]}」（可用：a、b、note）")
        pairs.append(
            Pair(
                _codes(item["a"], item.key_places["a"]),
                _codes(item["b"], item.key_places["b"]),
                DECLARED,
                str(item.get("note") or ""),
            )
        )
    return Mapping(
        str(raw["a"]),
        str(raw["b"]),
        pairs,
        bool(raw.get("auto", True)),
        name,
        str(raw.get("note") or ""),
    )


# --- pairing -------------------------------------------------------------------------------


def _lookup(result: Result, key: str, side: str, source: str) -> IndicatorResult:
    try:
        return result.indicator(key)
    except KeyError:
        raise MappingError(
            f"{source}：{side}方（{result.framework_id}）没有编码或名称为「{key}」的指标"
        ) from None


def _related(x: IndicatorResult, y: IndicatorResult) -> bool:
    """Same indicator, or one is an ancestor of the other."""
    n = min(len(x.path), len(y.path))
    return x.path[:n] == y.path[:n]


def _within(item: IndicatorResult, cover: Sequence[IndicatorResult]) -> bool:
    return any(tuple(c.path) == tuple(item.path[: len(c.path)]) for c in cover)


def pair_indicators(a: Result, b: Result, mapping: Mapping | None) -> list[ComparedPair]:
    pairs: list[ComparedPair] = []
    source = mapping.source if mapping else ""
    for p in mapping.pairs if mapping else []:
        side_a = tuple(_lookup(a, k, "A", source) for k in p.a)
        side_b = tuple(_lookup(b, k, "B", source) for k in p.b)
        pairs.append(ComparedPair(Side(side_a), Side(side_b), p.basis, p.note))
    if mapping is None or mapping.auto:
        pairs += _automatic(a, b, pairs)
    order = {tuple(i.path): n for n, i in enumerate(a.indicators)}
    pairs.sort(key=lambda p: min(order[tuple(i.path)] for i in p.a.items))
    return pairs


def _automatic(a: Result, b: Result, declared: list[ComparedPair]) -> list[ComparedPair]:
    taken_a = [i for p in declared for i in p.a.items]
    taken_b = [i for p in declared for i in p.b.items]

    def free(item: IndicatorResult, taken: list[IndicatorResult]) -> bool:
        return not any(tuple(t.path) == tuple(item.path) for t in taken)

    found: list[ComparedPair] = []
    by_code_b = {i.code: i for i in b.indicators if i.code}
    for item in a.indicators:
        other = by_code_b.get(item.code) if item.code else None
        if other is not None and free(item, taken_a) and free(other, taken_b):
            found.append(ComparedPair(Side((item,)), Side((other,)), SAME_CODE))
            taken_a.append(item)
            taken_b.append(other)

    def unique_leaves(result: Result) -> dict[str, IndicatorResult]:
        counts: dict[str, int] = {}
        for i in result.leaves():
            counts[i.name] = counts.get(i.name, 0) + 1
        return {i.name: i for i in result.leaves() if counts[i.name] == 1}

    names_b = unique_leaves(b)
    for name, item in unique_leaves(a).items():
        other = names_b.get(name)
        if other is not None and not _within(item, taken_a) and not _within(other, taken_b):
            found.append(ComparedPair(Side((item,)), Side((other,)), SAME_NAME))
            taken_a.append(item)
            taken_b.append(other)
    return found


def unmapped(result: Result, covered: Sequence[IndicatorResult]) -> list[IndicatorResult]:
    """Leaves that no pair covers (neither they nor an ancestor is paired)."""
    return [leaf for leaf in result.leaves() if not _within(leaf, covered)]


def side_label(case: Case) -> str:
    title = case.title
    for word in ("再评价", "重点评价", "自评", "评价"):
        if word in title:
            return word
    return case.case


def labels(case_a: Case, case_b: Case) -> tuple[str, str]:
    la, lb = side_label(case_a), side_label(case_b)
    if la == lb:
        ya, yb = case_a.facts.year, case_b.facts.year
        if ya != yb:
            return f"{ya}年{la}", f"{yb}年{lb}"
        return case_a.case, case_b.case
    return la, lb


def compare(
    a: Result,
    b: Result,
    mapping: Mapping | None,
    label_a: str = "A",
    label_b: str = "B",
    title_a: str = "",
    title_b: str = "",
) -> Comparison:
    pairs = pair_indicators(a, b, mapping)
    notes = []
    if mapping is not None and mapping.note:
        notes.append(mapping.note)
    return Comparison(
        label_a=label_a,
        label_b=label_b,
        title_a=title_a or a.framework_title,
        title_b=title_b or b.framework_title,
        a=a,
        b=b,
        pairs=pairs,
        unmapped_a=unmapped(a, [i for p in pairs for i in p.a.items]),
        unmapped_b=unmapped(b, [i for p in pairs for i in p.b.items]),
        mapping_source=(
            f"映射文件{Path(mapping.source).name}"
            if mapping and mapping.source
            else "按编码与名称自动对应"
        ),
        notes=notes,
    )


# --- as printed ----------------------------------------------------------------------------


def signed(value: Decimal) -> str:
    text = format_number(value)
    return text if value <= 0 else f"+{text}"


def signed_points(value: Decimal | None, places: int = 2) -> str:
    """A difference of rates in percentage points: ``-20个百分点``."""
    if value is None:
        return fmt.DASH
    points = value * 100
    from jixiao.engine.numbers import round_to

    return f"{signed(round_to(points, places))}个百分点"


def _unmapped_list(items: list[IndicatorResult]) -> str:
    return "、".join(f"{'/'.join(i.path)}（{format_number(i.max)}分）" for i in items)


def unmapped_text(c: Comparison) -> str:
    parts = []
    for label, items in ((c.label_a, c.unmapped_a), (c.label_b, c.unmapped_b)):
        if items:
            points = format_number(sum((i.max for i in items), Decimal(0)))
            parts.append(
                f"{label}有{len(items)}个末级指标（合计{points}分）未能对应：{_unmapped_list(items)}"
            )
        else:
            parts.append(f"{label}的末级指标均已对应")
    return "未能对应的指标：" + "；".join(parts) + "。"


def summary_text(c: Comparison) -> str:
    bases: dict[str, int] = {}
    for p in c.pairs:
        bases[p.basis] = bases.get(p.basis, 0) + 1
    basis_text = "、".join(f"{k}{v}项" for k, v in bases.items()) or "无"
    text = (
        f"{c.label_a}（{c.title_a}）总分{format_number(c.a.total)}分，等级“{c.a.grade}”；"
        f"{c.label_b}（{c.title_b}）总分{format_number(c.b.total)}分，等级“{c.b.grade}”；"
        f"{c.label_b}较{c.label_a}{signed(c.total_diff)}分。"
        f"两套指标体系对应指标{len(c.pairs)}组（{basis_text}；对应依据：{c.mapping_source}）。"
    )
    if any(p.a.max != p.b.max for p in c.pairs):
        text += "对应指标分值不同的，以得分率差比较。"
    return text + "".join(c.notes)


def to_context(c: Comparison) -> ComparisonContext:
    rows = []
    for n, p in enumerate(c.pairs, 1):
        rows.append(
            ComparisonRow(
                no=str(n),
                name_a=p.a.name,
                name_b=p.b.name,
                max_a=format_number(p.a.max),
                max_b=format_number(p.b.max),
                score_a=format_number(p.a.score),
                score_b=format_number(p.b.score),
                diff=signed(p.diff),
                rate_a=fmt.rate(p.a.score, p.a.max),
                rate_b=fmt.rate(p.b.score, p.b.max),
                rate_diff=signed_points(p.rate_diff),
                basis=p.basis,
                note=p.note,
                reason_a=p.a.reason,
                reason_b=p.b.reason,
            )
        )
    return ComparisonContext(
        title=comparison_title(c),
        label_a=c.label_a,
        label_b=c.label_b,
        title_a=c.title_a,
        title_b=c.title_b,
        framework_a=c.a.framework_id,
        framework_b=c.b.framework_id,
        total_a=format_number(c.a.total),
        total_b=format_number(c.b.total),
        max_a=format_number(c.a.max),
        max_b=format_number(c.b.max),
        grade_a=c.a.grade,
        grade_b=c.b.grade,
        total_diff=signed(c.total_diff),
        summary=summary_text(c),
        mapping=c.mapping_source,
        rows=rows,
        unmapped_a=["/".join(i.path) for i in c.unmapped_a],
        unmapped_b=["/".join(i.path) for i in c.unmapped_b],
        unmapped_text=unmapped_text(c),
    )


def comparison_title(c: Comparison) -> str:
    year = f"{c.a.year}年度" if c.a.year and c.a.year == c.b.year else ""
    return f"{c.a.unit}{year}{c.label_a}与{c.label_b}结果比较"


def chart_pairs(c: Comparison) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal]]:
    return [(_chart_name(p), p.a.score, p.a.max, p.b.score, p.b.max) for p in c.pairs]


def _chart_name(p: ComparedPair) -> str:
    """The shorter of the two names (charts have little room for labels)."""
    return min((p.a.name, p.b.name), key=len)
