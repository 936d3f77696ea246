"""numbers: reading printed numbers, rounding as a framework says, Chinese-style display."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from jixiao.engine.numbers import (
    Number,
    Percent,
    format_number,
    format_percent,
    format_value,
    parse_decimal,
    round_to,
)
from jixiao.engine.rules.base import shift_percent
from tests.engine.rules._support import PROPERTY

D = Decimal
modes = st.sampled_from(["half_up", "half_even", "down"])
values = st.decimals(
    min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False, places=8
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,440.56", D("1440.56")),
        ("  1440.56 ", D("1440.56")),
        ("１，４４０．５６", D("1440.56")),
        ("64%", D("0.64")),
        ("６４％", D("0.64")),
        ("-13.92%", D("-0.1392")),
        ("0", D(0)),
        (38, D(38)),
        (0.1, D("0.1")),
        (D("645.25"), D("645.25")),
    ],
)
def test_parse_decimal(raw: object, expected: Decimal) -> None:
    value = parse_decimal(raw)
    assert value == expected
    assert isinstance(value, Decimal)


def test_percent_is_remembered() -> None:
    assert isinstance(parse_decimal("64%"), Percent)
    assert not isinstance(parse_decimal("0.64"), Percent)


@pytest.mark.parametrize("raw", ["abc", "五", "", "1.2.3", True, "NaN", "inf", "Infinity", "-inf"])
def test_parse_decimal_rejects_in_chinese(raw: object) -> None:
    with pytest.raises(ValueError, match=r"「.*」不是(有限的)?数字"):
        parse_decimal(raw)


def test_float_is_read_through_its_text_never_binary() -> None:
    assert parse_decimal(0.905) == D("0.905")
    assert parse_decimal(1440.56) == D("1440.56")


@pytest.mark.parametrize(
    ("value", "places", "mode", "expected"),
    [
        ("0.905", 2, "half_up", "0.91"),
        ("0.905", 2, "half_even", "0.90"),
        ("0.915", 2, "half_even", "0.92"),
        ("0.909", 2, "down", "0.90"),
        ("-0.905", 2, "half_up", "-0.91"),
        ("85.5", 2, "half_up", "85.50"),
        ("2.5", 0, "half_up", "3"),
        ("2.5", 0, "half_even", "2"),
        ("1.117647", 4, "half_up", "1.1176"),
    ],
)
def test_round_to(value: str, places: int, mode: str, expected: str) -> None:
    assert str(round_to(D(value), places, mode)) == expected


@PROPERTY
@given(value=values, places=st.integers(min_value=0, max_value=6), mode=modes)
def test_round_to_is_close_and_exact(value: Decimal, places: int, mode: str) -> None:
    rounded = round_to(value, places, mode)
    assert isinstance(rounded, Decimal)
    assert rounded.as_tuple().exponent == -places
    unit = D(1).scaleb(-places)
    assert abs(rounded - value) <= (unit if mode == "down" else unit / 2)
    if mode == "down":
        assert abs(rounded) <= abs(value)


@PROPERTY
@given(a=values, b=values, places=st.integers(min_value=0, max_value=6), mode=modes)
def test_round_to_is_monotonic(a: Decimal, b: Decimal, places: int, mode: str) -> None:
    low, high = sorted((a, b))
    assert round_to(low, places, mode) <= round_to(high, places, mode)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("6.740", "6.74"),
        ("2.00", "2"),
        ("100", "100"),
        ("1E+2", "100"),
        ("1E-7", "0.0000001"),
        ("-0.5", "-0.5"),
        ("85.50", "85.5"),
        ("0.00000012300", "0.000000123"),
        ("-0.00", "0"),
        ("5E+3", "5000"),
    ],
)
def test_format_number(value: str, text: str) -> None:
    assert format_number(D(value)) == text


@PROPERTY
@given(value=values)
def test_format_number_is_plain_and_exact(value: Decimal) -> None:
    text = format_number(value)
    assert "E" not in text
    assert D(text) == value


@pytest.mark.parametrize(
    ("ratio", "text"),
    [
        (D(38) / D(34), "111.76%"),
        (D("1"), "100%"),
        (D("-0.1392"), "-13.92%"),
        (D("0.4479"), "44.79%"),
        (D("123.85") / D("124.17"), "99.74%"),
        (D("1973.09") / D("1791.71"), "110.12%"),
    ],
)
def test_format_percent(ratio: Decimal, text: str) -> None:
    assert format_percent(ratio) == text


@PROPERTY
@given(ratio=values, places=st.integers(min_value=0, max_value=4), mode=modes)
def test_a_rounded_ratio_is_shown_by_shifting_the_point(
    ratio: Decimal, places: int, mode: str
) -> None:
    """Metric rules show their rounded rate with ``shift_percent``: no second rounding."""
    rounded = round_to(ratio, places + 2, mode)
    assert shift_percent(rounded) == format_percent(rounded, places, mode)


def test_format_percent_places() -> None:
    assert format_percent(D(38) / D(34), 1) == "111.8%"
    assert format_percent(D(38) / D(34), 0) == "112%"


def test_format_value_keeps_percentages_as_written() -> None:
    assert format_value(parse_decimal("64%")) == "64%"
    assert format_value(D("0.64")) == "0.64"


def test_number_fields_accept_printed_forms() -> None:
    class Model(BaseModel):
        amount: Number

    assert Model(amount="1,440.56").amount == D("1440.56")
    assert isinstance(Model(amount="5%").amount, Percent)
    with pytest.raises(ValidationError):
        Model(amount="五")
    with pytest.raises(ValidationError):
        Model(amount=True)
