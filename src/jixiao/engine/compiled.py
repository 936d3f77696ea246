"""A framework compiled once for many evaluations: a tree of nodes with ready scorers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from operator import itemgetter
from typing import Any

from jixiao.engine.model import Framework, Indicator, NAPolicy
from jixiao.engine.result import Finding, IndicatorResult
from jixiao.engine.rules import RuleContext, parse_rule
from jixiao.engine.rules.base import Scorer


@dataclass(slots=True)
class Node:
    code: str
    name: str
    path: tuple[str, ...]
    weight: Decimal
    na_policy: NAPolicy
    children: list[Node] = field(default_factory=list)
    scorer: Scorer | None = None
    rule_kind: str = ""
    indicator: Indicator | None = None

    level: int = 1
    children_weight: Decimal = Decimal(0)  # sum of the children's declared weights
    index: int = 0  # position in the pre-order walk (and in ``Result.indicators``)
    end: int = 0  # one past the last descendant's index: the subtree is ``[index, end)``
    where: str = ""  # the path as findings print it: 投入/目标设定/…
    # A branch's roll-up by what its children passed up: a pure function of them, remembered.
    memo: dict[tuple[Any, ...], tuple[str, Any]] = field(default_factory=dict, repr=False)
    # ``IndicatorResult`` with this node's code, name, path, level and 分值 filled in.
    result: Callable[..., IndicatorResult] = field(init=False, repr=False, compare=False)
    # What the children passed up, as a tuple, from the list of every node's roll-up.
    from_children: Callable[[list[Any]], tuple[Any, ...]] = field(
        init=False, repr=False, compare=False
    )


@dataclass(slots=True)
class CompiledFramework:
    framework: Framework
    roots: list[Node]
    findings: list[Finding]
    by_key: dict[str, Node]
    order: list[Node] = field(default_factory=list)  # pre-order: every node before its children
    branches_upwards: list[Node] = field(default_factory=list)  # every child before its parent
    leaves: list[Node] = field(default_factory=list)  # in pre-order

    @property
    def total(self) -> Decimal:
        if self.framework.total is not None:
            return self.framework.total
        return sum((n.weight for n in self.roots), Decimal(0))

    def node(self, key: str) -> Node | None:
        return self.by_key.get(key)

    def walk(self) -> list[Node]:
        out: list[Node] = []

        def visit(nodes: list[Node]) -> None:
            for node in nodes:
                out.append(node)
                visit(node.children)

        visit(self.roots)
        return out


def compile_framework(
    framework: Framework, findings: list[Finding] | None = None
) -> CompiledFramework:
    """Compile every leaf's rule with its weight and the framework's rounding."""
    if framework.abstract:
        raise ValueError(
            f"「{framework.title}」是抽象框架（没有权重或规则），须由其他框架继承后使用"
        )
    rounding = framework.rounding
    by_key: dict[str, Node] = {}
    name_count: dict[str, int] = {}

    def build(item: Indicator, parent: tuple[str, ...], inherited: NAPolicy) -> Node:
        policy = item.na_policy or inherited
        path = (*parent, item.name)
        node = Node(
            item.code or "",
            item.name,
            path,
            item.weight or Decimal(0),
            policy,
            indicator=item,
            level=len(path),
        )
        node.result = partial(IndicatorResult, node.code, node.name, path, node.level, node.weight)
        node.children = [build(child, path, policy) for child in item.children]
        node.children_weight = sum((c.weight for c in node.children), Decimal(0))
        if not item.children and item.rule is not None:
            spec = parse_rule(item.rule)
            ctx = RuleContext(
                item.name, node.weight, rounding.places, rounding.mode, rounding.percent_places
            )
            node.scorer = spec.compile(ctx)
            node.rule_kind = spec.kind
        by_key[node.code] = node
        by_key["/".join(path)] = node
        name_count[item.name] = name_count.get(item.name, 0) + 1
        return node

    roots = [build(item, (), framework.na_policy) for item in framework.indicators]
    for node in list(by_key.values()):
        if name_count.get(node.name) == 1:
            by_key.setdefault(node.name, node)
    compiled = CompiledFramework(framework, roots, list(findings or []), by_key)
    compiled.order = compiled.walk()
    for index, node in enumerate(compiled.order):
        node.index, node.where = index, "/".join(node.path)
    for node in reversed(compiled.order):
        node.end = node.children[-1].end if node.children else node.index + 1
    compiled.branches_upwards = [node for node in reversed(compiled.order) if node.children]
    for node in compiled.branches_upwards:
        node.from_children = _picker([child.index for child in node.children])
    compiled.leaves = [node for node in compiled.order if not node.children]
    return compiled


def _picker(indices: list[int]) -> Callable[[list[Any]], tuple[Any, ...]]:
    """``itemgetter`` that always gives a tuple (it gives the bare item for one index)."""
    if len(indices) == 1:
        (only,) = indices
        return lambda items: (items[only],)
    return itemgetter(*indices)
