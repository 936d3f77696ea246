"""A small allow-list expression language over fact names, compiled to closures.

``(three_public.actual - three_public.prior_year) / three_public.prior_year`` is parsed with
Python's ``ast`` but never ``eval``-ed: only numbers, fact names (dotted), ``+ - * /``,
comparisons, ``and/or/not``, percent literals (``5%``) and the functions in ``FUNCTIONS`` pass.
Each expression compiles once into a value closure and a render closure; the render closure
substitutes the figures (``(6.74-7.83)/7.83``) for explanations.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

from jixiao.engine.numbers import (
    HUNDRED,
    ZERO,
    Percent,
    format_as_given,
    format_number,
    format_value,
)

Env = Mapping[str, Any]
ValueFn = Callable[[Env], Any]
RenderFn = Callable[[Env], str]


class ExpressionError(ValueError):
    """The expression text is not in the allowed language (raised while compiling)."""


class MissingFact(LookupError):
    """A fact the expression needs is absent from the unit-year's facts."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class Undefined(ArithmeticError):
    """The figures make the expression meaningless (a zero denominator)."""


@dataclass(frozen=True, slots=True)
class Expr:
    """A compiled expression: ``value(env)`` computes, ``render(env)`` shows the figures."""

    source: str
    names: frozenset[str]
    value: ValueFn
    render: RenderFn
    is_single_fact: bool = False


_PERCENT_LITERAL = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}
_SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "×", ast.Div: "/"}
_COMPARE: dict[type, tuple[str, Callable[[Any, Any], bool]]] = {
    ast.Lt: ("<", lambda a, b: a < b),
    ast.LtE: ("≤", lambda a, b: a <= b),
    ast.Gt: (">", lambda a, b: a > b),
    ast.GtE: ("≥", lambda a, b: a >= b),
    ast.Eq: ("=", lambda a, b: a == b),
    ast.NotEq: ("≠", lambda a, b: a != b),
}


def _items(value: Any, name: str) -> Sequence[Any]:
    if not isinstance(value, list | tuple):
        raise ExpressionError(f"函数{name}需要一个列表事实")
    return value


def _numbers(values: Sequence[Any]) -> list[Decimal]:
    return [v for v in values if isinstance(v, Decimal)]


def _mean(values: Sequence[Any]) -> Decimal:
    numbers = _numbers(values)
    if not numbers:
        raise Undefined("没有可求平均的数值")
    return sum(numbers, ZERO) / len(numbers)


def _weighted_mean(values: Sequence[Any], weights: Sequence[Any]) -> Decimal:
    pairs = [(v, w) for v, w in zip(values, weights, strict=False) if isinstance(v, Decimal)]
    total = sum((w for _, w in pairs), ZERO)
    if total == 0:
        raise Undefined("权重合计为0")
    return sum((v * w for v, w in pairs), ZERO) / total


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "min": min,
    "max": max,
    "abs": abs,
    "sum": lambda items: sum(_numbers(_items(items, "sum")), ZERO),
    "count": lambda items: Decimal(len(_items(items, "count"))),
    "count_true": lambda items: Decimal(sum(1 for v in _items(items, "count_true") if v is True)),
    "mean": lambda items: _mean(_items(items, "mean")),
    "weighted_mean": lambda v, w: _weighted_mean(_items(v, "weighted_mean"), w),
}


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．（）＋－＊／＜＞，", "0123456789.()+-*/<>,")
_SINGLE_EQUALS = re.compile(r"(?<![<>=!])=(?!=)")


def _ascii(source: str) -> str:
    """Accept the symbols a Chinese standard prints: ×, ÷, ≤, ≥, ≠, a single =, full-width digits."""
    text = source.translate(_FULL_WIDTH).replace("×", "*").replace("÷", "/")
    text = text.replace("≤", "<=").replace("≥", ">=").replace("≠", "!=")
    return _SINGLE_EQUALS.sub("==", text)


_SHOWN_FUNCTIONS = frozenset({"min", "max", "abs"})


def compile_expression(source: str) -> Expr:
    """Compile ``source`` or raise ``ExpressionError`` saying what is not allowed."""
    text = _PERCENT_LITERAL.sub(r"__percent__(\1)", _ascii(source))
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"公式「{source}」无法解析：{exc.msg}") from None
    builder = _Builder(source)
    value, shown, _ = builder.build(tree.body)
    single = isinstance(tree.body, ast.Name | ast.Attribute)
    return Expr(source, frozenset(builder.names), value, _render(shown), single)


# How an expression is shown: fixed text and holes filled per unit-year. Brackets depend only
# on the expression's shape, so they are fixed text too: ``(6.74-7.83)/7.83`` has two holes.
Shown = list[str | RenderFn]


def _render(shown: Shown) -> RenderFn:
    """One ``str.format`` over a template compiled once, instead of a closure per node."""
    holes = [piece for piece in shown if callable(piece)]
    template = "".join(
        "{}" if callable(piece) else piece.replace("{", "{{").replace("}", "}}") for piece in shown
    )
    fill = template.format
    if not holes:
        return lambda env: template
    if len(holes) == 1:
        (only,) = holes
        return lambda env: fill(only(env))
    if len(holes) == 2:
        first, second = holes
        return lambda env: fill(first(env), second(env))
    return lambda env: fill(*[hole(env) for hole in holes])


def _lookup(name: str) -> tuple[ValueFn, RenderFn]:
    def value(env: Env) -> Any:
        found = env.get(name)
        if found is None:
            raise MissingFact(name)
        return found

    def render(env: Env) -> str:
        found = env.get(name)
        if type(found) is Decimal:  # the usual fact, shown as written (``format_as_given``)
            text = str(found)
            return text if "E" not in text else format_as_given(found)
        return format_as_given(found) if isinstance(found, Decimal) else str(found)

    return value, render


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.names: set[str] = set()

    def fail(self, what: str) -> ExpressionError:
        return ExpressionError(f"公式「{self.source}」中不允许使用{what}")

    def build(self, node: ast.expr) -> tuple[ValueFn, Shown, int]:
        """Return (value closure, how it is shown, precedence of the shown text)."""
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise self.fail(f"「{ast.unparse(node)}」")
        result: tuple[ValueFn, Shown, int] = method(node)
        return result

    def _Constant(self, node: ast.Constant) -> tuple[ValueFn, Shown, int]:
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise self.fail(f"常量「{node.value!r}」")
        number = Decimal(str(node.value))
        return (lambda env: number), [format_number(number)], 9

    def _Name(self, node: ast.Name) -> tuple[ValueFn, Shown, int]:
        self.names.add(node.id)
        value, render = _lookup(node.id)
        return value, [render], 9

    def _Attribute(self, node: ast.Attribute) -> tuple[ValueFn, Shown, int]:
        name = _dotted(node)
        if name is None:
            raise self.fail(f"「{ast.unparse(node)}」")
        self.names.add(name)
        value, render = _lookup(name)
        return value, [render], 9

    def _UnaryOp(self, node: ast.UnaryOp) -> tuple[ValueFn, Shown, int]:
        inner, shown, prec = self.build(node.operand)
        if isinstance(node.op, ast.USub):
            return (lambda env: -inner(env)), ["-", *_wrap(shown, prec, 3)], 3
        if isinstance(node.op, ast.UAdd):
            return inner, shown, prec
        if isinstance(node.op, ast.Not):
            return (lambda env: not inner(env)), ["非", *shown], 0
        raise self.fail("该一元运算")

    def _BinOp(self, node: ast.BinOp) -> tuple[ValueFn, Shown, int]:
        op_type = type(node.op)
        if op_type not in _PRECEDENCE:
            raise self.fail(f"运算符「{ast.unparse(node)}」")
        prec = _PRECEDENCE[op_type]
        left, left_shown, left_prec = self.build(node.left)
        right, right_shown, right_prec = self.build(node.right)
        right_min = prec + 1  # a - (b - c), a / (b / c) keep their brackets
        shown = [
            *_wrap(left_shown, left_prec, prec),
            _SYMBOL[op_type],
            *_wrap(right_shown, right_prec, right_min),
        ]
        return _arithmetic(op_type, left, right), shown, prec

    def _Compare(self, node: ast.Compare) -> tuple[ValueFn, Shown, int]:
        parts = [self.build(node.left), *(self.build(c) for c in node.comparators)]
        ops = []
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise self.fail("该比较运算")
            ops.append(_COMPARE[type(op)])

        def value(env: Env) -> bool:
            values = [p[0](env) for p in parts]
            return all(fn(a, b) for (_, fn), a, b in zip(ops, values, values[1:], strict=False))

        shown = list(parts[0][1])
        for (symbol, _), part in zip(ops, parts[1:], strict=True):
            shown += [symbol, *part[1]]
        return value, shown, 0

    def _BoolOp(self, node: ast.BoolOp) -> tuple[ValueFn, Shown, int]:
        parts = [self.build(v) for v in node.values]
        is_and = isinstance(node.op, ast.And)

        def value(env: Env) -> bool:
            results = (p[0](env) for p in parts)
            return all(results) if is_and else any(results)

        return value, _joined([p[1] for p in parts], "且" if is_and else "或"), 0

    def _optional(self, args: list[tuple[ValueFn, Shown, int]]) -> tuple[ValueFn, Shown, int]:
        """``optional(x)``: a fact that may be absent counts as 0 (e.g. an excluded adjustment)."""
        if len(args) != 1:
            raise self.fail("optional 以外的参数个数（optional 只接受一个事实）")
        value = _optional_value(args[0][0])
        return value, [lambda env: format_value(value(env))], 9

    def _Call(self, node: ast.Call) -> tuple[ValueFn, Shown, int]:
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise self.fail(f"「{ast.unparse(node)}」")
        name = node.func.id
        args = [self.build(a) for a in node.args]
        if name == "__percent__":
            percent = Percent(args[0][0]({}) / HUNDRED)
            return (lambda env: percent), [format_value(percent)], 9
        if name == "optional":
            fact = _dotted(node.args[0]) if len(node.args) == 1 else None
            if fact is not None:  # a plain fact: look it up with a default, no exception

                def optional_value(env: Env) -> Any:
                    found = env.get(fact)
                    return ZERO if found is None else found

                return optional_value, [lambda env: format_value(optional_value(env))], 9
            return self._optional(args)
        function = FUNCTIONS.get(name)
        if function is None:
            raise self.fail(f"函数「{name}」（可用：{'、'.join(FUNCTIONS)}）")

        def value(env: Env) -> Any:
            return function(*(a[0](env) for a in args))

        if name in _SHOWN_FUNCTIONS:
            return value, [f"{name}(", *_joined([a[1] for a in args], ", "), ")"], 9
        return value, [lambda env: format_value(value(env))], 9


def _optional_value(inner: ValueFn) -> ValueFn:
    def value(env: Env) -> Any:
        try:
            return inner(env)
        except MissingFact:
            return ZERO

    return value


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return None if head is None else f"{head}.{node.attr}"
    return None


def _wrap(shown: Shown, prec: int, needed: int) -> Shown:
    return ["(", *shown, ")"] if prec < needed else shown


def _joined(parts: list[Shown], separator: str) -> Shown:
    joined: Shown = []
    for index, part in enumerate(parts):
        joined += [separator, *part] if index else part
    return joined


def _arithmetic(op_type: type, left: ValueFn, right: ValueFn) -> ValueFn:
    if op_type is ast.Add:
        return lambda env: left(env) + right(env)
    if op_type is ast.Sub:
        return lambda env: left(env) - right(env)
    if op_type is ast.Mult:
        return lambda env: left(env) * right(env)

    def divide(env: Env) -> Decimal:
        numerator, denominator = left(env), right(env)
        if denominator == 0:
            raise Undefined("分母为0")
        try:
            result: Decimal = numerator / denominator
        except (DivisionByZero, InvalidOperation):
            raise Undefined("分母为0") from None
        return result

    return divide
