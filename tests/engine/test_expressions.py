"""expressions: the allow-list formula language over fact names, with rendered figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given

from jixiao.engine.expressions import (
    ExpressionError,
    MissingFact,
    Undefined,
    compile_expression,
)
from jixiao.engine.numbers import Percent, parse_decimal
from tests.engine.rules._support import PROPERTY, finite

D = Decimal


def test_names_are_collected_dotted() -> None:
    expr = compile_expression(
        "(three_public.actual - three_public.prior_year_actual) / three_public.prior_year_actual"
    )
    assert expr.names == frozenset({"three_public.actual", "three_public.prior_year_actual"})


def test_value_and_render_of_a_change_rate() -> None:
    expr = compile_expression(
        "(three_public.actual - three_public.prior_year_actual) / three_public.prior_year_actual"
    )
    env = {"three_public.actual": D("6.74"), "three_public.prior_year_actual": D("7.83")}
    assert expr.value(env) == (D("6.74") - D("7.83")) / D("7.83")
    assert expr.render(env) == "(6.74-7.83)/7.83"


@pytest.mark.parametrize(
    ("source", "rendered"),
    [
        ("a - (b - c)", "5-(3-1)"),
        ("a - b - c", "5-3-1"),
        ("a / (b / c)", "5/(3/1)"),
        ("(a + b) * c", "(5+3)×1"),
        ("a + b * c", "5+3×1"),
        ("-a", "-5"),
        ("-(a - b)", "-(5-3)"),
        ("min(a, b)", "min(5, 3)"),
        ("a × b ÷ c", "5×3/1"),
    ],
)
def test_render_keeps_needed_brackets(source: str, rendered: str) -> None:
    env = {"a": D(5), "b": D(3), "c": D(1)}
    assert compile_expression(source).render(env) == rendered


def test_percent_literals() -> None:
    expr = compile_expression("x >= 5%")
    assert expr.value({"x": D("0.05")}) is True
    assert expr.value({"x": D("0.0499")}) is False
    assert expr.render({"x": D("0.05")}) == "0.05≥5%"
    value = compile_expression("12.5％").value({})
    assert isinstance(value, Percent)
    assert value == D("0.125")


def test_percent_facts_render_as_percent() -> None:
    expr = compile_expression("execution.progress.m6 / execution.planned_progress.m6")
    env = {
        "execution.progress.m6": parse_decimal("64%"),
        "execution.planned_progress.m6": parse_decimal("50%"),
    }
    assert expr.render(env) == "64%/50%"
    assert expr.value(env) == D("1.28")


def test_comparisons_and_logic() -> None:
    env = {"a": D(1), "b": D(2)}
    assert compile_expression("a < b and not a == b").value(env) is True
    assert compile_expression("a > b or a != b").value(env) is True
    assert compile_expression("0 <= a < b").value(env) is True
    assert compile_expression("a < b and a == b").render(env) == "1<2且1=2"


def test_list_functions() -> None:
    env = {
        "key_tasks.done": [True, False, True, None],
        "key_tasks": [{}, {}, {}, {}],
        "v": [D(1), D(2), None, D(3)],
        "w": [D(1), D(1), D(5), D(2)],
    }
    assert compile_expression("count_true(key_tasks.done) / count(key_tasks)").value(env) == D(
        "0.5"
    )
    assert compile_expression("sum(v)").value(env) == D(6)
    assert compile_expression("mean(v)").value(env) == D(2)
    assert compile_expression("weighted_mean(v, w)").value(env) == D("2.25")


def test_optional_fact_counts_as_zero() -> None:
    expr = compile_expression("(a - optional(b)) / c")
    assert expr.value({"a": D(10), "c": D(2)}) == D(5)
    assert expr.render({"a": D(10), "c": D(2)}) == "(10-0)/2"
    assert expr.value({"a": D(10), "b": D(4), "c": D(2)}) == D(3)


def test_missing_fact_names_it() -> None:
    expr = compile_expression("staffing.in_post / staffing.authorized")
    with pytest.raises(MissingFact) as info:
        expr.value({"staffing.in_post": D(38)})
    assert info.value.name == "staffing.authorized"


def test_zero_denominator_is_undefined() -> None:
    with pytest.raises(Undefined, match="分母为0"):
        compile_expression("a / b").value({"a": D(1), "b": D(0)})
    with pytest.raises(Undefined):
        compile_expression("mean(v)").value({"v": []})
    with pytest.raises(Undefined, match="权重合计为0"):
        compile_expression("weighted_mean(v, w)").value({"v": [D(1)], "w": [D(0)]})


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os')",
        "open('x')",
        "a ** 2",
        "a % b",
        "a // b",
        "[a, b]",
        "a[0]",
        "lambda: 1",
        "a if b else c",
        "'text'",
        "True",
        "f(a).b",
        "max(*a)",
        "a is b",
        "a in b",
        "exec('1')",
    ],
)
def test_disallowed_constructs_raise_in_chinese(source: str) -> None:
    with pytest.raises(ExpressionError, match=r"公式「.*」(中不允许使用|无法解析)"):
        compile_expression(source)


def test_attributes_are_only_ever_fact_names() -> None:
    """``a.__class__`` is looked up as the fact named so, never evaluated as an attribute."""
    expr = compile_expression("a.__class__")
    assert expr.names == frozenset({"a.__class__"})
    with pytest.raises(MissingFact):
        expr.value({"a": D(1)})


def test_syntax_error_in_chinese() -> None:
    with pytest.raises(ExpressionError, match="无法解析"):
        compile_expression("a / (b")


def test_function_list_offered() -> None:
    with pytest.raises(ExpressionError, match="可用：min"):
        compile_expression("sqrt(a)")


@PROPERTY
@given(a=finite, b=finite, c=finite)
def test_arithmetic_is_decimal_exact(a: Decimal, b: Decimal, c: Decimal) -> None:
    env = {"a": a, "b": b, "c": c}
    assert compile_expression("a + b * c").value(env) == a + b * c
    assert compile_expression("(a - b) * c").value(env) == (a - b) * c
    if b != 0:
        value = compile_expression("a / b").value(env)
        assert isinstance(value, Decimal)
        assert value == a / b
    else:
        with pytest.raises(Undefined):
            compile_expression("a / b").value(env)


@PROPERTY
@given(a=finite, b=finite)
def test_render_substitutes_the_figures(a: Decimal, b: Decimal) -> None:
    text = compile_expression("a - b").render({"a": a, "b": b})
    assert text.count("-") >= 1
    assert "a" not in text
    assert "E" not in text
